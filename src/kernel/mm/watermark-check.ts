/**
 * @module __zone_watermark_ok() and the alloc_flags that steer it (mm/internal.h names).
 *
 * Units: pages.
 */
import { hasFreeBlock, type Zone } from './zone.ts'

/** alloc_flags bits (mm/internal.h); the low two bits select the watermark. */
export const ALLOC_WMARK_MIN = 0
export const ALLOC_WMARK_LOW = 1
export const ALLOC_WMARK_HIGH = 2
export const ALLOC_WMARK_MASK = 3
export const ALLOC_NO_WATERMARKS = 4
export const ALLOC_OOM = 8
/** __GFP_HIGH (ALLOC_HIGH before 6.3). */
export const ALLOC_MIN_RESERVE = 16
/** !__GFP_DIRECT_RECLAIM (ALLOC_HARDER before 6.3). */
export const ALLOC_NON_BLOCK = 32
export const ALLOC_CPUSET = 64

/** The watermark (pages, boost included) an alloc_flags value selects. */
export function markOf(z: Zone, flags: number): number {
  const w = flags & ALLOC_WMARK_MASK
  const base = w === ALLOC_WMARK_MIN ? z.wmarkMin : w === ALLOC_WMARK_LOW ? z.wmarkLow : z.wmarkHigh
  return base + z.boost
}

/**
 * __zone_watermark_ok(): free (minus the rest of the block) must stay above the mark lowered
 * by the reserve rights, plus lowmem_reserve[classZone]; an order > 0 request also needs a
 * free block of that order.
 */
export function zoneWatermarkOk(
  z: Zone,
  order: number,
  mark: number,
  classZone: number,
  flags: number,
  free: number = z.free
): boolean {
  if ((flags & ALLOC_NO_WATERMARKS) !== 0) return z.free >= 2 ** order
  const f = free - (2 ** order - 1)
  let min = mark
  if ((flags & ALLOC_MIN_RESERVE) !== 0) {
    min -= Math.floor(min / 2)
    if ((flags & ALLOC_NON_BLOCK) !== 0) min -= Math.floor(min / 4)
  }
  if ((flags & ALLOC_OOM) !== 0) min -= Math.floor(min / 2)
  if (f <= min + (z.lowmemReserve[classZone] ?? 0)) return false
  if (order === 0) return true
  return hasFreeBlock(z, order)
}

/**
 * How many blocks of `order` a zone can hand out in a row before the watermark check fails
 * (closed form of repeating zoneWatermarkOk + take). Bounded by the blocks the buddy lists can
 * produce.
 */
export function blocksAvailable(z: Zone, order: number, classZone: number, flags: number): number {
  const size = 2 ** order
  // Order 0: any free page will do (fallback steals from every list).
  let byBlocks = order === 0 ? z.free : 0
  if (order > 0)
    for (let o = order; o < z.freeArea.length; o++) {
      const row = z.freeArea[o]
      if (row === undefined) continue
      byBlocks += ((row[0] ?? 0) + (row[1] ?? 0) + (row[2] ?? 0)) * 2 ** (o - order)
    }
  if ((flags & ALLOC_NO_WATERMARKS) !== 0) return Math.min(byBlocks, Math.floor(z.free / size))
  let min = markOf(z, flags)
  if ((flags & ALLOC_MIN_RESERVE) !== 0) {
    min -= Math.floor(min / 2)
    if ((flags & ALLOC_NON_BLOCK) !== 0) min -= Math.floor(min / 4)
  }
  if ((flags & ALLOC_OOM) !== 0) min -= Math.floor(min / 2)
  const limit = min + (z.lowmemReserve[classZone] ?? 0)
  // i-th block (0-based) is allowed while free - i*size - (size-1) > limit.
  const room = z.free - (size - 1) - limit
  const byMark = room <= 0 ? 0 : Math.ceil(room / size)
  return Math.max(0, Math.min(byMark, byBlocks))
}
