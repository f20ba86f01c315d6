/**
 * @module The engine's typed event stream: the kernel's OOM tracepoints (include/trace/events/
 * oom.h, named 'oom:<tracepoint>' as ftrace does) plus decision events ('oom.<step>') that let a
 * user follow out_of_memory() step by step. Every event carries `timeNs` (simulated ns).
 *
 * Memory values in events are pages unless the name ends in Kb.
 */
import type { Badness } from './oom-badness.ts'
import type { KilledInfo } from './oom-report.ts'
import type { Constraint } from './types.ts'

/** Why the victim scan passed over a task before or instead of scoring it. */
export type ScanSkip =
  /** oom_cpuset_eligible() / has_intersects_mems_allowed() false. */
  | 'cpuset'
  /** A previous victim whose mm already has MMF_OOM_SKIP. */
  | 'victim-oom-skip'
  /** 3.x: a thread without an mm (exit_mm done). */
  | 'no-mm-thread'

/** Tracepoints. */
export type TracepointEvent =
  /** trace_mark_victim: `pid=%d` (<= 6.8) or the extended form (>= 6.9/6.10). */
  | {
      type: 'oom:mark_victim'
      timeNs: number
      pid: number
      /** Extended form only (profile.format.markVictimExtended). */
      extended: Omit<KilledInfo, 'message' | 'pid'> | null
    }
  | { type: 'oom:wake_reaper'; timeNs: number; pid: number }
  | { type: 'oom:start_task_reaping'; timeNs: number; pid: number }
  | { type: 'oom:finish_task_reaping'; timeNs: number; pid: number }
  | { type: 'oom:skip_task_reaping'; timeNs: number; pid: number }
  | {
      type: 'oom:oom_score_adj_update'
      timeNs: number
      pid: number
      comm: string
      oomScoreAdj: number
    }

/** Decision events of out_of_memory() and its helpers. */
export type DecisionEvent =
  | {
      type: 'oom.invoke'
      timeNs: number
      kind: 'global' | 'memcg' | 'sysrq'
      memcg: string | null
      gfpMask: number
      order: number
      currentPid: number | null
    }
  /** oom_killer_disabled (PM freeze): out_of_memory() returned false. */
  | { type: 'oom.disabled'; timeNs: number }
  /** The OOM notifier chain freed memory: no kill. */
  | { type: 'oom.notifier'; timeNs: number; freedPages: number }
  /** current is exiting: marked as victim without a kill (task_will_free_mem(current)). */
  | { type: 'oom.current_exiting'; timeNs: number; pid: number }
  /** !__GFP_FS allocation: pretend progress. */
  | { type: 'oom.nofs'; timeNs: number; gfpMask: number }
  | {
      type: 'oom.constraint'
      timeNs: number
      constraint: Constraint
      /** The OOM domain size in pages. */
      totalPages: number
      nodemask: readonly number[] | null
    }
  /** One task looked at by the victim scan, in scan order. */
  | {
      type: 'oom.evaluate'
      timeNs: number
      pid: number
      comm: string
      badness: Badness
      skip: ScanSkip | null
      /** oom_task_origin(): selected outright. */
      origin: boolean
    }
  /** The scan aborted because an earlier victim is still exiting (oc->chosen = -1). */
  | { type: 'oom.abort'; timeNs: number; inFlightPid: number }
  | { type: 'oom.select'; timeNs: number; pid: number | null; points: number }
  /** oom_kill_allocating_task chose current without a scan. */
  | { type: 'oom.allocating_task'; timeNs: number; pid: number }
  /** The chosen victim was already exiting: marked without a kill or report. */
  | { type: 'oom.victim_exiting'; timeNs: number; pid: number }
  /** dump_header was suppressed by the 10 per 5 s ratelimit. */
  | { type: 'oom.ratelimited'; timeNs: number }
  /** <= 5.0: a child was sacrificed instead of the chosen parent. */
  | {
      type: 'oom.sacrifice'
      timeNs: number
      parentPid: number
      childPid: number
      childPoints: number
    }
  | { type: 'oom.kill'; timeNs: number; pid: number; comm: string; message: string }
  /** Another process sharing the victim's mm got SIGKILL. */
  | { type: 'oom.kill_sharer'; timeNs: number; pid: number; victimPid: number }
  /** Global init shares the mm: the mm is pinned, not reaped. */
  | { type: 'oom.mm_pinned'; timeNs: number; victimPid: number; initPid: number }
  | { type: 'oom.group'; timeNs: number; memcg: string; pids: number[] }
  | { type: 'oom.no_victim'; timeNs: number }
  | { type: 'oom.panic'; timeNs: number; message: string }
  /** The reaper gave up on a victim (all attempts failed). `schedShowTask`: the kernel follows
   * the line with sched_show_task() (>= 5.9; its text is not modelled) and debug_show_all_locks()
   * (empty without CONFIG_LOCKDEP). */
  | { type: 'oom.reap_failed'; timeNs: number; pid: number; schedShowTask: boolean }
  /** The reaper finished; pages returned to the allocator. */
  | {
      type: 'oom.reaped'
      timeNs: number
      pid: number
      freedPages: number
      /** Start addresses of the VMAs unmapped, in walk order (forward, or reverse on 6.18). */
      vmas: number[]
    }

/** Every event the engine emits. */
export type TraceEvent = TracepointEvent | DecisionEvent

/**
 * The ftrace text of a tracepoint event (TP_printk of include/trace/events/oom.h), e.g.
 * `pid=116`; null for decision events.
 */
export function formatTracepoint(e: TraceEvent): string | null {
  switch (e.type) {
    case 'oom:mark_victim': {
      if (e.extended === null) return `pid=${e.pid}`
      const x = e.extended
      // 6.10+: note the mixed '=' and ':' separators, as in the kernel.
      return (
        `pid=${e.pid} comm=${x.comm} total-vm=${x.totalVmKb}kB anon-rss=${x.anonRssKb}kB ` +
        `file-rss:${x.fileRssKb}kB shmem-rss:${x.shmemRssKb}kB uid=${x.uid} ` +
        `pgtables=${x.pgtablesKb}kB oom_score_adj=${x.oomScoreAdj}`
      )
    }
    case 'oom:wake_reaper':
    case 'oom:start_task_reaping':
    case 'oom:finish_task_reaping':
    case 'oom:skip_task_reaping':
      return `pid=${e.pid}`
    case 'oom:oom_score_adj_update':
      return `pid=${e.pid} comm=${e.comm} oom_score_adj=${e.oomScoreAdj}`
    default:
      return null
  }
}
