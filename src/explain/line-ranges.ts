/**
 * @module The byte ranges a scan marks, widened to whole lines and numbered: what phase 2 of
 * parsing a large log (parse-source.ts) reads back and parses.
 */
import type { ByteSource } from '../adapters/file/byte-source.ts'
import type { Range } from './prefilter.ts'
import { linesBefore, readAt } from './scan-source.ts'
import type { Scan } from './scan-source.ts'

/** Where wholeLines() reads around a range (each piece is searched at once). */
const scratch = Buffer.allocUnsafe(4096)

/** Widen [start, end) to whole lines: back to the start of start's line, on past a newline. */
export function wholeLines(source: ByteSource, start: number, end: number): [number, number] {
  if (start > 0) {
    const back = readAt(source, Math.max(0, start - 4096), Math.min(4096, start), scratch)
    const nl = back.lastIndexOf(10)
    start = nl < 0 ? start - back.length : start - back.length + nl + 1
  }
  while (end < source.size) {
    const ahead = readAt(source, end, 4096, scratch)
    const nl = ahead.indexOf(10)
    if (nl >= 0) {
      end += nl + 1
      break
    }
    end += ahead.length
    if (ahead.length === 0) break
  }
  return [Math.max(0, start), end]
}

/** A byte range of whole lines to parse, and the number of newlines before it. */
export interface LineRange {
  start: number
  end: number
  /** Newlines before `start` (the 0-based number of its first line). */
  first: number
}

/** The ranges around the hits, widened to whole lines, with their line numbers. */
export function lineRanges(source: ByteSource, s: Scan, ranges: readonly Range[]): LineRange[] {
  return ranges.map(r => {
    const [start, end] = wholeLines(source, r.start, r.end)
    return { start, end, first: linesBefore(source, s, start) }
  })
}
