/**
 * @module The scenario format's quantities: a size is a page count when a bare number and a
 * string with a unit otherwise ("512M", "4k", "100p"; src/units.ts reads it); a duration is
 * milliseconds when a bare number ("30s", "250ms", "40us" otherwise). Sizes become page counts
 * once, when the scenario is loaded (the schema's transform); durations become nanoseconds where
 * the timeline is scheduled.
 */
import { bytesToPages, parseDurationMs, parseSize } from '../units.ts'

/** A scenario size in 4 KiB pages (rounded up); 0 for text that is not a size. */
export function sizeToPages(v: number | string): number {
  if (typeof v === 'number') return v
  return bytesToPages(parseSize(v) ?? 0)
}

const durations = new Map<string, number>()

/** A scenario duration in nanoseconds (cached: the runner asks for the same texts often). */
export function durationToNs(v: number | string): number {
  if (typeof v === 'number') return Math.round(v * 1e6)
  const hit = durations.get(v)
  if (hit !== undefined) return hit
  const ns = Math.round((parseDurationMs(v) ?? 0) * 1e6)
  durations.set(v, ns)
  return ns
}
