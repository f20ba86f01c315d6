/**
 * @module Parse a whole log held in a Buffer (a file or stdin), the path both the CLI and the
 * benchmark use: small inputs are parsed line by line; large ones go through the prefilter so
 * only the ranges around OOM anchors are parsed, with line numbers kept exact.
 */
import { asUtf8 } from './decode.ts'
import { countLines, prefilterRanges } from './prefilter.ts'
import { createReportParser } from './parser.ts'
import type { ReportParserOptions } from './parser.ts'
import type { OomEvent } from './oom-event.ts'

/** Inputs at or above this size are prefiltered (bytes). */
export const PREFILTER_THRESHOLD = 4 * 1024 * 1024

/** Push each line of `text` into the parser, collecting finished events; returns the line count. */
export function feedLines(
  p: ReturnType<typeof createReportParser>,
  text: string,
  out: OomEvent[]
): number {
  let start = 0
  let count = 0
  const n = text.length
  while (start < n) {
    let nl = text.indexOf('\n', start)
    if (nl < 0) nl = n
    out.push(...p.push(text.slice(start, nl)))
    count++
    start = nl + 1
  }
  return count
}

/** Parse every OOM event in `buf`. */
export function parseBuffer(input: Buffer, options: ReportParserOptions = {}): OomEvent[] {
  const buf = asUtf8(input)
  const p = createReportParser(options)
  const out: OomEvent[] = []
  if (buf.length < PREFILTER_THRESHOLD) {
    feedLines(p, buf.toString('utf8'), out)
    out.push(...p.end())
    return out
  }
  let pos = 0
  for (const r of prefilterRanges(buf)) {
    if (r.start > pos) out.push(...p.skip(countLines(buf, pos, r.start)))
    feedLines(p, buf.toString('utf8', r.start, r.end), out)
    pos = r.end
  }
  out.push(...p.end())
  return out
}
