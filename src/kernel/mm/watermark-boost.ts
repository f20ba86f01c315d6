/**
 * @module Watermark boosting (>= 5.0; 6.1 mm/page_alloc.c boost_watermark(), mm/vmscan.c
 * balance_pgdat()). When an allocation steals a pageblock of another migratetype, the zone's
 * watermark_boost grows by a pageblock, capped at watermark_boost_factor / 10000 of the high
 * watermark; every watermark the allocator checks (wmark_pages()) includes it, and kswapd takes
 * off, at the end of a pass, the boost it saw at the start. A hopeless node (kswapd_failures >=
 * MAX_RECLAIM_RETRIES) never wakes kswapd, so its boost stays.
 *
 * Units: pages.
 */
import type { MemNode } from './model.ts'
import type { Zone } from './zone.ts'

/** pageblock_nr_pages on x86-64 (pageblock_order 9). */
export const PAGEBLOCK_PAGES = 512

/**
 * boost_watermark(), 6.1: false (no boost) when the factor is 0, the zone has fewer than four
 * pageblocks managed, or its high watermark is not set up yet; else the boost grows by a
 * pageblock up to max(pageblock, high * factor / 10000).
 */
export function boostWatermark(z: Zone, boostFactor: number): boolean {
  if (boostFactor === 0) return false
  if (PAGEBLOCK_PAGES * 4 > z.managedPages) return false
  const cap = Math.floor((z.wmarkHigh * boostFactor) / 10000)
  if (cap === 0) return false
  z.boost = Math.min(z.boost + PAGEBLOCK_PAGES, Math.max(PAGEBLOCK_PAGES, cap))
  return true
}

/** pgdat_watermark_boosted(), 6.1: a zone up to classZone has a boost. */
export function nodeBoosted(n: MemNode, classZone: number): boolean {
  return n.zones.some(z => z.idx <= classZone && z.boost > 0)
}

/** The end of balance_pgdat(), 6.1: the boost the pass accounted for is taken off. */
export function clearBoostAfterPass(n: MemNode, classZone: number): void {
  for (const z of n.zones) if (z.idx <= classZone) z.boost = 0
}
