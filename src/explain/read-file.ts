/**
 * @module Parse a log file of any size: small files are parsed line by line; large ones are
 * scanned in cache-sized chunks for the OOM anchor strings (native Buffer search, several
 * needles per hot chunk), then only the byte ranges around the hits are read back and parsed,
 * with line numbers kept exact from per-block newline counts. The CLI and the benchmark both
 * read files through `parseFile`.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { findAnchors, rangesFromHits } from './prefilter.ts'
import type { Hits } from './prefilter.ts'
import { createReportParser } from './parser.ts'
import type { ReportParserOptions } from './parser.ts'
import { feedLines, parseBuffer, PREFILTER_THRESHOLD } from './read-input.ts'
import type { OomEvent } from './types.ts'

const CHUNK = 1 << 20
/** Newline counts are kept at the start of every block of this many bytes. */
const BLOCK = 1 << 16

interface Scan {
  size: number
  hits: Hits
  /** Newlines before the start of each block. */
  blockLines: Float64Array
}

/** Read `length` bytes at `position` (short at end of file). */
function pread(fd: number, position: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(Math.max(0, length))
  let got = 0
  while (got < length) {
    const n = readSync(fd, b, got, length - got, position + got)
    if (n <= 0) break
    got += n
  }
  return b.subarray(0, got)
}

/** Phase 1: one sequential pass; all needles searched while each chunk is hot in cache. */
function scan(fd: number, size: number): Scan {
  const buf = Buffer.allocUnsafe(CHUNK * 2)
  const hits: Hits = { anchors: [], headers: [], ends: [] }
  const blockLines = new Float64Array(Math.floor(size / BLOCK) + 2)
  let carry = 0
  let regionStart = 0
  let filePos = 0
  let lines = 0
  let nextBlock = 1
  for (;;) {
    if (carry >= buf.length - CHUNK) {
      // One line longer than the buffer: drop its head (it is searched already).
      buf.copyWithin(0, carry - 1024, carry)
      regionStart += carry - 1024
      carry = 1024
    }
    const n = readSync(fd, buf, carry, CHUNK, filePos)
    filePos += n
    const len = carry + n
    const last = n === 0 ? len - 1 : buf.lastIndexOf(10, len - 1)
    const cut = last < 0 ? (n === 0 ? len : 0) : last + 1
    if (cut > 0) {
      const region = buf.subarray(0, cut)
      findAnchors(region, regionStart, hits)
      let p = 0
      for (;;) {
        const at = region.indexOf(10, p)
        if (at < 0) break
        const g = regionStart + at
        while (nextBlock * BLOCK <= g) blockLines[nextBlock++] = lines
        lines++
        p = at + 1
      }
    }
    if (n === 0) break
    buf.copyWithin(0, cut, len)
    carry = len - cut
    regionStart += cut
  }
  while (nextBlock < blockLines.length) blockLines[nextBlock++] = lines
  return { size, hits, blockLines }
}

/** Everything a non-seekable descriptor yields until end of file. */
function readToEnd(fd: number): Buffer {
  const parts: Buffer[] = []
  for (;;) {
    const b = Buffer.allocUnsafe(CHUNK)
    const n = readSync(fd, b, 0, CHUNK, null)
    if (n <= 0) break
    parts.push(b.subarray(0, n))
  }
  return Buffer.concat(parts)
}

/** Newlines before byte `pos`. */
function linesBefore(fd: number, s: Scan, pos: number): number {
  const block = Math.floor(pos / BLOCK)
  const from = block * BLOCK
  const b = pread(fd, from, pos - from)
  let n = s.blockLines[block] ?? 0
  let p = 0
  for (;;) {
    const at = b.indexOf(10, p)
    if (at < 0) return n
    n++
    p = at + 1
  }
}

/** Parse every OOM event in the file at `path` (throws only on I/O errors). */
export function parseFile(path: string, options: ReportParserOptions = {}): OomEvent[] {
  const fd = openSync(path, 'r')
  try {
    const st = fstatSync(fd)
    // Pipes and character devices (<(journalctl -k), /dev/stdin) have no size: read to EOF.
    if (!st.isFile()) return parseBuffer(readToEnd(fd), options)
    const size = st.size
    if (size < PREFILTER_THRESHOLD) return parseBuffer(pread(fd, 0, size), options)
    const s = scan(fd, size)
    const p = createReportParser(options)
    const out: OomEvent[] = []
    let line = 0
    for (const r of rangesFromHits(s.hits, size)) {
      // Widen to whole lines: back to the start of the line holding r.start, on to a newline.
      let start = r.start
      if (start > 0) {
        const back = pread(fd, Math.max(0, start - 4096), Math.min(4096, start))
        const nl = back.lastIndexOf(10)
        start = nl < 0 ? start - back.length : start - back.length + nl + 1
      }
      let end = r.end
      while (end < size) {
        const ahead = pread(fd, end, 4096)
        const nl = ahead.indexOf(10)
        if (nl >= 0) {
          end += nl + 1
          break
        }
        end += ahead.length
        if (ahead.length === 0) break
      }
      if (start < 0) start = 0
      const first = linesBefore(fd, s, start)
      if (first < line) {
        // Overlaps what was fed already (widening merged two ranges): skip the repeated lines.
        const b = pread(fd, start, end - start)
        let skip = line - first
        let off = 0
        while (skip > 0 && off < b.length) {
          const at = b.indexOf(10, off)
          if (at < 0) break
          off = at + 1
          skip--
        }
        line += feedLines(p, b.subarray(off).toString('utf8'), out)
        continue
      }
      if (first > line) out.push(...p.skip(first - line))
      line = first
      line += feedLines(p, pread(fd, start, end - start).toString('utf8'), out)
    }
    out.push(...p.end())
    return out
  } finally {
    closeSync(fd)
  }
}
