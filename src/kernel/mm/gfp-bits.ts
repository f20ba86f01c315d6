/**
 * @module A gfp mask decoded into what the page allocator asks of it, per profile layout (bit
 * values come from src/kernel/gfp.ts), plus gfp_zone() and masks built from names.
 */
import { gfpFlags, parseGfpNames } from '../gfp.ts'
import type { KernelProfile } from '../profiles.ts'
import type { MemModel } from './model.ts'

/** The request bits the allocator, reclaim and OOM paths read. */
export interface GfpInfo {
  mask: number
  dma: boolean
  dma32: boolean
  highmem: boolean
  movable: boolean
  reclaimable: boolean
  high: boolean
  io: boolean
  fs: boolean
  directReclaim: boolean
  kswapdReclaim: boolean
  nowarn: boolean
  retryMayfail: boolean
  nofail: boolean
  noretry: boolean
  memalloc: boolean
  nomemalloc: boolean
  thisnode: boolean
  account: boolean
  hardwall: boolean
}

const cache = new Map<string, Readonly<Record<string, number>>>()

function flagsOf(profile: KernelProfile): Readonly<Record<string, number>> {
  const key = `${profile.format.gfpLayout}/${profile.format.gfpNames}`
  let f = cache.get(key)
  if (f === undefined) {
    f = gfpFlags(profile)
    cache.set(key, f)
  }
  return f
}

const byNames = new Map<string, number>()

/** A mask from flag names (`GFP_KERNEL`, `__GFP_NOFAIL`, ...); unknown names are ignored. */
export function gfpFromNames(names: readonly string[], profile: KernelProfile): number {
  // Profiles pass the same arrays on every fault: look those up without building a key.
  let byLayout = byArray.get(names)
  if (byLayout === undefined) byArray.set(names, (byLayout = new Map<string, number>()))
  const known = byLayout.get(profile.format.gfpLayout)
  if (known !== undefined) return known
  const mask = gfpFromNamesKeyed(names, profile)
  byLayout.set(profile.format.gfpLayout, mask)
  return mask
}

const byArray = new WeakMap<readonly string[], Map<string, number>>()

function gfpFromNamesKeyed(names: readonly string[], profile: KernelProfile): number {
  const key = `${profile.format.gfpLayout}/${names.join('|')}`
  const hit = byNames.get(key)
  if (hit !== undefined) return hit
  const f = flagsOf(profile)
  let mask = 0
  for (const n of names) mask |= f[n] ?? 0
  byNames.set(key, mask >>> 0)
  return mask >>> 0
}

const decoded = new WeakMap<KernelProfile, Map<number, GfpInfo>>()

/** Decode a mask for a profile (memoised: the result is shared and must not be mutated). */
export function decodeGfp(mask: number, profile: KernelProfile): GfpInfo {
  let byMask = decoded.get(profile)
  if (byMask === undefined) decoded.set(profile, (byMask = new Map<number, GfpInfo>()))
  let g = byMask.get(mask)
  if (g === undefined) {
    g = decodeUncached(mask, profile)
    byMask.set(mask, g)
  }
  return g
}

function decodeUncached(mask: number, profile: KernelProfile): GfpInfo {
  const f = flagsOf(profile)
  const has = (name: string): boolean => {
    const bit = f[name] ?? 0
    return bit !== 0 && (mask & bit) === bit
  }
  return {
    mask: mask >>> 0,
    dma: has('__GFP_DMA'),
    dma32: has('__GFP_DMA32'),
    highmem: has('__GFP_HIGHMEM'),
    movable: has('__GFP_MOVABLE'),
    reclaimable: has('__GFP_RECLAIMABLE'),
    high: has('__GFP_HIGH'),
    io: has('__GFP_IO'),
    fs: has('__GFP_FS'),
    // 3.x: __GFP_WAIT is the "may sleep and reclaim" bit.
    directReclaim: has('__GFP_DIRECT_RECLAIM') || has('__GFP_WAIT'),
    kswapdReclaim: has('__GFP_KSWAPD_RECLAIM') || (has('__GFP_WAIT') && !has('__GFP_NO_KSWAPD')),
    nowarn: has('__GFP_NOWARN'),
    retryMayfail: has('__GFP_RETRY_MAYFAIL') || has('__GFP_REPEAT'),
    nofail: has('__GFP_NOFAIL'),
    noretry: has('__GFP_NORETRY'),
    memalloc: has('__GFP_MEMALLOC'),
    nomemalloc: has('__GFP_NOMEMALLOC'),
    thisnode: has('__GFP_THISNODE'),
    account: has('__GFP_ACCOUNT'),
    hardwall: has('__GFP_HARDWALL')
  }
}

const zoneCache = new WeakMap<MemModel, Map<number, number>>()

/**
 * gfp_zone(): the highest zone index the request may use. __GFP_DMA -> DMA, __GFP_DMA32 -> DMA32,
 * __GFP_HIGHMEM|__GFP_MOVABLE -> Movable (HighMem on 32-bit without Movable), __GFP_HIGHMEM ->
 * HighMem or Normal, otherwise Normal. Returns a slot index in `m.zoneSlots` (memoised).
 */
export function gfpZone(g: GfpInfo, m: MemModel): number {
  let byMask = zoneCache.get(m)
  if (byMask === undefined) zoneCache.set(m, (byMask = new Map<number, number>()))
  let z = byMask.get(g.mask)
  if (z === undefined) byMask.set(g.mask, (z = gfpZoneUncached(g, m)))
  return z
}

function gfpZoneUncached(g: GfpInfo, m: MemModel): number {
  const slot = (t: string): number => m.zoneSlots.indexOf(t as never)
  const normal = slot('Normal')
  if (g.dma) return Math.max(0, slot('DMA'))
  if (g.dma32) {
    const s = slot('DMA32')
    return s >= 0 ? s : normal
  }
  if (g.highmem && g.movable) {
    const s = slot('Movable')
    return s >= 0 ? s : Math.max(normal, slot('HighMem'))
  }
  if (g.highmem) return Math.max(normal, slot('HighMem'))
  return normal
}

/** The migrate type a request allocates from (gfp_migratetype). */
export function gfpMigrateType(g: GfpInfo): 'U' | 'M' | 'E' {
  if (g.movable) return 'M'
  if (g.reclaimable) return 'E'
  return 'U'
}

const parsed = new Map<string, number | null>()

/** parseGfpNames() memoised per profile layout ("GFP_KERNEL|__GFP_NOFAIL" -> mask, null if unknown). */
export function gfpFromText(text: string, profile: KernelProfile): number | null {
  const key = `${profile.format.gfpLayout}/${profile.format.gfpNames}/${text}`
  if (parsed.has(key)) return parsed.get(key) ?? null
  const m = parseGfpNames(text, profile)
  parsed.set(key, m)
  return m
}
