/**
 * @module Pick numbered line ranges out of a large input without splitting all of it: one pass
 * over the bytes (or the string) that decodes only the lines asked for.
 */

/** A 1-based inclusive line range. */
export interface LineRange {
  first: number
  last: number
}

const NL = 0x0a

function strip(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line
}

/**
 * The lines of each range (keyed by `first`; of ranges sharing a first line the longest wins),
 * at most `cap` per range. Ranges may overlap and come in any order; lines past the end of the
 * input are simply missing.
 */
export function extractLines(
  input: Uint8Array | string,
  ranges: readonly LineRange[],
  cap: number = Number.POSITIVE_INFINITY
): Map<number, string[]> {
  const out = new Map<number, string[]>()
  // One range per first line (the longest), capped.
  const byFirst = new Map<number, number>()
  for (const r of ranges) {
    if (r.last < r.first || r.first < 1) continue
    byFirst.set(r.first, Math.max(byFirst.get(r.first) ?? 0, Math.min(r.last, r.first + cap - 1)))
  }
  const wanted = [...byFirst].map(([first, last]) => ({ first, last }))
  if (wanted.length === 0) return out
  for (const r of wanted) out.set(r.first, [])
  const maxLine = Math.max(...wanted.map(r => r.last))
  const minLine = Math.min(...wanted.map(r => r.first))
  const decoder = typeof input === 'string' ? null : new TextDecoder('utf-8')
  const length = input.length
  let start = 0
  let lineNo = 1
  while (start <= length && lineNo <= maxLine) {
    let end = typeof input === 'string' ? input.indexOf('\n', start) : input.indexOf(NL, start)
    if (end < 0) end = length
    if (start === length && end === length) break
    if (lineNo >= minLine) {
      let text: string | null = null
      for (const r of wanted) {
        if (lineNo < r.first || lineNo > r.last) continue
        if (text === null) {
          text =
            typeof input === 'string'
              ? input.slice(start, end)
              : (decoder as TextDecoder).decode(input.subarray(start, end))
          text = strip(text)
        }
        out.get(r.first)?.push(text)
      }
    }
    start = end + 1
    lineNo++
  }
  return out
}
