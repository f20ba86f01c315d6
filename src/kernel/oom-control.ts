/**
 * @module Types shared by out_of_memory(), the victim scan, oom_kill_process() and the reaper:
 * the OOM control block, the caller's context, effects, printk records and outcomes.
 * Re-exported from oom-kill.ts (the declared home of these names).
 */
import type { Badness } from './oom-badness.ts'
import type { ScanSkip, TraceEvent } from './events.ts'
import type { KernelProfile } from './profiles.ts'
import type { MemcgInfo, OomReportData, ShowMem, StackInfo } from './oom-report.ts'
import type { RatelimitState } from './ratelimit.ts'
import type { Constraint, Process } from './types.ts'

/** struct oom_control as the caller fills it. */
export interface OomControl {
  /** 'sysrq' = moom_callback (order -1, no current task of interest). */
  kind: 'global' | 'memcg' | 'sysrq'
  /** Path of the OOMing memcg for kind 'memcg'. */
  memcg: string | null
  gfpMask: number
  /** Allocation order; -1 for sysrq. */
  order: number
  /** Allocation nodemask (mempolicy), null = all nodes. */
  nodemask: readonly number[] | null
  /** pid (or tid) of current, the allocating task; null = a kernel worker (sysrq). */
  currentPid: number | null
}

/** What ctx.memInfo is asked for: which memory block the report needs. */
export interface MemInfoQuery {
  constraint: Constraint
  /** The OOMing memcg (memcg OOMs) or null (global: show_mem). */
  memcg: string | null
  /** The victim's memcg, when a victim exists ("Task in ... killed as a result of ..."). */
  victimMemcg: string | null
  /** show_mem filter nodemask (mempolicy OOMs). */
  nodemask: readonly number[] | null
}

/** The memory block of a report: show_mem for global OOMs, the memcg block for memcg OOMs. */
export interface MemInfoBlock {
  showMem: ShowMem | null
  memcgInfo: MemcgInfo | null
}

/** The caller's context for one engine call. */
export interface EngineContext {
  profile: KernelProfile
  /** Simulated time of this call (ns); printk records and events are stamped with it. */
  nowNs: number
  /** The oom_kill_process() dump_header ratelimit (10 per 5 s), owned by the caller. */
  ratelimit: RatelimitState
  /** Supplies show_mem / memcg info for dump_header; absent = no memory block in the report. */
  memInfo?: (q: MemInfoQuery) => MemInfoBlock
  /** Pages the OOM notifier chain frees on this call (global OOMs); > 0 stops the OOM. */
  notifierFreedPages?: number
  /** Stack banner data for the report. */
  kernelRelease?: string
  hardware?: string | null
  cpu?: number
  /** dump_stack() details (taint, build string, call chain); the printer has per-path defaults. */
  stack?: StackInfo
  /** Who "current" is when `currentPid` is null (sysrq runs from a kworker). */
  worker?: { pid: number; comm: string }
  /** Build the `ranking` (every scanned task with its badness). Default true. */
  ranking?: boolean
}

/** An effect the caller must apply (the engine only mutates OomState flags and counters). */
export type Effect =
  | { type: 'signal'; pid: number; signal: 'SIGKILL' }
  /** Hand the victim to the oom_reaper at `atNs` (the 2 s OOM_REAPER_DELAY is included). */
  | {
      type: 'queue-reaper'
      pid: number
      mmId: number
      atNs: number
      /** The task queue_oom_reaper() was given (tid and comm): the thread find_lock_task_mm()
       * found for a kill, current or the chosen leader when already exiting. The reaper's
       * lines and traces name it. Absent when that is the process itself (`pid`). */
      tid?: number
      comm?: string
    }
  | { type: 'panic'; message: string }

/** One printk line: timestamp, KERN_* level (0 emerg .. 7 debug), text without newline. */
export interface PrintkRecord {
  timeNs: number
  level: number
  text: string
}

/** One task as the victim scan saw it, in scan order. */
export interface RankedTask {
  pid: number
  comm: string
  badness: Badness
  /** Passed over before scoring (cpuset, earlier victim with MMF_OOM_SKIP). */
  skip?: ScanSkip
  /** oom_task_origin(): selected outright. */
  origin?: boolean
}

/** select_bad_process() result. */
export interface SelectResult {
  chosen: Process | null
  /** The thread the 3.x per-thread scan chose (tid), else the chosen pid. */
  chosenTid: number | null
  /** oc->chosen == -1: an earlier victim is still in flight; nothing is killed. */
  aborted: boolean
  /** The earlier victim whose pending exit caused the abort. */
  inFlightPid?: number
  /** chosen_points (pages, or 0..1000 for 'scaled1000'); for <= 5.2 also see `scaledPoints`. */
  points: number
  /** <= 5.2: chosen_points * 1000 / totalpages, printed by the sacrifice-child line. */
  scaledPoints: number
  ranking: RankedTask[]
}

/** The result of out_of_memory(). */
export interface OomOutcome {
  /** out_of_memory()'s return: true when the allocator should retry. */
  progress: boolean
  outcome:
    | 'killed'
    | 'aborted'
    | 'current-exiting'
    | 'victim-exiting'
    | 'nofs'
    | 'notifier'
    | 'disabled'
    | 'no-victim'
    | 'panic'
  victimPid: number | null
  effects: Effect[]
  events: TraceEvent[]
  printk: PrintkRecord[]
  /** The report dump_header printed (null when none was printed). */
  report: OomReportData | null
  constraint: Constraint | null
  totalPages: number | null
  ranking: RankedTask[]
}
