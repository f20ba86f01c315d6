/**
 * @module Parse a log handed over as a stream of chunks (stdin) in bounded memory: the bytes are
 * copied (a chunk may be a reused buffer) into line-aligned blocks of a few MB, each block goes through the prefilter as
 * `parseBuffer` does, and the parser carries its state from one block to the next. A report
 * that runs into the next block is followed there from the block's first line.
 */
import { asUtf8, utf16Order } from './decode.ts'
import { countLines, prefilterRanges } from './prefilter.ts'
import { createReportParser } from './parser.ts'
import type { ReportParserOptions } from './parser.ts'
import { feedLines } from './feed-lines.ts'
import { parseBuffer } from './read-input.ts'
import type { OomEvent } from './oom-event.ts'
import { handOver, type EventSink } from './event-sink.ts'

/** Bytes gathered before a block is parsed. */
const BLOCK = 4 * 1024 * 1024

/**
 * One reusable buffer the chunks are copied into (no concatenation, so the garbage a long stream
 * leaves is the chunks themselves); it grows only for a line longer than a block.
 */
class BlockBuffer {
  buf = Buffer.allocUnsafe(2 * BLOCK)
  size = 0

  add(chunk: Buffer): void {
    if (this.size + chunk.length > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.size + chunk.length))
      this.buf.copy(bigger, 0, 0, this.size)
      this.buf = bigger
    }
    chunk.copy(this.buf, this.size)
    this.size += chunk.length
  }

  /** The bytes up to the last newline (empty when there is none); `drop()` removes them. */
  lines(): Buffer {
    return this.buf.subarray(0, this.buf.lastIndexOf(10, this.size - 1) + 1)
  }

  drop(count: number): void {
    this.buf.copyWithin(0, count, this.size)
    this.size -= count
  }
}

/**
 * Parse every OOM event in the chunks of `input`. With `sink`, the events are handed to it as
 * each block completes them (and not kept: the result is then empty), so memory stays flat
 * however many reports the stream holds.
 */
export async function parseStream(
  input: AsyncIterable<Buffer | string>,
  options: ReportParserOptions = {},
  sink?: EventSink
): Promise<OomEvent[]> {
  const p = createReportParser(options)
  const out: OomEvent[] = []
  const pending = new BlockBuffer()
  let first = true
  let open = false
  let utf16 = false
  const block = (buf: Buffer): void => {
    const ranges = prefilterRanges(buf)
    let pos = 0
    for (const r of ranges) {
      const start = open && pos === 0 ? 0 : r.start
      if (start > pos) out.push(...p.skip(countLines(buf, pos, start)))
      feedLines(p, buf.toString('utf8', start, r.end), out)
      pos = r.end
      open = false
    }
    if (pos < buf.length) out.push(...p.skip(countLines(buf, pos, buf.length)))
    open = ranges.length > 0 && ranges[ranges.length - 1]?.end === buf.length
    if (sink !== undefined && out.length > 0) sink(out.splice(0))
  }
  for await (const chunk of input) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    if (first) {
      first = false
      utf16 = utf16Order(buf.subarray(0, 64)) !== null
      if (!utf16) buf = asUtf8(buf)
    }
    pending.add(buf)
    if (pending.size < BLOCK || utf16) continue
    const whole = pending.lines()
    if (whole.length === 0) continue
    block(whole)
    pending.drop(whole.length)
  }
  const rest = pending.buf.subarray(0, pending.size)
  // UTF-16 input (rare, and small) is gathered and decoded whole.
  if (utf16) return handOver(parseBuffer(Buffer.from(rest), options), sink)
  if (rest.length > 0) {
    block(rest[rest.length - 1] === 10 ? rest : Buffer.concat([rest, Buffer.from('\n')]))
  }
  out.push(...p.end())
  return handOver(out, sink)
}
