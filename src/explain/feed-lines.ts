/**
 * @module The line loop every explain input goes through: split text at newlines and push each
 * line into a report parser. Needs nothing of Node (no Buffer), so the browser page uses it too.
 */
import type { createReportParser } from './parser.ts'
import type { OomEvent } from './oom-event.ts'

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
