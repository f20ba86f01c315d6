/**
 * Order-0 frees through the per-CPU lists, 6.11 mm/page_alloc.c free_unref_page_commit() with
 * nr_pcp_high() and nr_pcp_free(): pages go on the freeing CPU's list, alloc_factor halves per
 * free, free_count grows up to batch << 5, and a list that reaches its high drains the pages
 * freed in a row (at least a batch) to the buddy allocator. Seed 003's Normal zone (2 CPUs):
 * batch 63, high_min 1845, high_max 95917.
 */
import { describe, expect, it } from 'vitest'
import { freeViaPcp, zonePcp } from '../../../src/kernel/mm/pcp-lists.ts'
import { buddyPages, type Zone } from '../../../src/kernel/mm/zone.ts'
import { seed003Normal as normal } from './seed003-zone.ts'

const free = (z: Zone, pages: number, reclaimActive = false) =>
  freeViaPcp(z, zonePcp(z, 2, 2, 0), 1, { pages, mt: 'M', reclaimActive })

describe('free_unref_page_commit(), 6.11', () => {
  it('keeps frees on the list below its high, none in NR_FREE_PAGES', () => {
    const z = normal(100000)
    free(z, 1000)
    const p = z.pcpLists!.cpus[1]!
    expect(p.count).toBe(1000)
    expect(z.pcp).toBe(1000)
    expect(z.free).toBe(100000)
    expect(p.freeCount).toBe(1000)
  })

  it('a full list drains what was freed in a row and raises high to free_count + batch', () => {
    const z = normal(100000)
    free(z, 1845)
    const p = z.pcpLists!.cpus[1]!
    // count reached high_min (1845): nr_pcp_free() = clamp(free_count 1845, 63, 1845 - 63).
    expect(p.count).toBe(1845 - 1782)
    expect(z.free).toBe(100000 + 1782)
    expect(p.high).toBe(1845 + 63)
    expect(buddyPages(z)).toBe(z.free)
  })

  it('free_count stops at batch << 5; pages are conserved over a long run of frees', () => {
    const z = normal(100000)
    free(z, 200000)
    const p = z.pcpLists!.cpus[1]!
    expect(p.freeCount).toBe(63 << 5)
    expect(z.free + z.pcp).toBe(300000)
    expect(p.count).toBeLessThan(p.high)
  })

  it('while kswapd reclaims the zone (ZONE_RECLAIM_ACTIVE) the list drains at 4 batches', () => {
    const z = normal(100000)
    free(z, 300, true)
    const p = z.pcpLists!.cpus[1]!
    expect(p.count).toBeLessThan(63 << 2)
    expect(p.high).toBe(1845)
    expect(z.free + z.pcp).toBe(100300)
  })
})
