/**
 * @module GFP flag bit layouts per kernel generation and the `%pGg` printer (format_flags with
 * gfpflag_names), plus the reverse: names back to a mask.
 *
 * Bit values and name-table order follow the reference doc §9 (include/linux/gfp_types.h,
 * include/trace/events/mmflags.h). The profile picks the layout (`format.gfpLayout`) and the
 * name order (`format.gfpNames`).
 */
import type { KernelProfile } from './profiles.ts'

/** Individual `__GFP_*` bit values of one layout (0 = not present in that layout). */
interface GfpBits {
  DMA: number
  HIGHMEM: number
  DMA32: number
  MOVABLE: number
  RECLAIMABLE: number
  HIGH: number
  IO: number
  FS: number
  ZERO: number
  ATOMIC: number
  DIRECT_RECLAIM: number
  KSWAPD_RECLAIM: number
  WRITE: number
  NOWARN: number
  RETRY_MAYFAIL: number
  NOFAIL: number
  NORETRY: number
  MEMALLOC: number
  COMP: number
  NOMEMALLOC: number
  HARDWALL: number
  THISNODE: number
  ACCOUNT: number
  ZEROTAGS: number
  /** 3.x only: __GFP_WAIT (the old "may sleep" bit) and friends. */
  WAIT: number
  COLD: number
  NOTRACK: number
  NO_KSWAPD: number
  OTHER_NODE: number
}

const none: GfpBits = {
  DMA: 0x1,
  HIGHMEM: 0x2,
  DMA32: 0x4,
  MOVABLE: 0x8,
  RECLAIMABLE: 0,
  HIGH: 0x20,
  IO: 0x40,
  FS: 0x80,
  ZERO: 0,
  ATOMIC: 0,
  DIRECT_RECLAIM: 0,
  KSWAPD_RECLAIM: 0,
  WRITE: 0,
  NOWARN: 0,
  RETRY_MAYFAIL: 0,
  NOFAIL: 0,
  NORETRY: 0,
  MEMALLOC: 0,
  COMP: 0,
  NOMEMALLOC: 0,
  HARDWALL: 0,
  THISNODE: 0,
  ACCOUNT: 0,
  ZEROTAGS: 0,
  WAIT: 0,
  COLD: 0,
  NOTRACK: 0,
  NO_KSWAPD: 0,
  OTHER_NODE: 0
}

/** 3.x (__GFP_WAIT era): GFP_KERNEL = 0xd0, GFP_HIGHUSER_MOVABLE = 0x200da. */
const layout3x: GfpBits = {
  ...none,
  WAIT: 0x10,
  COLD: 0x100,
  NOWARN: 0x200,
  RETRY_MAYFAIL: 0x400, // __GFP_REPEAT
  NOFAIL: 0x800,
  NORETRY: 0x1000,
  MEMALLOC: 0x2000,
  COMP: 0x4000,
  ZERO: 0x8000,
  NOMEMALLOC: 0x10000,
  HARDWALL: 0x20000,
  THISNODE: 0x40000,
  RECLAIMABLE: 0x80000,
  NOTRACK: 0x200000,
  NO_KSWAPD: 0x400000,
  OTHER_NODE: 0x800000,
  WRITE: 0x1000000
}

/** 2.6.24–2.6.30 (include/linux/gfp.h): __GFP_MOVABLE at 0x100000, GFP_HIGHUSER_MOVABLE =
 * 0x1200d2; 2.6.31 moved MOVABLE to the zone bits (0x08, the 3.x layout). */
const layout26: GfpBits = {
  ...layout3x,
  MOVABLE: 0x100000,
  NOTRACK: 0,
  NO_KSWAPD: 0,
  OTHER_NODE: 0,
  WRITE: 0
}

/** 4.19 / 5.0: GFP_KERNEL = 0x6000c0. */
const layout419: GfpBits = {
  ...none,
  RECLAIMABLE: 0x10,
  WRITE: 0x100,
  NOWARN: 0x200,
  RETRY_MAYFAIL: 0x400,
  NOFAIL: 0x800,
  NORETRY: 0x1000,
  MEMALLOC: 0x2000,
  COMP: 0x4000,
  ZERO: 0x8000,
  NOMEMALLOC: 0x10000,
  HARDWALL: 0x20000,
  THISNODE: 0x40000,
  ATOMIC: 0x80000,
  ACCOUNT: 0x100000,
  DIRECT_RECLAIM: 0x200000,
  KSWAPD_RECLAIM: 0x400000
}

/** The "4.15" tree (~4.10–4.18): GFP_KERNEL = 0x14000c0; 0x100 unused. */
const layout44: GfpBits = {
  ...layout419,
  WRITE: 0x800000,
  DIRECT_RECLAIM: 0x400000,
  KSWAPD_RECLAIM: 0x1000000
}

/** 4.4–4.9: GFP_KERNEL = 0x24000c0, GFP_HIGHUSER_MOVABLE|__GFP_COLD = 0x24201ca (real logs). */
const layout45: GfpBits = {
  ...layout419,
  COLD: 0x100,
  NOTRACK: 0x200000,
  DIRECT_RECLAIM: 0x400000,
  OTHER_NODE: 0x800000,
  WRITE: 0x1000000,
  KSWAPD_RECLAIM: 0x2000000
}

/** 6.4+ (gfp_types.h, no KASAN_HW_TAGS/LOCKDEP): GFP_KERNEL = 0xcc0; 0x200 unused. */
const layout64: GfpBits = {
  ...none,
  RECLAIMABLE: 0x10,
  ZERO: 0x100,
  DIRECT_RECLAIM: 0x400,
  KSWAPD_RECLAIM: 0x800,
  WRITE: 0x1000,
  NOWARN: 0x2000,
  RETRY_MAYFAIL: 0x4000,
  NOFAIL: 0x8000,
  NORETRY: 0x10000,
  MEMALLOC: 0x20000,
  COMP: 0x40000,
  NOMEMALLOC: 0x80000,
  HARDWALL: 0x100000,
  THISNODE: 0x200000,
  ACCOUNT: 0x400000,
  ZEROTAGS: 0x800000
}

/** 5.2–6.3: the 6.4 layout with __GFP_ATOMIC at 0x200 (ZEROTAGS only from 5.12: left out). */
const layout52: GfpBits = { ...layout64, ATOMIC: 0x200, ZEROTAGS: 0 }

const layouts: Record<KernelProfile['format']['gfpLayout'], GfpBits> = {
  '2.6': layout26,
  '3x': layout3x,
  '4.5': layout45,
  '4.4': layout44,
  '4.19': layout419,
  '5.2': layout52,
  '6.4': layout64
}

/** One `%pGg` table entry: a name and the bits it stands for. */
export interface GfpName {
  name: string
  mask: number
}

/** The composite GFP_* values of a layout, in gfpflag_names order. */
function composites(b: GfpBits, names: KernelProfile['format']['gfpNames']): GfpName[] {
  const reclaim = b.WAIT | b.DIRECT_RECLAIM | b.KSWAPD_RECLAIM
  const kernel = reclaim | b.IO | b.FS
  const user = kernel | b.HARDWALL
  const highuser = user | b.HIGHMEM
  const movable = highuser | b.MOVABLE
  const light = (movable | b.COMP | b.NOMEMALLOC | b.NOWARN) & ~reclaim
  // GFP_NOWAIT gained __GFP_NOWARN between 6.9 and 6.13; the 6.18 table has it.
  const nowait = b.WAIT !== 0 ? 0 : b.KSWAPD_RECLAIM | (names === 'bitOrder' ? b.NOWARN : 0)
  return [
    { name: 'GFP_TRANSHUGE', mask: light | b.DIRECT_RECLAIM },
    { name: 'GFP_TRANSHUGE_LIGHT', mask: light },
    { name: 'GFP_HIGHUSER_MOVABLE', mask: movable },
    { name: 'GFP_HIGHUSER', mask: highuser },
    { name: 'GFP_USER', mask: user },
    // Up to 4.14; kept for the 4.4–4.9 layout only.
    { name: 'GFP_TEMPORARY', mask: b.COLD !== 0 && b.WAIT === 0 ? kernel | b.RECLAIMABLE : 0 },
    { name: 'GFP_KERNEL_ACCOUNT', mask: b.ACCOUNT === 0 ? 0 : kernel | b.ACCOUNT },
    { name: 'GFP_KERNEL', mask: kernel },
    { name: 'GFP_NOFS', mask: reclaim | b.IO },
    { name: 'GFP_ATOMIC', mask: b.HIGH | b.ATOMIC | b.KSWAPD_RECLAIM },
    { name: 'GFP_NOIO', mask: reclaim },
    { name: 'GFP_NOWAIT', mask: nowait },
    { name: 'GFP_DMA', mask: b.DMA }
  ]
}

/** ≤ 6.13 order of the single-flag part of gfpflag_names (4.4–4.9: with __GFP_COLD,
 * __GFP_REPEAT, __GFP_NOTRACK and __GFP_OTHER_NODE). */
function classicSingles(b: GfpBits): GfpName[] {
  const old = b.COLD !== 0
  return [
    { name: '__GFP_HIGHMEM', mask: b.HIGHMEM },
    { name: 'GFP_DMA32', mask: b.DMA32 },
    { name: '__GFP_HIGH', mask: b.HIGH },
    { name: '__GFP_ATOMIC', mask: b.ATOMIC },
    { name: '__GFP_IO', mask: b.IO },
    { name: '__GFP_FS', mask: b.FS },
    { name: '__GFP_COLD', mask: b.COLD },
    { name: '__GFP_NOWARN', mask: b.NOWARN },
    { name: old ? '__GFP_REPEAT' : '__GFP_RETRY_MAYFAIL', mask: b.RETRY_MAYFAIL },
    { name: '__GFP_NOFAIL', mask: b.NOFAIL },
    { name: '__GFP_NORETRY', mask: b.NORETRY },
    { name: '__GFP_COMP', mask: b.COMP },
    { name: '__GFP_ZERO', mask: b.ZERO },
    { name: '__GFP_NOMEMALLOC', mask: b.NOMEMALLOC },
    { name: '__GFP_MEMALLOC', mask: b.MEMALLOC },
    { name: '__GFP_HARDWALL', mask: b.HARDWALL },
    { name: '__GFP_THISNODE', mask: b.THISNODE },
    { name: '__GFP_RECLAIMABLE', mask: b.RECLAIMABLE },
    { name: '__GFP_MOVABLE', mask: b.MOVABLE },
    { name: '__GFP_ACCOUNT', mask: b.ACCOUNT },
    { name: '__GFP_NOTRACK', mask: b.NOTRACK },
    { name: '__GFP_WRITE', mask: b.WRITE },
    { name: '__GFP_RECLAIM', mask: b.DIRECT_RECLAIM | b.KSWAPD_RECLAIM },
    { name: '__GFP_DIRECT_RECLAIM', mask: b.DIRECT_RECLAIM },
    { name: '__GFP_KSWAPD_RECLAIM', mask: b.KSWAPD_RECLAIM },
    { name: '__GFP_OTHER_NODE', mask: b.OTHER_NODE },
    { name: '__GFP_ZEROTAGS', mask: b.ZEROTAGS }
  ]
}

/** 6.18 order: GFP_DMA32, __GFP_RECLAIM, then every single flag in bit order. */
function bitOrderSingles(b: GfpBits): GfpName[] {
  return [
    { name: 'GFP_DMA32', mask: b.DMA32 },
    { name: '__GFP_RECLAIM', mask: b.DIRECT_RECLAIM | b.KSWAPD_RECLAIM },
    { name: '__GFP_DMA', mask: b.DMA },
    { name: '__GFP_HIGHMEM', mask: b.HIGHMEM },
    { name: '__GFP_DMA32', mask: b.DMA32 },
    { name: '__GFP_MOVABLE', mask: b.MOVABLE },
    { name: '__GFP_RECLAIMABLE', mask: b.RECLAIMABLE },
    { name: '__GFP_HIGH', mask: b.HIGH },
    { name: '__GFP_IO', mask: b.IO },
    { name: '__GFP_FS', mask: b.FS },
    { name: '__GFP_ZERO', mask: b.ZERO },
    { name: '__GFP_ATOMIC', mask: b.ATOMIC },
    { name: '__GFP_DIRECT_RECLAIM', mask: b.DIRECT_RECLAIM },
    { name: '__GFP_KSWAPD_RECLAIM', mask: b.KSWAPD_RECLAIM },
    { name: '__GFP_WRITE', mask: b.WRITE },
    { name: '__GFP_NOWARN', mask: b.NOWARN },
    { name: '__GFP_RETRY_MAYFAIL', mask: b.RETRY_MAYFAIL },
    { name: '__GFP_NOFAIL', mask: b.NOFAIL },
    { name: '__GFP_NORETRY', mask: b.NORETRY },
    { name: '__GFP_MEMALLOC', mask: b.MEMALLOC },
    { name: '__GFP_COMP', mask: b.COMP },
    { name: '__GFP_NOMEMALLOC', mask: b.NOMEMALLOC },
    { name: '__GFP_HARDWALL', mask: b.HARDWALL },
    { name: '__GFP_THISNODE', mask: b.THISNODE },
    { name: '__GFP_ACCOUNT', mask: b.ACCOUNT },
    { name: '__GFP_ZEROTAGS', mask: b.ZEROTAGS }
  ]
}

/** 3.x has no %pGg; these extra names exist only so parseGfpNames/gfpFlags work on 3.x masks. */
function legacySingles(b: GfpBits): GfpName[] {
  return [
    { name: '__GFP_WAIT', mask: b.WAIT },
    { name: '__GFP_NO_KSWAPD', mask: b.NO_KSWAPD }
  ]
}

const tableCache = new Map<string, GfpName[]>()

/**
 * The gfpflag_names table of a profile, in print order, zero-mask entries removed (they would
 * match vacuously; a configured kernel table has none).
 */
export function gfpNameTable(profile: KernelProfile): readonly GfpName[] {
  const known = tableByProfile.get(profile)
  if (known !== undefined) return known
  const table = gfpNameTableKeyed(profile)
  tableByProfile.set(profile, table)
  return table
}

/** The same table per profile object, found without building a key on every print. */
const tableByProfile = new WeakMap<KernelProfile, readonly GfpName[]>()

function gfpNameTableKeyed(profile: KernelProfile): readonly GfpName[] {
  const { gfpLayout, gfpNames } = profile.format
  const key = `${gfpLayout}/${gfpNames}`
  let table = tableCache.get(key)
  if (table === undefined) {
    const b = layouts[gfpLayout]
    const singles = gfpNames === 'bitOrder' ? bitOrderSingles(b) : classicSingles(b)
    const legacy = b.WAIT !== 0 ? legacySingles(b) : []
    table = [...composites(b, gfpNames), ...singles, ...legacy].filter(e => e.mask !== 0)
    tableCache.set(key, table)
  }
  return table
}

/**
 * Bit values by name for a profile: every `__GFP_*` flag of its layout and the composites
 * (`GFP_KERNEL`, `GFP_HIGHUSER_MOVABLE`, ...). Flags absent from the layout are omitted.
 */
export function gfpFlags(profile: KernelProfile): Readonly<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const e of gfpNameTable(profile)) out[e.name] ??= e.mask
  const b = layouts[profile.format.gfpLayout]
  for (const [k, v] of Object.entries(b)) {
    const name = k === 'RETRY_MAYFAIL' && b.COLD !== 0 ? '__GFP_REPEAT' : `__GFP_${k}`
    if (v !== 0) out[name] ??= v
  }
  return out
}

/** Lowercase hex with the 0x prefix, as the kernel prints `%#x` (also `0x0` for zero). */
function hex(n: number): string {
  return `0x${n.toString(16)}`
}

/**
 * `%pGg` of a mask: format_flags() with the profile's table. Composites first, an entry matches
 * only when all its bits are set, leftover bits follow as `0x..`, and 0 prints nothing.
 */
export function gfpNamesOf(mask: number, profile: KernelProfile): string {
  let rest = mask >>> 0
  const parts: string[] = []
  for (const e of gfpNameTable(profile)) {
    if (rest === 0) break
    if ((rest & e.mask) >>> 0 === e.mask) {
      parts.push(e.name)
      rest = (rest & ~e.mask) >>> 0
    }
  }
  if (rest !== 0) parts.push(hex(rest))
  return parts.join('|')
}

/**
 * The `gfp_mask=` value as the profile's header prints it: `%#x(%pGg)` from ~4.5
 * (`0x440dc0(GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO)`), plain `0x%x` on 3.x.
 * The kernel's vsprintf number() always emits the `0x` prefix for base 16, so a zero mask
 * prints `0x0()` (the old pagefault OOM line), unlike C's printf which prints `0`.
 */
export function formatGfp(mask: number, profile: KernelProfile): string {
  const m = mask >>> 0
  // 3.x dump_header(): "gfp_mask=0x%x".
  const layout = profile.format.gfpLayout
  if (layout === '2.6' || layout === '3x' || profile.format.header === '3x') return hex(m)
  return `${hex(m)}(${gfpNamesOf(m, profile)})`
}

/**
 * Names back to a mask: `GFP_KERNEL|__GFP_COMP|0x200000` (the text between the parentheses of a
 * `%pGg` print, or a bare list). Returns null when a name is not in the profile's layout.
 * The empty string is 0.
 */
export function parseGfpNames(text: string, profile: KernelProfile): number | null {
  const t = text.trim()
  if (t === '') return 0
  const flags = gfpFlags(profile)
  let mask = 0
  for (const part of t.split('|')) {
    const p = part.trim()
    if (/^0x[0-9a-f]+$/i.test(p)) mask |= Number.parseInt(p.slice(2), 16)
    else {
      const v = flags[p]
      if (v === undefined) return null
      mask |= v
    }
  }
  return mask >>> 0
}
