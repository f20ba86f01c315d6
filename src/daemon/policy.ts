/**
 * @module The decision step: from the trigger evaluation, the victim in flight (if any), the kill
 * history and the time, what the daemon does next. Pure; the loop performs the decision.
 */
import type { DaemonConfig } from './config-schema.ts'
import { budgetAllows } from './budget.ts'
import type { Evaluation, Level } from './triggers.ts'

/** A victim that has been signalled and not yet judged. */
export interface InFlight {
  pid: number
  startTime: number
  comm: string
  signal: 'SIGTERM' | 'SIGKILL'
  /** When the first signal was sent, and the last one. */
  firstSignalAtMs: number
  signalAtMs: number
  /** When the process was seen gone (or a zombie); null while alive. */
  exitedAtMs: number | null
  /** Memory has come back (set by the loop from fresh readings). */
  memoryBack: boolean
  /** The scope whose trigger caused the kill ('system' or a cgroup directory). */
  scope: string
  /** The victim's memcg (for cgroup escalation). */
  memcg: string
}

/** What the policy remembers between samples. */
export interface PolicyState {
  inflight: InFlight | null
  /** Times (ms) of kills in the budget window. */
  killTimes: number[]
  /** The last kill's memcg and time, for cgroup escalation. */
  lastKill: { memcg: string; atMs: number } | null
}

export function initialPolicyState(): PolicyState {
  return { inflight: null, killTimes: [], lastKill: null }
}

/** The next thing to do. */
export type Decision =
  | { kind: 'idle'; level: Level }
  | { kind: 'wait'; reason: 'victim-exiting' | 'memory-returning' | 'budget'; untilMs?: number }
  | { kind: 'escalate'; pid: number; why: 'grace-expired' | 'kill-stage' }
  | { kind: 'finish' }
  | { kind: 'choose'; signal: 'SIGTERM' | 'SIGKILL' }
  | { kind: 'kill-cgroup'; memcg: string }

/** Decide. `evaluation.level` is the current stage after hysteresis and duration rules. */
export function decide(
  config: DaemonConfig,
  state: PolicyState,
  evaluation: Evaluation,
  nowMs: number
): Decision {
  const v = state.inflight
  if (v) {
    if (v.exitedAtMs === null) {
      if (v.signal === 'SIGTERM') {
        if (evaluation.level >= 3) return { kind: 'escalate', pid: v.pid, why: 'kill-stage' }
        if (nowMs - v.signalAtMs >= config.kill.grace)
          return { kind: 'escalate', pid: v.pid, why: 'grace-expired' }
      }
      return { kind: 'wait', reason: 'victim-exiting' }
    }
    // Gone: wait until its memory is back (or the wait expires) before judging again.
    if (!v.memoryBack && nowMs - v.exitedAtMs < config.kill.waitMemory)
      return { kind: 'wait', reason: 'memory-returning' }
    return { kind: 'finish' }
  }
  if (evaluation.level < 2) return { kind: 'idle', level: evaluation.level }
  const budget = budgetAllows(state.killTimes, nowMs, config.kill.budget)
  if (!budget.ok) return { kind: 'wait', reason: 'budget', untilMs: budget.nextAtMs }
  if (
    config.choose.mode === 'cgroup' &&
    state.lastKill &&
    state.lastKill.memcg !== '/' &&
    nowMs - state.lastKill.atMs <= config.kill.escalateAfter
  ) {
    // The process killed in this cgroup did not relieve the pressure: take the whole cgroup.
    return { kind: 'kill-cgroup', memcg: state.lastKill.memcg }
  }
  return { kind: 'choose', signal: evaluation.level >= 3 ? 'SIGKILL' : 'SIGTERM' }
}
