/**
 * @module The state of one simulation run: the world, the event queue on the simulated clock,
 * the kernel threads' state, blocked tasks, the log, the trace and the counters the summary
 * reports. Shared by the runner, the action handlers and the kernel-thread handlers.
 */
import type { KernelProfile } from '../kernel/profiles.ts'
import type { PrintkRecord } from '../kernel/oom-kill.ts'
import type { ReaperState } from '../kernel/oom-reaper.ts'
import type { Vma } from '../kernel/types.ts'
import type { World } from '../kernel/mm/world.ts'
import type { ExitSpec } from './build.ts'
import type { Samples } from './samples.ts'
import type { ActionSpecT, Scenario } from './schema.ts'
import type { TraceEvent } from './trace.ts'

/** One entry of the event queue. */
export type QueueItem =
  | { kind: 'action'; t: number; seq: number; index: number; iter: number }
  | { kind: 'exit'; t: number; seq: number; pid: number }
  | { kind: 'kswapd'; t: number; seq: number; node: number }
  | { kind: 'reaper'; t: number; seq: number }
  | { kind: 'resume'; t: number; seq: number; pid: number }
  | { kind: 'flush'; t: number; seq: number }

/** A task waiting in the allocator (OOM in flight, !__GFP_FS looping, oom_kill_disable...). */
export interface BlockedTask {
  pid: number
  index: number
  iter: number
  /** Pages (or blocks) still to do for the interrupted action. */
  remaining: number
  reason: 'oom-progress' | 'memcg-wait' | 'nofail' | 'pf-retry' | 'writeback'
  since: number
}

/** A victim in order, for the summary. */
export interface VictimRecord {
  pid: number
  comm: string
  timeNs: number
  kind: 'global' | 'memcg' | 'sysrq'
  message: string
  constraint: string | null
}

/** Everything one run works on. */
export interface Sim {
  scenario: Scenario
  profile: KernelProfile
  w: World
  actions: ActionSpecT[]
  queue: QueueItem[]
  seq: number
  nowNs: number
  endNs: number
  log: PrintkRecord[]
  trace: TraceEvent[]
  samples: Samples
  exits: Map<number, ExitSpec>
  vmaByName: Map<number, Map<string, Vma>>
  hz: number
  reaper: ReaperState
  reaperQueued: boolean
  blocked: Map<number, BlockedTask>
  /** pids with a scheduled exit. */
  exiting: Set<number>
  victims: VictimRecord[]
  panic: string | null
  oomInvocations: number
  allocFailures: { timeNs: number; pid: number | null; comm: string; gfp: number; order: number }[]
  enomem: { timeNs: number; pid: number; bytes: number }[]
  /** Set when any memory was freed in this step (blocked tasks retry). */
  worldChanged: boolean
  /** OOM invocations so far, and the time of the last one (until: oom stops at the first OOM
   * at or after the action's start). */
  oomSeen: number
  lastOomNs: number
  /** Repeating actions already stopped. */
  stopped: Set<number>
  seed: number
  steps: number
  /** The next iteration of the action just run, when it repeats (run inline when nothing
   * else is due before it). */
  pendingRepeat: { t: number; index: number; iter: number } | null
  /** A flusher run is queued. */
  flushQueued: boolean
}
