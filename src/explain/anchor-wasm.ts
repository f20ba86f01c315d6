/**
 * @module The byte scanner behind explain's prefilter, as a tiny WebAssembly SIMD module built
 * from its opcodes here (no toolchain, no file to load). Two functions over its own memory:
 *
 *   candidates(start, end, out, cap) -> n
 *     one pass over [start, end) in 16-byte steps: classifies each byte and the byte after it
 *     through two nibble tables (low and high half of the byte, `i8x16.swizzle`, as in the
 *     "shufti" technique of Hyperscan) against up to 8 two-byte pairs at once, and writes the
 *     start of every 16-byte step holding a pair to `out` (i32 each); stops after `cap` of them
 *     (the caller resumes 16 bytes after the last one written).
 *   newlines(start, vectors) -> n
 *     the count of "\n" in `vectors` (at most 255) 16-byte steps from `start`.
 *
 * The tables live at bytes 0..63 of the memory: first-byte low/high nibbles, second-byte
 * low/high nibbles; bit i of a table entry belongs to pair i.
 */

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n >>>= 7
    if (n !== 0) b |= 0x80
    out.push(b)
  } while (n !== 0)
  return out
}

const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body]
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()]

// Opcodes (WebAssembly core and SIMD proposal, now standard).
const I32 = 0x7f
const V128 = 0x7b
const SIMD = 0xfd
const get = (i: number): number[] => [0x20, i]
const set = (i: number): number[] => [0x21, i]
const i32c = (n: number): number[] => [0x41, ...leb(n)]
const v128Load = (offset: number): number[] => [SIMD, 0x00, 0x00, ...leb(offset)]
const SPLAT8 = [SIMD, 0x0f]
const SWIZZLE = [SIMD, 0x0e]
const EQ8 = [SIMD, 0x23]
const AND = [SIMD, 0x4e]
const ANY_TRUE = [SIMD, 0x53]
const SHR_U8 = [SIMD, 0x6d]
const SUB8 = [SIMD, 0x71]
const EXTADD16_U = [SIMD, 0x7d]
const EXTADD32_U = [SIMD, 0x7f]
const LANE32 = (l: number): number[] => [SIMD, 0x1b, l]
const ADD = 0x6a
const BLOCK = [0x02, 0x40]
const LOOP = [0x03, 0x40]
const END = 0x0b

/** Classes of the vector in local `v` through the tables at `lo`/`hi` (mask of 0x0f in local `m`). */
function classes(v: number, m: number, lo: number, hi: number): number[] {
  return [
    ...get(lo),
    ...get(v),
    ...get(m),
    ...AND,
    ...SWIZZLE,
    ...get(hi),
    ...get(v),
    ...i32c(4),
    ...SHR_U8,
    ...SWIZZLE,
    ...AND
  ]
}

/** candidates(p, end, out, cap): params 0..3; locals 4 n (i32), 5 mask, 6-9 tables, 10-11 vectors (v128). */
function candidatesBody(): number[] {
  const code = [
    ...[...i32c(0), ...v128Load(0), ...set(6)],
    ...[...i32c(0), ...v128Load(16), ...set(7)],
    ...[...i32c(0), ...v128Load(32), ...set(8)],
    ...[...i32c(0), ...v128Load(48), ...set(9)],
    ...[...i32c(15), ...SPLAT8, ...set(5)],
    ...BLOCK,
    ...LOOP,
    ...[...get(0), ...get(1), 0x4f /* i32.ge_u */, 0x0d, 1 /* br_if $done */],
    ...[...get(0), ...v128Load(0), ...set(10)],
    ...[...get(0), ...v128Load(1), ...set(11)],
    ...classes(10, 5, 6, 7),
    ...classes(11, 5, 8, 9),
    ...AND,
    ...ANY_TRUE,
    ...[0x04, 0x40 /* if */],
    ...[...get(2), ...get(4), ...i32c(2), 0x74 /* shl */, ADD, ...get(0)],
    ...[0x36, 0x02, 0x00 /* i32.store */],
    ...[...get(4), ...i32c(1), ADD, ...set(4)],
    ...[...get(4), ...get(3), 0x4f, 0x0d, 2 /* br_if $done */],
    END,
    ...[...get(0), ...i32c(16), ADD, ...set(0)],
    ...[0x0c, 0 /* br $loop */],
    END,
    END,
    ...get(4),
    END
  ]
  const locals = vec([
    [1, I32],
    [7, V128]
  ])
  return [...locals, ...code]
}

/** newlines(p, vectors): params 0..1; locals 2 acc, 3 "\n" splat (v128). */
function newlinesBody(): number[] {
  const code = [
    ...[...i32c(10), ...SPLAT8, ...set(3)],
    ...BLOCK,
    ...LOOP,
    ...[...get(1), 0x45 /* i32.eqz */, 0x0d, 1],
    ...[...get(2), ...get(0), ...v128Load(0), ...get(3), ...EQ8, ...SUB8, ...set(2)],
    ...[...get(0), ...i32c(16), ADD, ...set(0)],
    ...[...get(1), ...i32c(1), 0x6b /* sub */, ...set(1)],
    ...[0x0c, 0],
    END,
    END,
    ...[...get(2), ...EXTADD16_U, ...EXTADD32_U, ...set(2)],
    ...[...get(2), ...LANE32(0), ...get(2), ...LANE32(1), ADD],
    ...[...get(2), ...LANE32(2), ADD, ...get(2), ...LANE32(3), ADD],
    END
  ]
  return [...vec([[2, V128]]), ...code]
}

/** The module's bytes. */
export function scannerModuleBytes(): Uint8Array<ArrayBuffer> {
  const name = (s: string): number[] => [...leb(s.length), ...Array.from(s, c => c.charCodeAt(0))]
  const candidates = candidatesBody()
  const newlines = newlinesBody()
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(
      1,
      vec([
        [0x60, ...vec([[I32], [I32], [I32], [I32]]), ...vec([[I32]])],
        [0x60, ...vec([[I32], [I32]]), ...vec([[I32]])]
      ])
    ),
    ...section(3, vec([[0], [1]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(
      7,
      vec([
        [...name('memory'), 0x02, 0],
        [...name('candidates'), 0x00, 0],
        [...name('newlines'), 0x00, 1]
      ])
    ),
    ...section(
      10,
      vec([
        [...leb(candidates.length), ...candidates],
        [...leb(newlines.length), ...newlines]
      ])
    )
  ])
}

export interface Scanner {
  memory: WebAssembly.Memory
  candidates(start: number, end: number, out: number, cap: number): number
  newlines(start: number, vectors: number): number
}

let cached: Scanner | undefined

/** The compiled scanner (one instance per process; its memory grows as needed). */
export function scanner(): Scanner {
  if (cached) return cached
  const instance = new WebAssembly.Instance(new WebAssembly.Module(scannerModuleBytes()))
  cached = instance.exports as unknown as Scanner
  return cached
}
