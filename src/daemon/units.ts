/**
 * @module Human units in the daemon's config and flags: thresholds ("10%", "512M", "2GiB"),
 * durations ("100ms", "2s", "1m"). Pure parsers returning null on bad input.
 */

/** A threshold: a percentage of a total, or an absolute size in bytes. */
export type Threshold = { kind: 'percent'; value: number } | { kind: 'bytes'; value: number }

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4
}

/** "512M" / "2GiB" / "4096" (bytes) -> bytes (binary multiples), or null. */
export function parseSize(text: string): number | null {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(text)
  if (!m) return null
  const unit = SIZE_UNITS[(m[2] ?? '').toLowerCase()]
  if (unit === undefined) return null
  return Math.round(Number(m[1]) * unit)
}

/** "10%" or a size -> Threshold, or null. Percentages must be within 0..100. */
export function parseThreshold(text: string | number): Threshold | null {
  if (typeof text === 'number') return text >= 0 ? { kind: 'bytes', value: text } : null
  const pct = /^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$/.exec(text)
  if (pct) {
    const value = Number(pct[1])
    return value <= 100 ? { kind: 'percent', value } : null
  }
  const bytes = parseSize(text)
  return bytes === null ? null : { kind: 'bytes', value: bytes }
}

/** A threshold against a total (bytes) -> bytes. */
export function thresholdBytes(t: Threshold, totalBytes: number): number {
  return t.kind === 'percent' ? (totalBytes * t.value) / 100 : t.value
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** "100ms" / "2s" / "1.5m" / 250 (ms) -> milliseconds, or null. */
export function parseDuration(text: string | number): number | null {
  if (typeof text === 'number') return text >= 0 ? text : null
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h)\s*$/.exec(text)
  if (!m) return null
  return Number(m[1]) * (DURATION_UNITS[m[2] ?? 's'] ?? 1000)
}

/** Format a threshold for logs: "10%" or "512.0 MiB". */
export function formatThreshold(t: Threshold): string {
  return t.kind === 'percent' ? `${t.value}%` : formatBytes(t.value)
}

/** Bytes -> "123.4 MiB". */
export function formatBytes(bytes: number): string {
  const mib = bytes / 1024 ** 2
  return mib >= 1024 ? `${(mib / 1024).toFixed(2)} GiB` : `${mib.toFixed(1)} MiB`
}
