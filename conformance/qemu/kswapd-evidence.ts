/**
 * @module What the guest shows of kswapd around a global OOM, and whether it decides the
 * report's `all_unreclaimable?`.
 *
 * show_free_areas() (6.1 mm/page_alloc.c) prints `all_unreclaimable? yes` when the node's
 * kswapd_failures >= MAX_RECLAIM_RETRIES (16). balance_pgdat() (6.1 mm/vmscan.c) adds one failure
 * per pass that reclaimed nothing; reclaim progress in shrink_node() (kswapd's or a direct
 * reclaimer's, freed slab included) resets it to 0; wakeup_kswapd() does not wake a hopeless
 * node. The guest records zoneinfo's node_unreclaimable at the snapshot, and from the go on the
 * start of every kswapd pass (vmscan:mm_vmscan_kswapd_wake, emitted by kswapd() just before each
 * balance_pgdat()) and every direct reclaim that made progress (vmscan:mm_vmscan_direct_reclaim_end
 * with nr_reclaimed > 0), stamped with the "perf" trace clock (local_clock(), the dmesg clock).
 *
 * A pass has ended before the report when another kswapd event (the next wake, or
 * vmscan:mm_vmscan_kswapd_sleep from kswapd_try_to_sleep()) comes before it: a pass still
 * running when the report prints has not counted its failure yet.
 *
 * The evidence decides the value (compared exactly) when:
 * - at least 16 passes ended before the report (after the last direct reclaim progress, or the go);
 * - a direct reclaim made progress before the report and fewer than 16 passes started after it:
 *   the count restarted from 0 there and cannot have reached 16 (`no`);
 * - no progress, the node hopeless at the snapshot, no kswapd pass before the report: it stayed
 *   hopeless (`yes`).
 * A decided value whose reset was freed slab (slabReset: the simulator has no slab shrinkers) is
 * counted, with a note, as is every undecided one.
 * Otherwise (a node kswapd still served at the snapshot with fewer than 16 passes ended before
 * the report: the count carried over from before the snapshot is invisible below 16, and whether
 * kswapd's passes end before the grower's retries do is scheduling on the one CPU; or a pass of a
 * hopeless node without visible progress) the field is counted, with a note.
 */
import type { KernelKill } from '../kernel-report.ts'
import type { GuestRun } from './guest-run.ts'

/** MAX_RECLAIM_RETRIES (6.1 mm/internal.h): kswapd_failures at which a node is hopeless. */
export const MAX_RECLAIM_RETRIES = 16

/** What the guest recorded of kswapd for one global case. */
export interface KswapdEvidence {
  /** zoneinfo node_unreclaimable at the snapshot. */
  hopelessAtSnapshot: boolean
  /** The last direct reclaim with progress before the first report (µs, pages), or null. */
  reset: { usec: number; pages: number } | null
  /** kswapd passes started before the first report, after `reset` (or the go); null: untraced. */
  passesStarted: number | null
  /** Of those, the passes known to have ended before the report (a later wake or a sleep). */
  passesEnded: number | null
  /** zoneinfo node_unreclaimable at the end of the case (null: not read). */
  hopelessAfter: boolean | null
  /** Reclaim counters over the case (end minus snapshot): pgsteal_direct, slabs_scanned, ... */
  vmstatDelta: Record<string, number>
}

const STAMP = /^\[\s*(\d+)\.(\d{6})\]/

/** The µs stamp of a report's first line (its "invoked oom-killer" line), or null. */
export function reportStartUsec(kill: KernelKill): number | null {
  const m = STAMP.exec(kill.lines[0] ?? '')
  return m === null ? null : Number(m[1]) * 1e6 + Number(m[2])
}

/** Passes started in (from, to), and those followed by another kswapd event before `to`. */
function passesIn(
  wakes: readonly number[],
  sleeps: readonly number[],
  from: number,
  to: number
): { started: number; ended: number } {
  const inside = wakes.filter(t => t > from && t < to)
  const events = [...wakes, ...sleeps]
  const ended = inside.filter(w => events.some(e => e > w && e < to)).length
  return { started: inside.length, ended }
}

/** The evidence of a run (`hopelessAtSnapshot` and `vmstat` from the snapshot). */
export function kswapdEvidence(
  run: GuestRun,
  hopelessAtSnapshot: boolean,
  vmstat: Readonly<Record<string, number>> = {}
): KswapdEvidence {
  const first = run.kills[0]
  const start = first === undefined ? null : reportStartUsec(first)
  const wakes = run.kswapdWakesUsec
  const reset =
    start === null ? null : ((run.reclaimProgress ?? []).filter(p => p.usec < start).pop() ?? null)
  const passes =
    wakes === null || start === null
      ? null
      : passesIn(wakes, run.kswapdSleepsUsec ?? [], reset?.usec ?? -1, start)
  const vmstatDelta: Record<string, number> = {}
  for (const [k, v] of Object.entries(run.vmstatEnd ?? {})) vmstatDelta[k] = v - (vmstat[k] ?? 0)
  return {
    hopelessAtSnapshot,
    reset,
    passesStarted: passes?.started ?? null,
    passesEnded: passes?.ended ?? null,
    hopelessAfter: run.nodeUnreclaimableAfter,
    vmstatDelta
  }
}

/** Does the evidence decide the report's all_unreclaimable? (see the module). */
export function unreclaimableDecided(e: KswapdEvidence): boolean {
  const { passesStarted: started, passesEnded: ended } = e
  if (started === null || ended === null) return e.hopelessAtSnapshot
  if (ended >= MAX_RECLAIM_RETRIES) return true
  if (e.reset !== null) return started < MAX_RECLAIM_RETRIES
  return e.hopelessAtSnapshot && started === 0
}

/**
 * The reset came from freed slab: a direct reclaim made progress before the report while the
 * LRU reclaim counter pgsteal_direct did not move over the whole case, so the pages were slab
 * freed by shrink_slab() (added through reclaim_state->reclaimed_slab, 6.1 shrink_node()). The
 * simulator has no slab shrinkers: it cannot make that progress.
 */
export function slabReset(e: KswapdEvidence): boolean {
  return e.reset !== null && e.vmstatDelta.pgsteal_direct === 0
}

/** Is the report's all_unreclaimable compared exactly (decided, and not by a slab reset)? */
export function unreclaimableCompared(e: KswapdEvidence): boolean {
  return unreclaimableDecided(e) && !slabReset(e)
}

/** The evidence beside an all_unreclaimable that differs, kernel's value and ours. */
export function kswapdNote(e: KswapdEvidence, kernel: string, ours: string): string {
  const decided = unreclaimableDecided(e)
  const snap = e.hopelessAtSnapshot ? 1 : 0
  const after = e.hopelessAfter === null ? '?' : e.hopelessAfter ? 1 : 0
  const reset =
    e.reset === null
      ? 'no direct reclaim progress before the report'
      : `direct reclaim reclaimed ${e.reset.pages} page(s) at ${(e.reset.usec / 1e6).toFixed(6)} (kswapd_failures reset)`
  const passes =
    e.passesStarted === null
      ? 'kswapd not traced'
      : `then kswapd started ${e.passesStarted} balance_pgdat() pass(es) before the report, ${e.passesEnded} ended`
  const counters = Object.entries(e.vmstatDelta)
    .map(([k, v]) => `${k} +${v}`)
    .join(', ')
  const verdict = !decided
    ? ': counted only'
    : slabReset(e)
      ? ': the reset was freed slab (shrink_slab(), not modelled): counted only'
      : ''
  return (
    `all_unreclaimable? kernel ${kernel}, ours ${ours}: ${decided ? 'decided' : 'not decided'} by ` +
    `the evidence (node_unreclaimable ${snap} at the snapshot, ${after} at the end; ${reset}; ` +
    `${passes}; ${MAX_RECLAIM_RETRIES} failing ones make a node hopeless${counters === '' ? '' : `; over the case ${counters}`})` +
    verdict
  )
}
