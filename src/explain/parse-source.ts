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
import { readAt, scanSource } from './scan-source.ts'
import { lineRanges } from './line-ranges.ts'
import type { LineRange } from './line-ranges.ts'
import type { Scan } from './scan-source.ts'
import type { OomEvent } from './oom-event.ts'
import { handOver, type EventSink } from './event-sink.ts'

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

/** Phase 2, range by range: parse each, skipping the lines between them. */
interface RangeParser {
  add(r: LineRange): void
  end(): OomEvent[]
}

/** A parser of `source`'s ranges, handed in order (from a finished scan or as a scan goes). */
function createRangeParser(
  source: ByteSource,
  options: ReportParserOptions,
  sink?: EventSink
): RangeParser {
  const p = createReportParser(options)
  const out: OomEvent[] = []
  let line = 0
  let scratch = Buffer.allocUnsafe(64 * 1024)
  return {
    add({ start, end, first }) {
      if (end - start > scratch.length) scratch = Buffer.allocUnsafe(2 * (end - start))
      // The bytes become a string at once: one buffer serves every range.
      const bytes = readAt(source, start, end - start, scratch)
      if (first < line) {
        // Overlaps what was fed already (widening merged two ranges): skip the repeated lines.
        line += feedLines(p, dropLines(bytes, line - first).toString('utf8'), out)
        return
      }
      if (first > line) out.push(...p.skip(first - line))
      line = first
      line += feedLines(p, bytes.toString('utf8'), out)
      if (sink !== undefined && out.length > 0) sink(out.splice(0))
    },
    end() {
      out.push(...p.end())
      return handOver(out, sink)
    }
  }
}

/** Phase 2: parse the ranges around the hits, skipping the lines between them. */
function parseRanges(
  source: ByteSource,
  s: Scan,
  options: ReportParserOptions,
  sink?: EventSink
): OomEvent[] {
  const parser = createRangeParser(source, options, sink)
  for (const r of lineRanges(source, s, rangesFromHits(s.hits, source.size))) parser.add(r)
  return parser.end()
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
