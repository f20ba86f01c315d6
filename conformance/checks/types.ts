/**
 * @module The result shape shared by the four conformance checks.
 */

/** The four checks: 1 explain, 2 simulator, 3 printer, 4 oom_score. */
export type CheckId = 1 | 2 | 3 | 4

/** One disagreement: where, what, and the two sides to show next to each other. */
export interface Disagreement {
  check: CheckId
  seed: number
  label: string
  /** Kill index within the case (0-based), or null for per-process checks. */
  kill: number | null
  message: string
  /** The kernel's side (report lines or /proc values). */
  kernel: string[]
  /** Our side. */
  ours: string[]
}

/** A check's verdict on one case. */
export interface CheckResult {
  check: CheckId
  /** Items compared (kills for 1–3, processes for 4) and how many agreed. */
  total: number
  agreed: number
  disagreements: Disagreement[]
  /** Set when the module under test is missing or broken: the check FAILS, never passes. */
  unavailable?: string
  /** Observations that are not failures (e.g. agreements only explained by counter drift). */
  notes?: string[]
  /** Check 2 (host and QEMU): kernel kills not compared, each explained in a note (exit-race.ts). */
  explained?: number
  /** Check 4: agreements that needed the per-CPU counter drift allowance. */
  drift?: number
  /** Check 2 on a global OOM (QEMU): the Mem-Info fields of each kill, kernel against ours. */
  memInfo?: { field: string; rule: 'exact' | 'bounded' | 'info'; agreed: boolean }[]
  /** Check 4: agreements when fed only the exact /proc/<pid>/status values (host prediction). */
  exactAgreed?: number
}

/** A result for a check whose module cannot be loaded: every item counts as a failure. */
export function unavailable(check: CheckId, total: number, why: string): CheckResult {
  return { check, total, agreed: 0, disagreements: [], unavailable: why }
}
