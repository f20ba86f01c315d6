/**
 * @module Sizes written with a unit, shared by scenario files and the what-if options of
 * `oomkit snapshot`: binary multiples throughout (k/K/kB/KB/KiB = 1024 bytes, M = 1024², ...),
 * plus `p`/`pages` for a count of 4 KiB pages. Results are page counts, rounded up.
 */

/** Bytes per unit. */
export const SIZE_UNIT_BYTES: Readonly<Record<string, number>> = {
  B: 1,
  k: 1024,
  K: 1024,
  kB: 1024,
  KB: 1024,
  KiB: 1024,
  M: 1024 ** 2,
  MB: 1024 ** 2,
  MiB: 1024 ** 2,
  G: 1024 ** 3,
  GB: 1024 ** 3,
  GiB: 1024 ** 3,
  T: 1024 ** 4,
  TB: 1024 ** 4,
  TiB: 1024 ** 4
}

/** `n` of `unit` in 4 KiB pages (rounded up); undefined for an unknown unit. */
export function unitSizeToPages(n: number, unit: string): number | undefined {
  if (unit === 'p' || unit === 'pages') return Math.ceil(n)
  const bytes = SIZE_UNIT_BYTES[unit]
  return bytes === undefined ? undefined : Math.ceil((n * bytes) / 4096)
}
