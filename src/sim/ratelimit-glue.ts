/**
 * @module A simple __ratelimit() for the simulator's own messages (warn_alloc's nopage_rs,
 * the pagefault "Huh VM_FAULT_OOM" line): at most `burst` calls per interval.
 */
import type { RatelimitState } from '../kernel/ratelimit.ts'

/** True if a message may print at `nowNs` (and counts it). */
export function consumeRatelimit(rs: RatelimitState, nowNs: number): boolean {
  if (rs.beginNs === null || nowNs - rs.beginNs >= rs.intervalNs) {
    rs.beginNs = nowNs
    rs.printed = 0
    rs.missed = 0
  }
  if (rs.printed < rs.burst) {
    rs.printed++
    return true
  }
  rs.missed++
  return false
}
