import { describe, expect, it } from 'vitest'
import { bootScenario } from '../../../src/sim/build.ts'
import { parseScenario } from '../../../src/sim/index.ts'
import { prof } from '../../kernel/fixtures.ts'

const yaml = (dmaKernel: string): string => `
name: kernel memory per zone
profile: '6.11'
machine:
  nodes:
    - zones:
        - { type: DMA, present: 16M, managed: 15M${dmaKernel} }
        - { type: DMA32, present: 240M }
  kernel: { other: 2M }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
`

function otherByZone(dmaKernel: string): { type: string; other: number; free: number }[] {
  const w = bootScenario(parseScenario(yaml(dmaKernel), 'k.yaml'), prof('6.11')).world
  return w.zones.map(z => ({ type: z.type, other: z.stats.kernelOther, free: z.free }))
}

describe('boot: the kernel memory a zone names (zone kernelOther)', () => {
  it('comes out of that zone and out of kernel.other, so the total is unchanged', () => {
    const plain = otherByZone('')
    const dma = otherByZone(', kernelOther: 1M')
    expect(plain.map(z => z.other)).toEqual([0, 512])
    expect(dma.map(z => z.other)).toEqual([256, 256])
    expect(dma[0]!.free).toBe(plain[0]!.free - 256)
    expect(dma[1]!.free).toBe(plain[1]!.free + 256)
  })
})
