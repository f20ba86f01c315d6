/**
 * @module Parse a log of any size from a `ByteSource`: small inputs are parsed line by line; large
 * ones are scanned for the OOM anchors (`scan-source.ts`), then only the byte ranges around the
 * hits are read back and parsed, with line numbers kept exact. The CLI and the benchmark both
 * parse files through `parseSource` over `withFileSource` (src/adapters/file).
 */
import type { ByteSource } from '../adapters/file/byte-source.ts'
import { utf16Order } from './decode.ts'
import { rangesFromHits } from './prefilter.ts'
import { createReportParser } from './parser.ts'
import type { ReportParserOptions } from './parser.ts'
import { feedLines } from './feed-lines.ts'
import { parseBuffer, PREFILTER_THRESHOLD } from './read-input.ts'
import { linesBefore, readAt, scanSource } from './scan-source.ts'
import type { Scan } from './scan-source.ts'
import type { OomEvent } from './oom-event.ts'
import { handOver, type EventSink } from './event-sink.ts'

/** Widen [start, end) to whole lines: back to the start of start's line, on past a newline. */
function wholeLines(source: ByteSource, start: number, end: number): [number, number] {
  if (start > 0) {
    const back = readAt(source, Math.max(0, start - 4096), Math.min(4096, start))
    const nl = back.lastIndexOf(10)
    start = nl < 0 ? start - back.length : start - back.length + nl + 1
  }
  while (end < source.size) {
    const ahead = readAt(source, end, 4096)
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

/** Bytes after the first `skip` lines of `b`. */
function dropLines(b: Buffer, skip: number): Buffer {
  let off = 0
  while (skip > 0 && off < b.length) {
    const at = b.indexOf(10, off)
    if (at < 0) break
    off = at + 1
    skip--
  }
  return b.subarray(off)
}

/** Phase 2: parse the ranges around the hits, skipping the lines between them. */
function parseRanges(
  source: ByteSource,
  s: Scan,
  options: ReportParserOptions,
  sink?: EventSink
): OomEvent[] {
  const p = createReportParser(options)
  const out: OomEvent[] = []
  let line = 0
  for (const r of rangesFromHits(s.hits, source.size)) {
    const [start, end] = wholeLines(source, r.start, r.end)
    const first = linesBefore(source, s, start)
    const bytes = readAt(source, start, end - start)
    if (first < line) {
      // Overlaps what was fed already (widening merged two ranges): skip the repeated lines.
      line += feedLines(p, dropLines(bytes, line - first).toString('utf8'), out)
      continue
    }
    if (first > line) out.push(...p.skip(first - line))
    line = first
    line += feedLines(p, bytes.toString('utf8'), out)
    if (sink !== undefined && out.length > 0) sink(out.splice(0))
  }
  out.push(...p.end())
  return handOver(out, sink)
}

/**
 * Parse every OOM event in `source` (throws only on the source's I/O errors). With `sink`, the
 * events go to it as they complete and the result is empty.
 */
export function parseSource(
  source: ByteSource,
  options: ReportParserOptions = {},
  sink?: EventSink
): OomEvent[] {
  if (source.contents !== undefined) return handOver(parseBuffer(source.contents, options), sink)
  if (source.size < PREFILTER_THRESHOLD || utf16Order(readAt(source, 0, 64)) !== null)
    return handOver(parseBuffer(readAt(source, 0, source.size), options), sink)
  return parseRanges(source, scanSource(source), options, sink)
}
