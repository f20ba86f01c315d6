/**
 * @module __ratelimit() (lib/ratelimit.c) on the simulated clock, as oom_kill_process() uses it for
 * dump_header: DEFAULT_RATELIMIT_INTERVAL (5 s) and DEFAULT_RATELIMIT_BURST (10).
 *
 * Times are nanoseconds of simulated time. The state is plain data owned by the caller (one per
 * ratelimited call site), so it can be kept across OOM invocations and serialised.
 */

/** DEFAULT_RATELIMIT_INTERVAL = 5 * HZ, in ns. */
export const DEFAULT_RATELIMIT_INTERVAL_NS = 5_000_000_000
/** DEFAULT_RATELIMIT_BURST. */
export const DEFAULT_RATELIMIT_BURST = 10

/** struct ratelimit_state. `beginNs` null = not started (begin == 0). */
export interface RatelimitState {
  intervalNs: number
  burst: number
  beginNs: number | null
  printed: number
  missed: number
}

/** A fresh state with the kernel defaults (10 per 5 s) unless overridden. */
export function makeRatelimit(
  intervalNs = DEFAULT_RATELIMIT_INTERVAL_NS,
  burst = DEFAULT_RATELIMIT_BURST
): RatelimitState {
  return { intervalNs, burst, beginNs: null, printed: 0, missed: 0 }
}

/**
 * One __ratelimit() call at `nowNs`. `allowed` says whether the caller may print; `suppressed`
 * is the number of calls suppressed in the window that just ended, which the kernel reports as
 * "%s: %d callbacks suppressed" (KERN_WARNING) before this call's output; 0 when nothing to say.
 */
export function ratelimitCheck(
  rs: RatelimitState,
  nowNs: number
): { allowed: boolean; suppressed: number } {
  // __ratelimit(): interval 0 means no limiting.
  if (rs.intervalNs <= 0) return { allowed: true, suppressed: 0 }
  if (rs.beginNs === null) rs.beginNs = nowNs
  let suppressed = 0
  // A new window starts once the old one has fully elapsed (time_is_before_jiffies).
  if (nowNs > rs.beginNs + rs.intervalNs) {
    suppressed = rs.missed
    rs.missed = 0
    rs.beginNs = nowNs
    rs.printed = 0
  }
  if (rs.burst > 0 && rs.burst > rs.printed) {
    rs.printed++
    return { allowed: true, suppressed }
  }
  rs.missed++
  return { allowed: false, suppressed }
}
