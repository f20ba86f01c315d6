/** @module Sizes in host tables: pages or bytes in the shared compact form ("512Ki", "88.9Mi"). */
import { PAGE_SIZE } from '../kernel/types.ts'
import { formatSize } from '../units.ts'

/** Bytes as a compact binary size. */
export function formatBytes(bytes: number): string {
  return formatSize(bytes, true)
}

/** Pages (4 KiB) as a compact binary size. */
export function formatPages(pages: number): string {
  return formatSize(pages * PAGE_SIZE, true)
}
