/**
 * @module One pass over the bytes for every OOM anchor ("invoked oom-killer", "Killed process",
 * "oom-kill:", ...): the SIMD scanner of `anchor-wasm.ts` looks for eight rare two-byte pairs at
 * once (each anchor owns one pair at a known offset in its text) and names the 16-byte steps that
 * hold one; only those are checked here against the anchors. Newlines are counted by the same
 * module, 16 bytes at a time. Bytes already in the scanner's memory (`scanBuffer()`, where
 * scan-source.ts reads the file) are scanned in place; any other buffer is copied in by pieces.
 */
import { scanner } from './anchor-wasm.ts'

/** What an anchor means for the range around it. */
export type Role = 'header' | 'end' | 'anchor'

/** Every anchor, its role, and the pair of its bytes the scanner looks for. */
const ANCHORS: readonly [text: string, role: Role, pair: string][] = [
  ['invoked oom-killer', 'header', 'm-'],
  ['oom-kill:', 'end', 'm-'],
  ['oom_reaper:', 'anchor', 'm_'],
  ['memory.oom.group', 'anchor', '.g'],
  ['Killed process', 'end', 'Ki'],
  ['Kill process', 'anchor', 'Ki'],
  // The longer anchor first: one position is one hit.
  ['Out of memory and no killable', 'end', 'Ou'],
  ['Out of memory', 'anchor', 'Ou'],
  ['Memory cgroup', 'anchor', 'Me'],
  // A page allocation failure is found through its Mem-Info block, a few KB below its line.
  ['Mem-Info:', 'anchor', 'Me'],
  ['Tasks state (memory values', 'anchor', 'Ta'],
  ['Task in /', 'anchor', 'Ta'],
  ['Tasks in /', 'anchor', 'Ta'],
  ['Kernel panic', 'end', 'Ke']
]

interface Anchor {
  text: Buffer
  /** Offset of the pair in the text. */
  at: number
  role: Role
}

/** Hits of one scan, as absolute byte offsets. */
export interface Hits {
  anchors: number[]
  headers: number[]
  ends: number[]
}

const TABLES = 64
const OUT = TABLES
const CAP = 4096
/** Where input bytes start in the scanner's memory, and how many fit (plus slack for 16-byte reads). */
const INPUT = 65536
export const SCAN_BUFFER_SIZE = 2 << 20
const PIECE = 1 << 20
const SLACK = 64
/** Where bytes from elsewhere are copied in, by pieces (never over the scan buffer). */
const SCRATCH = INPUT + SCAN_BUFFER_SIZE + SLACK

/** Anchors by pair (first byte * 256 + second byte). */
const byPair = new Map<number, Anchor[]>()
for (const [text, role, pair] of ANCHORS) {
  const at = text.indexOf(pair)
  if (at < 0) throw new Error(`anchor "${text}" does not contain "${pair}"`)
  const key = pair.charCodeAt(0) * 256 + pair.charCodeAt(1)
  const list = byPair.get(key) ?? []
  list.push({ text: Buffer.from(text, 'latin1'), at, role })
  byPair.set(key, list)
}

let ready: Buffer | undefined

/** The scanner's memory as one Buffer: tables written, big enough for the input area. */
function memory(): Buffer {
  if (ready) return ready
  const s = scanner()
  const need = SCRATCH + PIECE + SLACK
  const have = s.memory.buffer.byteLength
  if (have < need) s.memory.grow(Math.ceil((need - have) / 65536))
  const mem = Buffer.from(s.memory.buffer)
  mem.fill(0, 0, TABLES)
  let bit = 0
  for (const key of byPair.keys()) {
    const [a, b] = [key >> 8, key & 0xff]
    mem[a & 15] = (mem[a & 15] ?? 0) | (1 << bit)
    mem[16 + (a >> 4)] = (mem[16 + (a >> 4)] ?? 0) | (1 << bit)
    mem[32 + (b & 15)] = (mem[32 + (b & 15)] ?? 0) | (1 << bit)
    mem[48 + (b >> 4)] = (mem[48 + (b >> 4)] ?? 0) | (1 << bit)
    bit++
  }
  ready = mem
  return mem
}

/** A reusable buffer inside the scanner's memory: bytes read into it are scanned without a copy. */
export function scanBuffer(): Buffer {
  return memory().subarray(INPUT, INPUT + SCAN_BUFFER_SIZE)
}

/** Offset of `b` in the scanner's memory, or -1 when it lives elsewhere. */
function inMemory(b: Buffer): number {
  const mem = memory()
  return b.buffer === mem.buffer ? b.byteOffset : -1
}

/** Check the pairs in the 16 bytes at region[from] and record the anchors found. */
function verify(region: Buffer, from: number, limit: number, base: number, out: Hits): void {
  const stop = Math.min(limit, from + 16)
  for (let q = from; q < stop; q++) {
    const list = byPair.get((region[q] ?? 0) * 256 + (region[q + 1] ?? 0))
    if (list === undefined) continue
    for (const a of list) {
      const start = q - a.at
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

/** Scan region[from, to), whose byte i sits at i + shift in the scanner's memory. */
function scanRange(
  region: Buffer,
  shift: number,
  from: number,
  to: number,
  base: number,
  out: Hits
): void {
  const s = scanner()
  const mem = memory()
  let p = from + shift
  for (;;) {
    const n = s.candidates(p, to + shift, OUT, CAP)
    for (let i = 0; i < n; i++) verify(region, mem.readInt32LE(OUT + 4 * i) - shift, to, base, out)
    if (n < CAP) return
    p = mem.readInt32LE(OUT + 4 * (CAP - 1)) + 16
  }
}

/** Find every anchor in `region` (whose first byte is at `base`) and add it to `out`. */
export function findAnchors(region: Buffer, base: number, out: Hits): void {
  const offset = inMemory(region)
  if (offset >= 0) return scanRange(region, offset, 0, region.length, base, out)
  const mem = memory()
  for (let from = 0; from < region.length; from += PIECE) {
    // The piece and the bytes its last 16-byte step reads past its end (zeros past the region).
    const to = Math.min(region.length, from + PIECE)
    const copied = region.copy(mem, SCRATCH, from, Math.min(region.length, to + 32))
    mem.fill(0, SCRATCH + copied, SCRATCH + copied + 32)
    scanRange(region, SCRATCH - from, from, to, base, out)
  }
}

/** Newlines in b[start, end) counted 16 bytes at a time by the scanner, at `offset` in its memory. */
function newlinesInPlace(b: Buffer, offset: number, start: number, end: number): number {
  const s = scanner()
  let n = 0
  let p = start
  const whole = start + ((end - start) & ~15)
  while (p < whole) {
    const vectors = Math.min(255, (whole - p) >> 4)
    n += s.newlines(offset + p, vectors)
    p += vectors * 16
  }
  for (; p < end; p++) if (b[p] === 10) n++
  return n
}

/** Number of newlines in buf[start, end). */
export function countNewlines(buf: Buffer, start: number, end: number): number {
  const offset = inMemory(buf)
  if (offset >= 0) return newlinesInPlace(buf, offset, start, end)
  const mem = memory()
  let n = 0
  for (let from = start; from < end; from += PIECE) {
    const to = Math.min(end, from + PIECE)
    buf.copy(mem, SCRATCH, from, to)
    n += newlinesInPlace(mem, 0, SCRATCH, SCRATCH + (to - from))
  }
  return n
}
