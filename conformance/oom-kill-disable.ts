/**
 * @module The `oom-kill-disable` kind's toggle (cgroup v1): memory.oom_control oom_kill_disable
 * is set before the growth; once the grower stalls under OOM (under_oom 1: 6.18's
 * memcg1_oom_prepare() parks a task faulting in user mode on the memcg's OOM wait queue instead
 * of calling out_of_memory(), and prints nothing) for `stallMs`, it is written back to 0
 * (memcg1_oom_recover() wakes the waiters; the retried fault charges again, fails, and this time
 * out_of_memory() kills). Once per case: the later OOMs are ordinary ones.
 */
import type { CaseCgroup } from './cgroup.ts'

/** What the toggle saw. */
export interface ToggleRecord {
  /** ms from the start of the growth until under_oom was first seen, or null (never). */
  stalledAtMs: number | null
  /** ms from the start of the growth until oom_kill_disable went back to 0, or null. */
  clearedAtMs: number | null
}

/** How long the grower stays parked before the knob is cleared. */
export const STALL_MS = 400

/** Poll every `pollMs` and clear the knob after the grower stalled `stallMs`. */
export function startToggle(
  cg: CaseCgroup,
  stallMs = STALL_MS,
  pollMs = 20
): { stop(): ToggleRecord } {
  const started = Date.now()
  const rec: ToggleRecord = { stalledAtMs: null, clearedAtMs: null }
  cg.setOomKillDisable(true)
  const timer = setInterval(() => {
    try {
      const now = Date.now() - started
      if (rec.stalledAtMs === null && cg.underOom()) rec.stalledAtMs = now
      if (
        rec.stalledAtMs !== null &&
        rec.clearedAtMs === null &&
        now - rec.stalledAtMs >= stallMs
      ) {
        cg.setOomKillDisable(false)
        rec.clearedAtMs = Date.now() - started
        clearInterval(timer)
      }
    } catch {
      clearInterval(timer) // the cgroup is gone (teardown)
    }
  }, pollMs)
  return {
    stop() {
      clearInterval(timer)
      return rec
    }
  }
}
