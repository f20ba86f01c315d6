/**
 * @module Prefilter for large logs: find the OOM anchor strings ("invoked oom-killer", "Killed
 * process", "oom-kill:", ...) with the native Buffer search and turn them into byte ranges of
 * whole lines worth parsing (each report in full, fragments with some context).
 *
 * Speed: Buffer.indexOf is fastest for short needles whose first byte is rare, so the scan looks
 * for a few short needles ("oom", "Kill", "Out of", ...) and then checks the full anchor around
 * each candidate.
 */

/** What an anchor means for the range around it. */
type Role = 'header' | 'end' | 'anchor'

interface Needle {
  needle: Buffer
  /** Full anchors that contain the needle at `at`, with their role. */
  anchors: { text: Buffer; at: number; role: Role }[]
}

function needle(n: string, anchors: [string, Role][]): Needle {
  return {
    needle: Buffer.from(n, 'latin1'),
    anchors: anchors.map(([a, role]) => {
      const at = a.indexOf(n)
      if (at < 0) throw new Error(`anchor "${a}" does not contain "${n}"`)
      return { text: Buffer.from(a, 'latin1'), at, role }
    })
  }
}

/** The needles and the anchors each one stands for. */
export const NEEDLES: readonly Needle[] = [
  needle('oom', [
    ['invoked oom-killer', 'header'],
    ['oom-kill:', 'end'],
    ['oom_reaper:', 'anchor'],
    ['memory.oom.group', 'anchor']
  ]),
  needle('Kill', [
    ['Killed process', 'end'],
    ['Kill process', 'anchor']
  ]),
  needle('Out of', [
    ['Out of memory and no killable', 'end'],
    ['Out of memory', 'anchor']
  ]),
  needle('Memory ', [['Memory cgroup', 'anchor']]),
  needle('Task', [
    ['Tasks state (memory values', 'anchor'],
    ['Task in /', 'anchor'],
    ['Tasks in /', 'anchor']
  ]),
  // A page allocation failure is found through its Mem-Info block, a few KB below its line.
  needle('Mem-I', [['Mem-Info:', 'anchor']]),
  needle('Kern', [['Kernel panic', 'end']])
]

/** Hits of one scan, as absolute byte offsets. */
export interface Hits {
  anchors: number[]
  headers: number[]
  ends: number[]
}

/** Find every anchor in `region` (whose first byte is at `base`) and add it to `out`. */
export function findAnchors(region: Buffer, base: number, out: Hits): void {
  for (const n of NEEDLES) {
    let p = 0
    for (;;) {
      const at = region.indexOf(n.needle, p)
      if (at < 0) break
      p = at + n.needle.length
      for (const a of n.anchors) {
        const start = at - a.at
        if (start < 0 || start + a.text.length > region.length) continue
        if (region.compare(a.text, 0, a.text.length, start, start + a.text.length) !== 0) continue
        const pos = base + start
        out.anchors.push(pos)
        if (a.role === 'header') out.headers.push(pos)
        else if (a.role === 'end') out.ends.push(pos)
        break
      }
    }
  }
}

/** A byte range [start, end). */
export interface Range {
  start: number
  end: number
}

/** Context kept on both sides of an anchor (bytes). */
export const AROUND = 16 * 1024
/** Context kept around anchors that belong to a report already delimited (bytes). */
export const NEAR = 2 * 1024
/** How far past a header the prefilter looks for the end of the report (bytes). */
export const MAX_REPORT = 8 * 1024 * 1024

/** First value in sorted `xs` that is >= x, or -1. */
function firstAtOrAfter(xs: readonly number[], x: number): number {
  let lo = 0
  let hi = xs.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((xs[mid] ?? 0) < x) lo = mid + 1
    else hi = mid
  }
  return lo < xs.length ? (xs[lo] ?? -1) : -1
}

/** Ranges from hits: anchors +- AROUND, each header on to its report's end line, merged. */
export function rangesFromHits(hits: Hits, size: number): Range[] {
  const ends = [...hits.ends].sort((a, b) => a - b)
  const headers = [...hits.headers].sort((a, b) => a - b)
  const anchors = [...hits.anchors].sort((a, b) => a - b)
  const rs: Range[] = []
  // A report from its header to its end line; anchors inside it (or just after: the Killed,
  // reaper and oom.group lines) need little context of their own.
  const reports: Range[] = []
  for (const h of headers) {
    const stop = firstAtOrAfter(ends, h)
    const end = stop < 0 || stop - h > MAX_REPORT ? h + MAX_REPORT : stop
    reports.push({ start: h, end })
    rs.push({ start: Math.max(0, h - NEAR), end: Math.min(size, end + NEAR) })
  }
  let k = 0
  for (const a of anchors) {
    while (k < reports.length && (reports[k]?.end ?? 0) + AROUND < a) k++
    const r = reports[k]
    const inside = r !== undefined && a >= r.start && a <= r.end + AROUND
    const around = inside ? NEAR : AROUND
    rs.push({ start: Math.max(0, a - around), end: Math.min(size, a + around) })
  }
  rs.sort((a, b) => a.start - b.start)
  const out: Range[] = []
  for (const r of rs) {
    const last = out[out.length - 1]
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end)
    else out.push({ ...r })
  }
  return out
}

/** The ranges worth parsing in an in-memory buffer, on line boundaries. */
export function prefilterRanges(buf: Buffer): Range[] {
  const hits: Hits = { anchors: [], headers: [], ends: [] }
  findAnchors(buf, 0, hits)
  const merged = rangesFromHits(hits, buf.length)
  for (const r of merged) {
    if (r.start > 0) {
      const nl = buf.lastIndexOf(10, r.start - 1)
      r.start = nl < 0 ? 0 : nl + 1
    }
    if (r.end < buf.length) {
      const nl = buf.indexOf(10, r.end)
      r.end = nl < 0 ? buf.length : nl + 1
    }
  }
  const out: Range[] = []
  for (const r of merged) {
    const last = out[out.length - 1]
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end)
    else out.push(r)
  }
  return out
}

/** Number of newlines in buf[start, end). */
export function countLines(buf: Buffer, start: number, end: number): number {
  let n = 0
  let pos = start
  for (;;) {
    const at = buf.indexOf(10, pos)
    if (at < 0 || at >= end) return n
    n++
    pos = at + 1
  }
}
