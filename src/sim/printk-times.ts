/**
 * @module Per-line printk timestamps. The kernel stamps each printk record with local_clock()
 * as it is logged, so the lines of one OOM report carry increasing microseconds (30.745678,
 * 30.745687, ...). The simulator logs a whole report at one simulated instant; this spreads
 * such runs of lines by 1 µs each, deterministically, keeping their order and never reaching the
 * time of the next record or the next simulator event.
 */
import type { PrintkRecord } from '../kernel/oom-kill.ts'

/** The spacing given to successive printk lines of one simulated instant (ns). */
export const PRINTK_LINE_SPACING_NS = 1000

/** The first time in `sortedNs` (ascending) strictly after `t`, or Infinity. */
function nextAfter(sortedNs: readonly number[], t: number): number {
  let lo = 0
  let hi = sortedNs.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((sortedNs[mid] as number) <= t) lo = mid + 1
    else hi = mid
  }
  return sortedNs[lo] ?? Infinity
}

/**
 * The log with each run of consecutive records at the same time spread by
 * PRINTK_LINE_SPACING_NS per line: the k-th line of a run at t is stamped t + k µs, but stays
 * below the next record's time and below the first of `eventTimesNs` (ns) after t. Returns new
 * records; the inputs are not modified.
 */
export function spreadPrintkTimes(
  log: readonly PrintkRecord[],
  eventTimesNs: readonly number[]
): PrintkRecord[] {
  const sorted = eventTimesNs.every((t, i) => i === 0 || (eventTimesNs[i - 1] as number) <= t)
  const events = sorted ? eventTimesNs : [...eventTimesNs].sort((a, b) => a - b)
  const out: PrintkRecord[] = []
  let i = 0
  while (i < log.length) {
    const t = (log[i] as PrintkRecord).timeNs
    let end = i + 1
    while (end < log.length && (log[end] as PrintkRecord).timeNs === t) end++
    const nextRecord = log[end]?.timeNs ?? Infinity
    const limit = Math.min(nextRecord > t ? nextRecord : Infinity, nextAfter(events, t))
    for (let k = 0; i < end; i++, k++) {
      const r = log[i] as PrintkRecord
      const spread = t + k * PRINTK_LINE_SPACING_NS
      out.push(k === 0 ? r : { ...r, timeNs: spread < limit ? spread : Math.max(t, limit - 1) })
    }
  }
  return out
}
