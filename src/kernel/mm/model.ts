/**
 * @module The simulated machine's memory: NUMA nodes with zones, swap devices, the page cache,
 * hugetlb pools, the vm sysctls and the commit accounting. Plain data, counts only.
 *
 * Units: pages (4 KiB) unless a name ends in Kb.
 */
import type { Zone, ZoneType } from './zone.ts'

/** A swap device (swapon). */
export interface SwapDevice {
  name: string
  pages: number
  used: number
  priority: number
  active: boolean
}

/** A hugetlb pool of one size on one node. */
export interface HugePool {
  node: number
  sizeKb: number
  total: number
  free: number
  surp: number
}

/** kswapd of one node: when it is awake and its failure count. */
export interface Kswapd {
  node: number
  awake: boolean
  /** Order and class zone it was woken for. */
  order: number
  classZone: number
  /** kswapd_failures: all_unreclaimable when >= 16. */
  failures: number
  nextRunNs: number
}

/** Node-level counters show_mem prints on the Node line (pages). */
export interface NodeCounters {
  mapped: number
  dirty: number
  writeback: number
  shmem: number
  isolatedAnon: number
  isolatedFile: number
  /** Pages of file cache (NR_FILE_PAGES, includes shmem and swap cache). */
  filePages: number
  swapCache: number
  anonThp: number
}

/** A NUMA node: its zones, node counters and kswapd. */
export interface MemNode {
  id: number
  zones: Zone[]
  counters: NodeCounters
  kswapd: Kswapd
}

/** vm.* sysctls the memory model reads. */
export interface VmSysctls {
  minFreeKbytes: number
  /** True once written by the user (recalculation then keeps it). */
  minFreeKbytesUser: boolean
  watermarkScaleFactor: number
  watermarkBoostFactor: number
  lowmemReserveRatio: number[]
  swappiness: number
  overcommitMemory: 0 | 1 | 2
  overcommitRatio: number
  overcommitKbytes: number
  userReserveKbytes: number
  adminReserveKbytes: number
  /** /sys/kernel/mm/lru_gen/min_ttl_ms (6.1+; 0 = off). */
  lruGenMinTtlMs?: number
  /** vm.dirty_background_ratio (percent of dirtyable memory; default 10). */
  dirtyBackgroundRatio?: number
}

/** The whole memory model of one machine. */
export interface MemModel {
  /** Zone type of each zone slot of a node (index = zone idx), e.g. DMA, DMA32, Normal, Movable, Device. */
  zoneSlots: readonly (ZoneType | 'Device')[]
  nodes: MemNode[]
  swap: SwapDevice[]
  huge: HugePool[]
  vm: VmSysctls
  /** vm_committed_as in pages. */
  committedAs: number
  /** "pages RAM" and "pages reserved" as show_mem prints them. */
  pagesRam: number
  pagesReserved: number
  /** kernel_misc_reclaimable and other rarely-moving global counters. */
  kernelMiscReclaimable: number
  /** Highatomic reserve (pages) per zone is not modelled beyond 0. */
}

/** Every zone of every node in node order then zone order. */
export function allZones(m: MemModel): Zone[] {
  const out: Zone[] = []
  for (const n of m.nodes) for (const z of n.zones) out.push(z)
  return out
}

/** totalram_pages: the sum of managed pages. */
export function totalRamPages(m: MemModel): number {
  let s = 0
  for (const n of m.nodes) for (const z of n.zones) s += z.managedPages
  return s
}

/** total_swap_pages over active devices. */
export function totalSwapPages(m: MemModel): number {
  let s = 0
  for (const d of m.swap) if (d.active) s += d.pages
  return s
}

/** nr_swap_pages: free swap slots. */
export function freeSwapPages(m: MemModel): number {
  let s = 0
  for (const d of m.swap) if (d.active) s += d.pages - d.used
  return s
}

/** NR_FREE_PAGES over all zones. */
export function totalFreePages(m: MemModel): number {
  let s = 0
  for (const n of m.nodes) for (const z of n.zones) s += z.free
  return s
}
