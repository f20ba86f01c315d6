/**
 * @module Zones and their buddy free areas, kept as counts (never one object per page).
 *
 * Units: pages. A zone's `free` is NR_FREE_PAGES (buddy lists only); pages parked on the
 * per-CPU lists (`pcp`) are free but excluded from `free`, as in the kernel.
 */
import type { ZonePcp } from './pcp.ts'

/** Zone types in zone-index order (include/linux/mmzone.h, x86_64 then the 32-bit HighMem). */
export type ZoneType = 'DMA' | 'DMA32' | 'Normal' | 'HighMem' | 'Movable'

/** MAX_ORDER / NR_PAGE_ORDERS: orders 0..10 on x86_64. */
export const NR_ORDERS = 11
/** PAGE_ALLOC_COSTLY_ORDER. */
export const COSTLY_ORDER = 3

/** Migrate types tracked on the free lists, with show_mem's letters. */
export const MIGRATE_TYPES = ['U', 'M', 'E', 'H'] as const
export type MigrateType = (typeof MIGRATE_TYPES)[number]
const MT_INDEX: Record<MigrateType, number> = { U: 0, M: 1, E: 2, H: 3 }

/** Per-zone LRU and stat counters (pages). */
export interface ZoneStats {
  activeAnon: number
  inactiveAnon: number
  activeFile: number
  inactiveFile: number
  unevictable: number
  mlocked: number
  /** NR_ZONE_WRITE_PENDING: dirty + writeback file pages. */
  writePending: number
  kernelStack: number
  pagetables: number
  slabReclaimable: number
  slabUnreclaimable: number
  /** Other kernel allocations that are on no LRU (drivers, vmalloc, ...). */
  kernelOther: number
  bounce: number
}

/** One zone of one node. */
export interface Zone {
  node: number
  type: ZoneType
  /** Index in node_zones (position in lowmem_reserve[]). */
  idx: number
  presentPages: number
  managedPages: number
  /** Managed pages when the boot-time watermarks / lowmem_reserve were set up. */
  initManagedPages: number
  wmarkMin: number
  wmarkLow: number
  wmarkHigh: number
  wmarkPromo: number
  boost: number
  /** lowmem_reserve[] indexed by the class zone index (one per zone slot). */
  lowmemReserve: number[]
  /** NR_FREE_PAGES. */
  free: number
  /** Free blocks per order and migrate type: freeArea[order][mt] = number of blocks. */
  freeArea: number[][]
  /** Pages on the per-CPU lists (all CPUs) and on the local CPU's list. */
  pcp: number
  localPcp: number
  /** The modelled per-CPU lists (pcp-lists.ts; set up on first use where the profile has them). */
  pcpLists?: ZonePcp
  stats: ZoneStats
  /** A fragmented zone (pinned pages in every pageblock): freed pages merge up to this order. */
  maxFreeOrder?: number
}

export function emptyZoneStats(): ZoneStats {
  return {
    activeAnon: 0,
    inactiveAnon: 0,
    activeFile: 0,
    inactiveFile: 0,
    unevictable: 0,
    mlocked: 0,
    writePending: 0,
    kernelStack: 0,
    pagetables: 0,
    slabReclaimable: 0,
    slabUnreclaimable: 0,
    kernelOther: 0,
    bounce: 0
  }
}

/** An empty free area (11 orders x 4 migrate types). */
export function emptyFreeArea(): number[][] {
  return Array.from({ length: NR_ORDERS }, () => [0, 0, 0, 0])
}

/**
 * Put `pages` free pages into the buddy lists as the largest blocks that fit (a freed range is
 * contiguous, so it coalesces), of migrate type `mt`. Updates `free`.
 */
export function freeToBuddy(
  zone: Zone,
  pages: number,
  mt: MigrateType = 'M',
  maxOrder = NR_ORDERS - 1
): void {
  if (pages <= 0) return
  if (zone.maxFreeOrder !== undefined) maxOrder = Math.min(maxOrder, zone.maxFreeOrder)
  zone.free += pages
  const t = MT_INDEX[mt]
  const area = zone.freeArea
  let rest = pages
  // Start at the highest order that can hold a block of what is left.
  const top = rest < 0x40000000 ? 31 - Math.clz32(rest) : NR_ORDERS - 1
  for (let order = Math.min(maxOrder, NR_ORDERS - 1, top); order >= 0 && rest > 0; order--) {
    const n = Math.floor(rest / (1 << order))
    if (n > 0) {
      const row = area[order] as number[]
      row[t] = (row[t] as number) + n
      rest -= n << order
    }
  }
}

/** pageblock_order on x86-64: blocks of this order or more change type whole when stolen. */
const PAGEBLOCK_ORDER = 9

/** The fallbacks[] table (6.11 mm/page_alloc.c): the migrate types each type may steal from. */
const FALLBACKS: Record<MigrateType, readonly number[]> = {
  U: [2, 1],
  E: [0, 1],
  M: [2, 0],
  H: []
}

/**
 * __rmqueue_smallest(): up to `blocks` blocks of `order` from type `t`'s lists, lowest order
 * first; a larger block is split and its unused halves go back on the same lists (expand()).
 * Returns the blocks taken.
 */
function takeSmallest(zone: Zone, blocks: number, order: number, t: number): number {
  const area = zone.freeArea
  let got = 0
  for (let o = order; o < NR_ORDERS; o++) {
    const row = area[o] as number[]
    const have = row[t] as number
    if (have === 0) continue
    // Each block of order o yields 2^(o-order) blocks of the wanted order.
    const per = 1 << (o - order)
    const rest = blocks - got
    if (have * per <= rest) {
      row[t] = 0
      got += have * per
      if (got === blocks) break
      continue
    }
    // The last block split leaves (useBlocks*per - rest) wanted-order blocks free.
    const useBlocks = Math.ceil(rest / per)
    row[t] = have - useBlocks
    got = blocks
    const leftover = (useBlocks * per - rest) << order
    if (leftover > 0) {
      zone.free -= leftover
      freeToBuddy(zone, leftover, MIGRATE_TYPES[t] ?? 'M')
    }
    break
  }
  zone.free -= got << order
  return got
}

/**
 * __rmqueue_fallback(), 6.11: the largest free block of a type fallbacks[] allows. A block of
 * pageblock_order or more changes type whole (steal_suitable_fallback() "take ownership",
 * change_pageblock_range()); so does one of half a pageblock, whose pageblock then has at least
 * half its pages free, enough for steal_suitable_fallback() to claim it (move_freepages_block();
 * the rest of that pageblock's free pages are not tracked). A converted block joins the
 * requested type's lists, whose smallest blocks are then taken as usual. A smaller block is
 * split where it is and its unused halves stay with their type (the single_page path; the
 * watermark boost that comes with it is not modelled). Returns the blocks taken (0 when
 * nothing could be stolen, -1 when a block changed type).
 */
function stealFallback(zone: Zone, blocks: number, order: number, mt: MigrateType): number {
  for (let o = NR_ORDERS - 1; o >= order; o--) {
    const row = zone.freeArea[o] as number[]
    const ft = FALLBACKS[mt].find(t => (row[t] ?? 0) > 0)
    if (ft === undefined) continue
    if (o >= PAGEBLOCK_ORDER - 1) {
      row[ft] = (row[ft] as number) - 1
      row[MT_INDEX[mt]] = (row[MT_INDEX[mt]] as number) + 1
      return -1
    }
    // Split this one block: what is not taken stays free with its type.
    row[ft] = (row[ft] as number) - 1
    const k = Math.min(blocks, 2 ** (o - order))
    const leftover = (2 ** (o - order) - k) << order
    zone.free -= (1 << o) - leftover
    if (leftover > 0) {
      zone.free -= leftover
      freeToBuddy(zone, leftover, MIGRATE_TYPES[ft] ?? 'M')
    }
    return k
  }
  return 0
}

/**
 * Take `pages` pages of order `order` blocks (count = pages >> order blocks) out of the buddy
 * lists (__rmqueue(), 6.11): the requested type's smallest blocks first (__rmqueue_smallest()),
 * then what __rmqueue_fallback() steals, then the highatomic reserve. Returns the pages taken.
 */
export function takeFromBuddy(zone: Zone, pages: number, order: number, mt: MigrateType): number {
  const blocks = Math.floor(pages / (1 << order))
  const t = MT_INDEX[mt]
  let got = takeSmallest(zone, blocks, order, t)
  while (got < blocks) {
    const stolen = stealFallback(zone, blocks - got, order, mt)
    if (stolen === 0) break
    got += stolen > 0 ? stolen : takeSmallest(zone, blocks - got, order, t)
  }
  if (got < blocks && mt !== 'H') got += takeSmallest(zone, blocks - got, order, MT_INDEX.H)
  return got << order
}

/** Is there a free block of at least `order` in any of the pcp migrate types (U, M, E)? */
export function hasFreeBlock(zone: Zone, order: number): boolean {
  for (let o = order; o < NR_ORDERS; o++) {
    const row = zone.freeArea[o]
    if (row !== undefined && ((row[0] ?? 0) > 0 || (row[1] ?? 0) > 0 || (row[2] ?? 0) > 0))
      return true
  }
  return false
}

/** The buddy line of show_mem: block count per order and the letters of non-empty types. */
export function buddySummary(zone: Zone): { count: number; types: string }[] {
  return zone.freeArea.map(row => {
    let count = 0
    let types = ''
    for (let t = 0; t < MIGRATE_TYPES.length; t++) {
      const n = row[t] ?? 0
      count += n
      if (n > 0) types += MIGRATE_TYPES[t] ?? ''
    }
    return { count, types }
  })
}

/** Sum of all buddy blocks in pages (should equal `free`). */
export function buddyPages(zone: Zone): number {
  let sum = 0
  zone.freeArea.forEach((row, order) => {
    for (const n of row) sum += n * 2 ** order
  })
  return sum
}
