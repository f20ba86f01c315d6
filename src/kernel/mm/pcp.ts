/**
 * @module The per-CPU page lists' sizes (struct per_cpu_pages): how many pages one CPU moves
 * between its list and the buddy allocator at a time (`batch`) and how many it may hold
 * (`high`, between `high_min` and `high_max` since 6.7, which tune it at run time). Pages on
 * these lists are free but not counted in the zone's `free:`; show_free_areas() prints them as
 * `free_pcp` (all CPUs) and `local_pcp` (the printing CPU).
 * What the lists hold is modelled by pcp-lists.ts on profiles with alloc.pcpRefill
 * 'allocFactor' (6.7+); elsewhere a scenario may park pages there (zone `pcp`/`localPcp`).
 */

/** A zone's per-CPU list sizes, in pages. */
export interface PcpSizes {
  batch: number
  highMin: number
  highMax: number
}

/** struct per_cpu_pages of one CPU in one zone, order-0 lists only. */
export interface PcpList {
  /** Pages on the order-0 list of each pcp migrate type (U, M, E). */
  lists: number[]
  /** pcp->count. */
  count: number
  /** pcp->high (clamped to high_min..high_max where the kernel clamps it). */
  high: number
  /** pcp->alloc_factor: refills are batch << alloc_factor. */
  allocFactor: number
  /** pcp->free_count: pages freed in a row (halved on each allocation). */
  freeCount: number
  /** When vmstat_update() last decayed this list (simulated ns). */
  decayNs: number
}

/** A zone's per-CPU lists and the zone flag that steers their high. */
export interface ZonePcp {
  sizes: PcpSizes
  cpus: PcpList[]
  /** ZONE_BELOW_HIGH: an allocation saw the zone below its high watermark. */
  belowHigh: boolean
}

/** MIN_PERCPU_PAGELIST_HIGH_FRACTION: high_max uses 1/8 of the zone's managed pages. */
const HIGH_MAX_FRACTION = 8

/** rounddown_pow_of_two() for n >= 1. */
function roundDownPow2(n: number): number {
  return 2 ** Math.floor(Math.log2(n))
}

/**
 * zone_batchsize(), 6.11 mm/page_alloc.c (same since 5.x): about 0.1 % of the zone or 1 MiB,
 * whichever is smaller, divided by 4, then clamped to 2^n - 1; the pageset uses at least 1
 * (zone_set_pageset_high_and_batch()).
 */
export function zoneBatchsize(managedPages: number, pageSize = 4096): number {
  let batch = Math.min(Math.floor(managedPages / 1024), Math.floor((1 << 20) / pageSize))
  batch = Math.floor(batch / 4)
  if (batch < 1) batch = 1
  batch = roundDownPow2(batch + Math.floor(batch / 2)) - 1
  return Math.max(1, batch)
}

/**
 * zone_highsize(), 6.7-6.11 mm/page_alloc.c: the low watermark (high_min) or managed/8
 * (high_max) split over the node's CPUs, at least four batches.
 */
function zoneHighsize(totalPages: number, batch: number, nodeCpus: number): number {
  const split = Math.max(1, nodeCpus)
  return Math.max(Math.floor(totalPages / split), batch << 2)
}

/** A zone's batch, high_min and high_max (zone_set_pageset_high_and_batch(), 6.7-6.11). */
export function pcpSizes(managedPages: number, lowWmark: number, nodeCpus: number): PcpSizes {
  const batch = zoneBatchsize(managedPages)
  return {
    batch,
    highMin: zoneHighsize(lowWmark, batch, nodeCpus),
    highMax: zoneHighsize(Math.floor(managedPages / HIGH_MAX_FRACTION), batch, nodeCpus)
  }
}
