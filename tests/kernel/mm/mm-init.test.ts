import { describe, expect, it } from 'vitest'
import { initZone, x86ZoneSizes, X86_64_ZONE_SLOTS } from '../../../src/kernel/mm/mm-init.ts'
import { bootReserveKbytes } from '../../../src/kernel/mm/overcommit.ts'

describe('zone_sizes_init() on x86-64', () => {
  it('puts the first 16 MiB in DMA and the rest below 4 GiB in DMA32', () => {
    expect(x86ZoneSizes(262144)).toEqual([
      { type: 'DMA', present: 3998, managed: 3840 },
      { type: 'DMA32', present: 258146, managed: Math.floor(258146 * 0.985) }
    ])
  })

  it('puts memory above 4 GiB in Normal', () => {
    const zones = x86ZoneSizes(4 * 262144)
    expect(zones.map(z => z.type)).toEqual(['DMA', 'DMA32', 'Normal'])
    expect(zones.reduce((a, z) => a + z.present, 0)).toBe(4 * 262144)
    expect(zones[1]?.present).toBe(520160)
  })

  it('leaves a new zone empty with one lowmem_reserve slot per zone type', () => {
    const z = initZone({
      node: 0,
      type: 'Normal',
      idx: 2,
      present: 100,
      managed: 90,
      initManaged: 90,
      slots: X86_64_ZONE_SLOTS.length
    })
    expect(z).toMatchObject({ free: 0, wmarkMin: 0, managedPages: 90, presentPages: 100 })
    expect(z.lowmemReserve).toEqual([0, 0, 0, 0, 0])
  })
})

describe('init_user_reserve() / init_admin_reserve()', () => {
  it('take 1/32 of free memory, capped at 128 MiB and 8 MiB', () => {
    expect(bootReserveKbytes(32 * 1024)).toEqual({ user: 4096, admin: 4096 })
    expect(bootReserveKbytes(16 * 262144)).toEqual({ user: 131072, admin: 8192 })
  })
})
