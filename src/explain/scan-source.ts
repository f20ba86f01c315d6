/**
 * @module Phase 1 of parsing a large log: one sequential pass over a `ByteSource` in cache-sized
 * chunks, read straight into the SIMD scanner's memory (`anchor-search.ts`), which finds every OOM
 * anchor in one search and counts the newlines while the chunk is hot; the newline count at the
 * start of every block keeps line numbers exact when only the ranges around the hits are parsed
 * later. No JavaScript loop runs per line.
 */
import type { ByteSource } from '../adapters/file/byte-source.ts'
import { countNewlines, findAnchors, SCAN_BUFFER_SIZE, scanBuffer } from './anchor-search.ts'
import type { Hits } from './anchor-search.ts'

const CHUNK = SCAN_BUFFER_SIZE / 2
/** Newline counts are kept at the start of every block of this many bytes. */
const BLOCK = 1 << 16

export interface Scan {
  size: number
  hits: Hits
  /** Newlines before the start of each block. */
  blockLines: Float64Array
}

/**
 * Read `length` bytes at `position` (short at the end of the input), into `into` when it is
 * large enough (a scratch buffer whose bytes are used at once), else into a new buffer.
 */
export function readAt(
  source: ByteSource,
  position: number,
  length: number,
  into?: Buffer
): Buffer {
  const b =
    into !== undefined && into.length >= length ? into : Buffer.allocUnsafe(Math.max(0, length))
  let got = 0
  while (got < length) {
    const n = source.readInto(b, got, length - got, position + got)
    if (n <= 0) break
    got += n
  }
  return b.subarray(0, got)
}

/** Count the newlines of region[0, cut) (at `regionStart` in the input) into the block table. */
function countBlocks(region: Buffer, regionStart: number, lines: number, t: BlockCount): number {
  let pos = 0
  while (t.next * BLOCK <= regionStart + region.length && t.next < t.blockLines.length) {
    const boundary = Math.max(pos, t.next * BLOCK - regionStart)
    lines += countNewlines(region, pos, boundary)
    t.blockLines[t.next++] = lines
    pos = boundary
  }
  return lines + countNewlines(region, pos, region.length)
}

interface BlockCount {
  blockLines: Float64Array
  /** The next block whose start count is unknown. */
  next: number
}

/** The block counts of input[0, end), read again in pieces; returns the newlines before `end`. */
function countBefore(source: ByteSource, end: number, t: BlockCount): number {
  let lines = 0
  for (let from = 0; from < end; from += BLOCK * 16) {
    const piece = readAt(source, from, Math.min(BLOCK * 16, end - from))
    lines = countBlocks(piece, from, lines, t)
  }
  return lines
}

/** One sequential pass: the anchor hits and the per-block newline counts. */
export function scanSource(source: ByteSource): Scan {
  const size = source.size
  const buf = scanBuffer()
  const hits: Hits = { anchors: [], headers: [], ends: [] }
  const t: BlockCount = { blockLines: new Float64Array(Math.floor(size / BLOCK) + 2), next: 1 }
  let carry = 0
  let regionStart = 0
  let filePos = 0
  let lines = 0
  let counting = false
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
      // Line numbers matter only from the first hit on: a log without any report is not counted,
      // and the bytes before a first hit further in are counted once, read again.
      if (!counting && hits.anchors.length > 0) {
        counting = true
        lines = countBefore(source, regionStart, t)
      }
      if (counting) lines = countBlocks(region, regionStart, lines, t)
    }
    if (n === 0) break
    buf.copyWithin(0, cut, len)
    carry = len - cut
    regionStart += cut
  }
  while (t.next < t.blockLines.length) t.blockLines[t.next++] = lines
  return { size, hits, blockLines: t.blockLines }
}

/** Where linesBefore() reads the start of a block (its bytes are counted at once). */
const blockScratch = Buffer.allocUnsafe(BLOCK)

/** Newlines before byte `pos`. */
export function linesBefore(source: ByteSource, s: Scan, pos: number): number {
  const block = Math.floor(pos / BLOCK)
  const from = block * BLOCK
  const b = readAt(source, from, pos - from, blockScratch)
  return (s.blockLines[block] ?? 0) + countNewlines(b, 0, b.length)
}
