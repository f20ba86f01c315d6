/**
 * @module The Mem-Info layouts of the built-in profiles (format.showMem): the fields each
 * generation of show_free_areas() / __show_mem() prints. A declarative table.
 */
import type { ShowMemFormat } from './profile-types.ts'

/** 3.x show_free_areas(): LRU counters per zone. */
export const showMem3x: ShowMemFormat = {
  layout: 'zoneLru',
  unstable: true,
  kernelStack: 'zone',
  pagetables: 'zone',
  secPagetables: false,
  kernelMiscReclaimable: false,
  thpFieldSpace: false,
  writebackTmp: true,
  balloon: false,
  zoneBoost: false,
  reservedHighatomic: false,
  freeHighatomic: false,
  zoneManaged: true,
  freeCma: true,
  // setup_per_zone_lowmem_reserve(), 3.x x86_64: DMA, DMA32, Normal, Movable (no ZONE_DEVICE).
  lowmemReserveEntries: 4,
  // show_mem(), 3.13 (cadvisor_2.log) and el7: HighMem/MovableOnly.
  pageCounts: 'highmemMovable',
  hugepagesLines: true
}
/** 3.10.0 vanilla show_mem(): lib/show_mem.c 3.10 still walks every pfn (shared/non-shared). */
export const showMem3_10_0: ShowMemFormat = { ...showMem3x, pageCounts: 'sharedNonShared' }
/** 2.6.32-642 show_free_areas(): no managed:, no free_cma:, no hugepages lines. */
export const showMemRhel6: ShowMemFormat = {
  ...showMem3_10_0,
  zoneManaged: false,
  freeCma: false,
  hugepagesLines: false
}
/** 4.19 show_free_areas(): the per-node line. */
export const showMem4_19: ShowMemFormat = {
  ...showMem3x,
  layout: 'nodeLru',
  thpFieldSpace: true,
  lowmemReserveEntries: 5
}
/** 5.10 show_free_areas(): no unstable, kernel_stack per node, reserved_highatomic. */
export const showMem5_10: ShowMemFormat = {
  ...showMem4_19,
  unstable: false,
  kernelStack: 'node',
  reservedHighatomic: true
}
/** 5.15 show_free_areas() (5.15.100): a kernel_misc_reclaimable line, pagetables per node. */
export const showMem5_15: ShowMemFormat = {
  ...showMem5_10,
  pagetables: 'node',
  kernelMiscReclaimable: true
}
/** 6.1 __show_mem(): sec_pagetables, zone boost. */
export const showMem6_1: ShowMemFormat = {
  ...showMem5_15,
  secPagetables: true,
  zoneBoost: true
}
/** 6.6 __show_mem(): the THP fields without the space. */
export const showMem6_6: ShowMemFormat = { ...showMem6_1, thpFieldSpace: false }
/** 6.18 __show_mem(): no writeback_tmp, Balloon, free_highatomic and zspages. */
export const showMem6_18: ShowMemFormat = {
  ...showMem6_6,
  writebackTmp: false,
  balloon: true,
  freeHighatomic: true
}
