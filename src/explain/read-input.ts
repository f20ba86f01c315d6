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
import { feedLines } from './feed-lines.ts'

/** Inputs at or above this size are prefiltered (bytes). */
export const PREFILTER_THRESHOLD = 4 * 1024 * 1024

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
