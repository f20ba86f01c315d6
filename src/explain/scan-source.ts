/**
 * @module Phase 1 of parsing a large log: one sequential pass over a `ByteSource` in cache-sized
 * chunks, searching every OOM anchor while each chunk is hot (native Buffer search), and keeping
 * the newline count at the start of every block so line numbers stay exact when only the ranges
 * around the hits are parsed later.
 */
import type { ByteSource } from '../adapters/file/byte-source.ts'
import { findAnchors } from './prefilter.ts'
import type { Hits } from './prefilter.ts'

const CHUNK = 1 << 20
/** Newline counts are kept at the start of every block of this many bytes. */
const BLOCK = 1 << 16

export interface Scan {
  size: number
  hits: Hits
  /** Newlines before the start of each block. */
  blockLines: Float64Array
}

/** Read `length` bytes at `position` (short at the end of the input). */
export function readAt(source: ByteSource, position: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(Math.max(0, length))
  let got = 0
  while (got < length) {
    const n = source.readInto(b, got, length - got, position + got)
    if (n <= 0) break
    got += n
  }
  return b.subarray(0, got)
}

/** One sequential pass: the anchor hits and the per-block newline counts. */
export function scanSource(source: ByteSource): Scan {
  const size = source.size
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
    const n = source.readInto(buf, carry, CHUNK, filePos)
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

/** Newlines before byte `pos`. */
export function linesBefore(source: ByteSource, s: Scan, pos: number): number {
  const block = Math.floor(pos / BLOCK)
  const from = block * BLOCK
  const b = readAt(source, from, pos - from)
  let n = s.blockLines[block] ?? 0
  let p = 0
  for (;;) {
    const at = b.indexOf(10, p)
    if (at < 0) return n
    n++
    p = at + 1
  }
}
