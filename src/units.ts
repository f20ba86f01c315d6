/**
 * @module Human units, shared by every face: one size parser, one size formatter, one duration
 * parser. Sizes are binary multiples throughout (k = K = kB = KiB = 1024 bytes, M = MiB = 1024²,
 * ...; the kernel's "kB" is 1024 bytes too), any case, and `p`/`pages` count 4 KiB pages. A bare
 * number is bytes, as in cgroup files. Formatted sizes name binary units as such (KiB, MiB, GiB;
 * the compact form used in tables writes Ki, Mi, Gi as `free -h` does).
 *
 * Callers own their grammar's edges: the scenario schema (src/sim/schema.ts) admits a subset of
 * these spellings and reads a bare number as pages; `oomkit snapshot --grow` allows a leading '+'.
 */

/** Bytes in one page (the scenario format's `p`; x86-64's PAGE_SIZE). */
export const PAGE_BYTES = 4096

/** Bytes per size unit, keyed by the lower-case spelling. */
const SIZE_UNIT_BYTES: Readonly<Record<string, number>> = {
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
  tib: 1024 ** 4,
  p: PAGE_BYTES,
  pages: PAGE_BYTES
}

/** A size read from text: its bytes, or why it is not one. */
export type SizeReading =
  | { ok: true; bytes: number }
  | { ok: false; reason: 'format' }
  | { ok: false; reason: 'unit'; unit: string }

/** Read "512M", "1.5GiB", "64 kB", "100p", "4096" (bytes). Bytes are not rounded. */
export function readSize(text: string): SizeReading {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text)
  if (m === null) return { ok: false, reason: 'format' }
  const unit = m[2] ?? ''
  const perUnit = SIZE_UNIT_BYTES[unit.toLowerCase()]
  if (perUnit === undefined) return { ok: false, reason: 'unit', unit }
  return { ok: true, bytes: Number(m[1]) * perUnit }
}

/** A size in bytes (not rounded), or null when the text is not a size. */
export function parseSize(text: string): number | null {
  const r = readSize(text)
  return r.ok ? r.bytes : null
}

/** Bytes as whole pages, rounded up. */
export function bytesToPages(bytes: number): number {
  return Math.ceil(bytes / PAGE_BYTES)
}

/** Binary unit names, smallest first (also used by the HTML report's script). */
export const SIZE_UNIT_NAMES = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const
const SHORT_UNITS = ['B', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'] as const

/**
 * Bytes for people, in the largest binary unit that keeps the number at or above 1, with three
 * significant digits ("984 KiB", "14.4 MiB", "7.63 GiB", "512 MiB"; whole numbers stay whole).
 * `compact` drops the space and the B for table columns: "88.9Mi", "512Ki", "0B".
 */
export function formatSize(bytes: number, compact = false): string {
  const sign = bytes < 0 ? '-' : ''
  let v = Math.abs(bytes)
  let u = 0
  while (v >= 1024 && u < SIZE_UNIT_NAMES.length - 1) {
    v /= 1024
    u++
  }
  const digits = u === 0 || Number.isInteger(v) || v >= 100 ? 0 : v >= 10 ? 1 : 2
  const text = v.toFixed(digits)
  return compact ? `${sign}${text}${SHORT_UNITS[u]}` : `${sign}${text} ${SIZE_UNIT_NAMES[u]}`
}

/** Milliseconds per duration unit. */
const DURATION_UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000
}

/** "100ms", "30.5s", "40us", "1.5m", "2h" -> milliseconds (not rounded), or null. */
export function parseDurationMs(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|ms|s|m|h)\s*$/.exec(text)
  if (m === null) return null
  const perUnit = DURATION_UNIT_MS[m[2] ?? '']
  return perUnit === undefined ? null : Number(m[1]) * perUnit
}
