/**
 * @module The daemon's thresholds ("10%", "512M", "2GiB") and durations ("100ms", "2s", "1m") in
 * its config and flags, read with the shared parsers of src/units.ts. Pure; null on bad input.
 */
import { formatSize, parseDurationMs, parseSize } from '../units.ts'

/** A threshold: a percentage of a total, or an absolute size in bytes. */
export type Threshold = { kind: 'percent'; value: number } | { kind: 'bytes'; value: number }

/** "10%" or a size (a bare number is bytes) -> Threshold, or null. Percentages within 0..100. */
export function parseThreshold(text: string | number): Threshold | null {
  if (typeof text === 'number') return text >= 0 ? { kind: 'bytes', value: text } : null
  const pct = /^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$/.exec(text)
  if (pct) {
    const value = Number(pct[1])
    return value <= 100 ? { kind: 'percent', value } : null
  }
  const bytes = parseSize(text)
  return bytes === null ? null : { kind: 'bytes', value: Math.round(bytes) }
}

/** A threshold against a total (bytes) -> bytes. */
export function thresholdBytes(t: Threshold, totalBytes: number): number {
  return t.kind === 'percent' ? (totalBytes * t.value) / 100 : t.value
}

/** "100ms" / "2s" / "1.5m" / 250 (ms) -> milliseconds, or null. */
export function parseDuration(text: string | number): number | null {
  if (typeof text === 'number') return text >= 0 ? text : null
  return parseDurationMs(text)
}

/** Format a threshold for logs: "10%" or "512 MiB". */
export function formatThreshold(t: Threshold): string {
  return t.kind === 'percent' ? `${t.value}%` : formatSize(t.value)
}

/** Bytes for the daemon's log lines ("123 MiB"): the shared formatter. */
export { formatSize as formatBytes } from '../units.ts'
