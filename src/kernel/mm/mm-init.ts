/**
 * @module Memory layout at boot (mm/mm_init.c, arch/x86/mm/init.c): which zone types a kernel
 * has (enum zone_type for the configuration), how x86 splits RAM into zones, and a zone and a
 * node as free_area_init() leaves them (no watermarks yet, nothing free: memblock still owns the
 * pages until they are released to the buddy allocator).
 *
 * Units: pages.
 */
import type { MemNode } from './model.ts'
import { emptyFreeArea, emptyZoneStats, type Zone, type ZoneType } from './zone.ts'

/** A zone type slot, including ZONE_DEVICE (never holds RAM the allocator hands out). */
export type ZoneSlot = ZoneType | 'Device'

/** enum zone_type of an x86-64 kernel (CONFIG_ZONE_DMA, CONFIG_ZONE_DMA32, CONFIG_ZONE_DEVICE). */
export const X86_64_ZONE_SLOTS: readonly ZoneSlot[] = [
  'DMA',
  'DMA32',
  'Normal',
  'Movable',
  'Device'
]
/** enum zone_type of a 32-bit x86 kernel with CONFIG_HIGHMEM. */
export const X86_32_ZONE_SLOTS: readonly ZoneSlot[] = ['DMA', 'Normal', 'HighMem', 'Movable']

/** Share of a zone's present pages that is managed when nothing says otherwise (memmap etc.). */
export const DEFAULT_MANAGED_SHARE = 0.985

/** A zone's present and managed pages. */
export interface ZoneSize {
  type: ZoneType
  present: number
  managed: number
}

/**
 * zone_sizes_init() on x86-64 for one node of `total` pages: ZONE_DMA below 16 MiB (3998 present
 * pages, 3840 managed as on real machines), ZONE_DMA32 below 4 GiB, ZONE_NORMAL above.
 */
export function x86ZoneSizes(total: number): ZoneSize[] {
  const dma = Math.min(3998, total)
  const dma32 = Math.max(0, Math.min(total - dma, 520160))
  const normal = Math.max(0, total - dma - dma32)
  const out: ZoneSize[] = [
    { type: 'DMA', present: dma, managed: Math.min(dma, 3840) },
    { type: 'DMA32', present: dma32, managed: Math.floor(dma32 * DEFAULT_MANAGED_SHARE) }
  ]
  if (normal > 0)
    out.push({
      type: 'Normal',
      present: normal,
      managed: Math.floor(normal * DEFAULT_MANAGED_SHARE)
    })
  return out
}

/** What a zone is made of at boot. */
export interface ZoneInit {
  node: number
  type: ZoneType
  /** Its slot in `slots` (zone_idx()). */
  idx: number
  present: number
  managed: number
  /** Managed pages when watermarks were first set up (before e.g. the initrd was freed). */
  initManaged: number
  /** Number of zone slots (the length of lowmem_reserve[]). */
  slots: number
}

/** A zone after free_area_init(): sized, empty, no watermarks. */
export function initZone(z: ZoneInit): Zone {
  return {
    node: z.node,
    type: z.type,
    idx: z.idx,
    presentPages: z.present,
    managedPages: z.managed,
    initManagedPages: z.initManaged,
    wmarkMin: 0,
    wmarkLow: 0,
    wmarkHigh: 0,
    wmarkPromo: 0,
    boost: 0,
    lowmemReserve: new Array<number>(z.slots).fill(0),
    free: 0,
    freeArea: emptyFreeArea(),
    pcp: 0,
    localPcp: 0,
    stats: emptyZoneStats()
  }
}

/** A node (pg_data_t) after free_area_init_node(): zeroed counters, kswapd asleep. */
export function initNode(id: number, zones: Zone[]): MemNode {
  return {
    id,
    zones,
    counters: {
      mapped: 0,
      dirty: 0,
      writeback: 0,
      shmem: 0,
      isolatedAnon: 0,
      isolatedFile: 0,
      filePages: 0,
      swapCache: 0,
      anonThp: 0
    },
    kswapd: { node: id, awake: false, order: 0, classZone: 0, failures: 0, nextRunNs: 0 }
  }
}
