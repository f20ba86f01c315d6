import { describe, expect, it } from 'vitest'
import { findProfile } from '../../../src/kernel/profiles.ts'
import { bootMemory } from '../../../src/sim/boot/memory.ts'
import { ScenarioSpec } from '../../../src/sim/schema.ts'

const profile = findProfile('6.1')!

/** The Debian 6.1 cloud guest's zones (256 MiB, QEMU): managed pages after the initrd was freed. */
function guest(captured: boolean): ReturnType<typeof bootMemory> {
  const dma = { type: 'DMA' as const, present: 3998, managed: 3840 }
  const dma32 = { type: 'DMA32' as const, present: 61312, managed: 51816 }
  return bootMemory(
    ScenarioSpec.parse({
      name: 'guest',
      profile: '6.1',
      machine: {
        nodes: [
          {
            zones: captured
              ? [
                  {
                    ...dma,
                    watermarks: { min: 33, low: 41, high: 49 },
                    lowmemReserve: [0, 192, 192, 192, 192]
                  },
                  {
                    ...dma32,
                    watermarks: { min: 427, low: 533, high: 639 },
                    lowmemReserve: [0, 0, 0, 0, 0]
                  }
                ]
              : [dma, dma32]
          }
        ]
      },
      sysctl: { 'vm.min_free_kbytes': 1840 },
      processes: []
    }),
    profile
  )
}

describe('bootMemory: watermarks', () => {
  it("computes min/low/high and lowmem_reserve from today's managed pages by default", () => {
    const [dma] = guest(false).nodes[0]!.zones
    expect(dma!.wmarkMin).not.toBe(33)
    expect(dma!.lowmemReserve[1]).toBe(Math.floor(51816 / 256))
  })

  it('keeps the ones the kernel set at boot (init_per_zone_wmark_min(), 6.1) when the machine gives them', () => {
    const [dma, dma32] = guest(true).nodes[0]!.zones
    expect([dma!.wmarkMin, dma!.wmarkLow, dma!.wmarkHigh]).toEqual([33, 41, 49])
    expect([dma32!.wmarkMin, dma32!.wmarkLow, dma32!.wmarkHigh]).toEqual([427, 533, 639])
    expect(dma!.lowmemReserve).toEqual([0, 192, 192, 192, 192])
  })
})
