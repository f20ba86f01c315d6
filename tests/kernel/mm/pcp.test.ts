/**
 * The per-CPU list sizes of seed 003's zones (6.11, 2 CPUs on node 0; managed pages and low
 * watermarks from its report), and the recorded list contents within them.
 */
import { describe, expect, it } from 'vitest'
import { pcpSizes, zoneBatchsize } from '../../../src/kernel/mm/pcp.ts'

const kb = (n: number): number => n / 4

describe('zone_batchsize() / zone_highsize(), 6.11', () => {
  it('batch: 63 from 1 GiB of zone up, 1 for a 15 MiB DMA zone', () => {
    expect(zoneBatchsize(kb(6138744))).toBe(63)
    expect(zoneBatchsize(kb(1964520))).toBe(63)
    expect(zoneBatchsize(262144 / 2)).toBe(31) // 512 MiB
    expect(zoneBatchsize(kb(15360))).toBe(1)
  })

  it("seed 003's zones: high_min from the low watermark, high_max from managed/8", () => {
    expect(pcpSizes(kb(15360), kb(32), 2)).toEqual({ batch: 1, highMin: 4, highMax: 240 })
    expect(pcpSizes(kb(1964520), kb(4668), 2)).toEqual({ batch: 63, highMin: 583, highMax: 30695 })
    expect(pcpSizes(kb(6138744), kb(14764), 2)).toEqual({
      batch: 63,
      highMin: 1845,
      highMax: 95917
    })
  })

  it("the seed's recorded per-CPU lists lie between 0 and high_max on each CPU", () => {
    const zones = [
      { managed: 15360, low: 32, pcp: 8, local: 8 },
      { managed: 1964520, low: 4668, pcp: 14484, local: 13260 },
      { managed: 6138744, low: 14764, pcp: 19972, local: 14156 }
    ]
    for (const z of zones) {
      const { highMax } = pcpSizes(kb(z.managed), kb(z.low), 2)
      for (const cpu of [kb(z.local), kb(z.pcp - z.local)]) {
        expect(cpu).toBeGreaterThanOrEqual(0)
        expect(cpu).toBeLessThanOrEqual(highMax)
      }
    }
  })
})
