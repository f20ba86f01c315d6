/**
 * The per-CPU page lists of 6.11 mm/page_alloc.c: nr_pcp_alloc() (batch << alloc_factor, high
 * raised while the zone is above its high watermark), rmqueue_pcplist() behind the zone's
 * watermark check, decay_pcp_high() and drain_all_pages(). Zone sizes are seed 003's Normal
 * zone (2 CPUs): batch 63, high_min 1845, high_max 95917.
 */
import { describe, expect, it } from 'vitest'
import {
  decayPcpHigh,
  drainAllPages,
  nrPcpAlloc,
  PCP_BATCH_SCALE_MAX,
  takeViaPcp,
  zonePcp
} from '../../../src/kernel/mm/pcp-lists.ts'
import { ALLOC_WMARK_MIN } from '../../../src/kernel/mm/watermark-check.ts'
import { buddyPages, type Zone } from '../../../src/kernel/mm/zone.ts'
import { seed003Normal as normal } from './seed003-zone.ts'

const SECOND = 1_000_000_000

/** Take `pages` movable pages on CPU 1 at the min watermark (ALLOC_WMARK_MIN). */
function take(z: Zone, pages: number): number {
  const zp = zonePcp(z, 2, 2, 0)
  return takeViaPcp(z, zp, 1, { pages, mt: 'M', nowNs: 0, classZone: 2, flags: ALLOC_WMARK_MIN })
}

describe('nr_pcp_alloc(), 6.11', () => {
  it('doubles the refill on each one while the CPU only allocates, up to batch << 5', () => {
    const z = normal(100000)
    const zp = zonePcp(z, 2, 2, 0)
    expect(zp.sizes).toEqual({ batch: 63, highMin: 1845, highMax: 95917 })
    const p = zp.cpus[1]!
    const batches = Array.from({ length: 7 }, () => nrPcpAlloc(p, zp))
    expect(batches).toEqual([63, 126, 252, 504, 1008, 2016, 2016])
    expect(p.allocFactor).toBe(PCP_BATCH_SCALE_MAX)
    // pcp->high was raised by each batch (the zone is above its high watermark).
    expect(p.high).toBe(1845 + 63 + 126 + 252 + 504 + 1008 + 2016 + 2016)
  })

  it('below the high watermark (ZONE_BELOW_HIGH) high stays and bounds the batch', () => {
    const z = normal(100000)
    const zp = zonePcp(z, 2, 2, 0)
    zp.belowHigh = true
    const p = zp.cpus[1]!
    p.allocFactor = 5
    p.count = 1000
    // max(high - count - batch, batch) = 1845 - 1000 - 63.
    expect(nrPcpAlloc(p, zp)).toBe(782)
    expect(p.high).toBe(1845)
  })
})

describe('rmqueue_pcplist() behind the watermark check, 6.11', () => {
  it('a refill is taken whole from the buddy lists: the zone may end below min', () => {
    const z = normal(2200)
    const zp = zonePcp(z, 2, 2, 0)
    zp.cpus[1]!.allocFactor = 5
    zp.cpus[1]!.high = 10000
    // Free 2200 is above min (2157): the first page refills 2016 pages and the zone drops to
    // 184, below min, so the next page fails the check and the rest stays on the list.
    expect(take(z, 100)).toBe(1)
    expect(z.free).toBe(184)
    expect(z.pcp).toBe(2015)
    expect(zp.cpus[1]!.count).toBe(2015)
    expect(buddyPages(z)).toBe(z.free)
  })

  it('pages on the list serve while the zone passes the check, without touching free', () => {
    const z = normal(10000)
    expect(take(z, 1)).toBe(1) // refill 63, one taken
    const free = z.free
    expect(take(z, 62)).toBe(62)
    expect(z.free).toBe(free)
    expect(z.pcp).toBe(0)
    // The next refill is 126 (alloc_factor 1).
    expect(take(z, 1)).toBe(1)
    expect(z.free).toBe(free - 126)
    expect(z.free + z.pcp).toBe(10000 - 64)
  })

  it('the zone is marked below high when an allocation sees it under its high watermark', () => {
    const z = normal(5300)
    take(z, 200)
    expect(z.pcpLists?.belowHigh).toBe(true)
  })
})

describe('decay_pcp_high() and drain_all_pages(), 6.11', () => {
  it('each second high falls by an eighth and what is above it goes back', () => {
    const z = normal(100000)
    const zp = zonePcp(z, 2, 2, 0)
    const p = zp.cpus[1]!
    take(z, 1)
    p.high = 8000
    p.count = p.lists[1] = 7000
    z.pcp = 7000
    z.free -= 6938
    decayPcpHigh(z, p, zp, SECOND)
    expect(p.high).toBe(7000)
    expect(p.count).toBe(7000)
    decayPcpHigh(z, p, zp, 2 * SECOND)
    expect(p.high).toBe(7000 - (7000 >> 3))
    expect(p.count).toBe(p.high)
    expect(z.free + z.pcp).toBe(100000 - 1)
  })

  it('drain_all_pages() returns every CPU list to the buddy allocator', () => {
    const z = normal(2200)
    zonePcp(z, 2, 2, 0).cpus[1]!.allocFactor = 5
    take(z, 100)
    drainAllPages([z])
    expect(z.pcp).toBe(0)
    expect(z.free).toBe(2199)
    expect(buddyPages(z)).toBe(2199)
  })
})
