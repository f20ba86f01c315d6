/**
 * @module The trigger state machine's records: stages (levels), hits, per-trigger slots, the
 * state carried between samples and the answer of one evaluation.
 */
import type { Readings } from './readings.ts'

/** 0 ok, 1 warn, 2 term (SIGTERM), 3 kill (SIGKILL). */
export type Level = 0 | 1 | 2 | 3
export const LEVEL_NAMES = ['ok', 'warn', 'term', 'kill'] as const

/** Why the daemon is at a stage: one trigger's reading against its threshold. */
export interface TriggerHit {
  /** Stable key, e.g. "memory", "swap", "psi", "cgroup:/sys/fs/cgroup/memory/app". */
  key: string
  source: 'memory' | 'swap' | 'psi' | 'cgroup' | 'cgroup-psi'
  /** 'system' or the cgroup directory. */
  scope: string
  level: Level
  /** The reading: bytes available (memory/swap/cgroup) or PSI avg10 percent. */
  value: number
  /** The threshold of `level` in the same unit (bytes or percent). */
  threshold: number
  /** The total the percentages refer to (bytes), 0 for PSI. */
  total: number
  unit: 'bytes' | 'percent'
}

/** Per-trigger memory between samples. */
export interface TriggerSlot {
  level: Level
  /** The higher raw level waiting out its duration, and since when (ms). */
  pending: Level
  pendingSince: number
}

/** State carried from one evaluation to the next. */
export interface TriggerState {
  slots: Record<string, TriggerSlot>
  /** The previous readings (for rates and predictive polling). */
  previous: Readings | null
  /** Recent readings, oldest first, at most RATE_WINDOW_MS old (rates over bursty growth). */
  history?: Readings[]
}

/** The answer of one evaluation. */
export interface Evaluation {
  level: Level
  /** Hits at level >= warn, highest first (cgroup hits before system ones at equal level). */
  hits: TriggerHit[]
  /** Milliseconds until the next sample. */
  intervalMs: number
  /** Predicted milliseconds until a term/kill threshold is reached at the observed rate
   * (Infinity when nothing is approaching), and in which scope. */
  etaMs: number
  etaScope: string
  state: TriggerState
}
