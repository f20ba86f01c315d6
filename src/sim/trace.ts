/**
 * @module The simulator's typed event trace: the engine's events (oom:* tracepoints and oom.*
 * decisions) plus the simulator's own namespaced events: 'alloc.*' (page allocator),
 * 'reclaim.*', 'compact.*', 'kswapd.*', 'memcg.*', 'overcommit.*', 'task.*', 'sim.*'.
 * Written as JSON lines by `oomkit simulate --trace FILE`.
 *
 * Times are simulated ns (`timeNs`); memory values are pages unless a name ends in Kb.
 *
 * Simulator event types (fields besides `type` and `timeNs`):
 * - sim.boot {profile, minFreeKbytes, zones[{node, zone, managed, min, low, high, lowmemReserve}]},
 *   sim.end {panic, steps}, sim.stuck {pid, reason, sinceNs}, sim.sysctl {name, value},
 *   sim.skipped {index, iter} (an action of a task still blocked in the allocator).
 * - alloc.reclaim_retry_zone {node, zone, order, reclaimable, available, min_wmark,
 *   no_progress_loops, wmark_check} (the kernel tracepoint), alloc.reclaim_retry_exhausted
 *   {pid, loops}, alloc.oom_skipped {pid, gate, gfp, order} (an __alloc_pages_may_oom gate),
 *   alloc.fail {pid, comm, gfp, order}, alloc.nofail_loop, alloc.throttle_writeback {pid, zone,
 *   writePending}, alloc.pagefault_oom / alloc.pagefault_retry {pid}, alloc.kernel {pid, gfp,
 *   order, count, got, status} (a timeline `alloc` that did not complete).
 * - reclaim.direct / reclaim.kswapd / reclaim.memcg / reclaim.memcg_high {memcg, want,
 *   reclaimed}, reclaim.writeback {pages}.
 * - compact.success / compact.fail / compact.skip {zone, node, order}, compact.retry.
 * - kswapd.wake {node, order, classZone}, kswapd.reclaim {node, reclaimed}, kswapd.fail {node,
 *   failures}, kswapd.sleep {node}.
 * - memcg.oom {memcg, usage, limit}, memcg.oom_wait {memcg}, memcg.charge_fail, memcg.set
 *   {memcg, key, value}, memcg.move {pid, memcg}.
 * - overcommit.commit {pid, pages, committedAs} (merged heap growths: {pid, pages per growth,
 *   steps, total, committedAs}, each growth checked on its own), overcommit.enomem {pid, comm,
 *   pages, committedAs, mode}.
 * - task.sigkill {pid, comm, stuck}, task.exit, task.fork {pid, child, vfork, shareMm, cowPages},
 *   task.exec, task.free, task.mlock, task.blocked {pid, reason, remaining}, task.knob_error,
 *   task.swapon, task.swapoff, task.touch_past_end {pid, vma, pages} (a touch ran past the end
 *   of its named mapping).
 */
import type { TraceEvent as EngineEvent } from '../kernel/events.ts'

/** A simulator event: a dotted type and free-form fields (documented per type in docs). */
export interface SimEvent {
  type: `${'alloc' | 'reclaim' | 'compact' | 'kswapd' | 'memcg' | 'overcommit' | 'task' | 'sim'}.${string}`
  timeNs: number
  [key: string]: unknown
}

/** Every event a run records. */
export type TraceEvent = EngineEvent | SimEvent

/** One JSON line per event. */
export function traceToJsonLines(trace: readonly TraceEvent[]): string {
  let out = ''
  for (const e of trace) out += JSON.stringify(e) + '\n'
  return out
}
