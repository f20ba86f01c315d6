/**
 * @module Prefilter for large logs: find the OOM anchor strings ("invoked oom-killer", "Killed
 * process", "oom-kill:", ...) with the native Buffer search and turn them into byte ranges of
 * whole lines worth parsing (each report in full, fragments with some context).
 *
 * Speed: the anchors are found in one SIMD pass over the bytes (`anchor-search.ts`).
 */

import { countNewlines, findAnchors } from './anchor-search.ts'
import type { Hits } from './anchor-search.ts'

export { findAnchors, type Hits }

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
  return countNewlines(buf, start, end)
}
