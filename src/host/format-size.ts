/** @module Human sizes for host tables: pages or bytes as "512K", "88.9M", "23.5G". */
import { PAGE_SIZE } from '../kernel/types.ts'

/** Bytes as a short binary size (K, M, G, T; one decimal below 100). */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : ''
  let v = Math.abs(bytes)
  if (v < 1024) return `${sign}${v}B`
  const units = ['K', 'M', 'G', 'T', 'P']
  let u = -1
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  const text = v >= 100 || Number.isInteger(v) ? Math.round(v).toString() : v.toFixed(1)
  return `${sign}${text}${units[u] ?? ''}`
}

/** Pages (4 KiB) as a short size. */
export function formatPages(pages: number): string {
  return formatBytes(pages * PAGE_SIZE)
}
