/** @module Sizes in host tables: pages or bytes in the shared compact form ("512Ki", "88.9Mi"). */
import { PAGE_SIZE } from '../kernel/types.ts'
import { formatSize } from '../units.ts'

/** Bytes as a compact binary size. */
export function formatBytes(bytes: number): string {
  return formatSize(bytes, true)
}

/** formatPages() by page count: a table of thousands of rows repeats a few hundred sizes. */
const pageTexts = new Map<number, string>()

/** Pages (4 KiB) as a compact binary size. */
export function formatPages(pages: number): string {
  let text = pageTexts.get(pages)
  if (text === undefined) {
    if (pageTexts.size >= 65_536) pageTexts.clear()
    text = formatSize(pages * PAGE_SIZE, true)
    pageTexts.set(pages, text)
  }
  return text
}
