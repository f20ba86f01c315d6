/**
 * @module What the loop, the observer and the killer share: the injected dependencies and the
 * mutable state of one running daemon (configuration, trigger and policy state, the victim in
 * flight).
 */
import type { Logger } from './log.ts'
import type { ProcessControl, ProcessHandle } from '../adapters/pidfd/process-control.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import type { Choice, RankedCandidate } from './choose.ts'
import type { DaemonConfig } from './config-schema.ts'
import type { Journal, JournalEntry, JournalMark } from './journal.ts'
import type { DaemonMetrics } from './metrics.ts'
import type { Notifier } from './notify.ts'
import { initialPolicyState } from './policy.ts'
import type { PolicyState } from './policy.ts'
import type { CgroupReading, MemorySource, ProcReading } from './readings.ts'
import { initialTriggerState } from './triggers.ts'
import type { Evaluation, TriggerState } from './triggers.ts'

/** Everything the loop touches, injected. */
export interface DaemonDeps {
  source: MemorySource
  control: ProcessControl
  logger: Logger
  journal: Journal
  metrics: DaemonMetrics | null
  notifier: Notifier
  profile: KernelProfile
  env: Readonly<Record<string, string | undefined>>
  /** Monotonic milliseconds (default performance.now). */
  clock?: () => number
  /** Per watched cgroup, the usage below which a kernel threshold wakes the loop
   * (cgroup-wakeups.ts); asked at each sample. */
  calmBelow?: (
    config: DaemonConfig,
    cgroups: readonly CgroupReading[]
  ) => Readonly<Record<string, number>>
  /** Load the kill path now (koffi, lazily: kill-path-warmup.ts says when); idempotent. */
  prepareKill?: () => void
  /** Called after every tick with the wall time (the watchdog heartbeat). */
  heartbeat?: (wallMs: number) => void
}

/** The victim in flight, with what the journal entry needs once it is judged. */
export interface InFlightContext {
  handle: ProcessHandle
  victim: ProcReading
  ranked: RankedCandidate
  choice: Choice
  evaluation: Evaluation
  reason: string
  wallTime: string
  signals: { signal: string; atMs: number }[]
  mrelease: string
  /** MemAvailable (system) or cgroup working set (cgroup scope) at the first signal, kB. */
  baselineKb: number
  freedKb: number | null
  exitMs: number | null
  timing: NonNullable<JournalEntry['timing']>
  /** The `signal` record the `kill` record will complete. */
  journalMark?: JournalMark
}

/** The mutable state of one daemon. */
export interface LoopState {
  config: DaemonConfig
  triggers: TriggerState
  policy: PolicyState
  inflight: InFlightContext | null
  /** The last wait reason logged (so each is logged once). */
  lastWaitLog: string
  lastEvaluation: Evaluation | null
  /** After a dry-run "would kill", hold further decisions as if the victim were exiting. */
  dryRunHoldUntil: number
  /** When the current tick's sample was taken (for the journal's timing). */
  sampleAtMs: number
}

export function initialLoopState(config: DaemonConfig): LoopState {
  return {
    config,
    triggers: initialTriggerState(),
    policy: initialPolicyState(),
    inflight: null,
    lastWaitLog: '',
    lastEvaluation: null,
    dryRunHoldUntil: Number.NEGATIVE_INFINITY,
    sampleAtMs: 0
  }
}
