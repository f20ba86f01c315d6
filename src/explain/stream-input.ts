/**
 * @module Parse a log handed over as a stream of chunks (stdin) in bounded memory: the bytes are
 * cut into line-aligned blocks of a few MB, each block goes through the prefilter as
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

/** Bytes gathered before a block is parsed. */
const BLOCK = 4 * 1024 * 1024

/** Parse every OOM event in the chunks of `input`. */
export async function parseStream(
  input: AsyncIterable<Buffer | string>,
  options: ReportParserOptions = {}
): Promise<OomEvent[]> {
  const p = createReportParser(options)
  const out: OomEvent[] = []
  let pending: Buffer[] = []
  let size = 0
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
  }
  for await (const chunk of input) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    if (first) {
      first = false
      utf16 = utf16Order(buf.subarray(0, 64)) !== null
      if (!utf16) buf = asUtf8(buf)
    }
    pending.push(buf)
    size += buf.length
    if (size < BLOCK || utf16) continue
    const all = Buffer.concat(pending)
    const cut = all.lastIndexOf(10) + 1
    if (cut === 0) continue
    block(all.subarray(0, cut))
    pending = [all.subarray(cut)]
    size = all.length - cut
  }
  // UTF-16 input (rare, and small) is gathered and decoded whole.
  if (utf16) return parseBuffer(Buffer.concat(pending), options)
  if (size > 0) {
    const rest = Buffer.concat(pending)
    block(rest.toString('utf8').endsWith('\n') ? rest : Buffer.concat([rest, Buffer.from('\n')]))
  }
  out.push(...p.end())
  return out
}
