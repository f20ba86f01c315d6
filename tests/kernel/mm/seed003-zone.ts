/**
 * Seed 003's Normal zone (6.11, 2 CPUs: batch 63, high_min 1845, high_max 95917) with `free`
 * movable pages in its buddy lists: the zone the per-CPU list tests (pcp-lists, pcp-free) share.
 */
import { initZone, X86_64_ZONE_SLOTS } from '../../../src/kernel/mm/mm-init.ts'
import { freeToBuddy, type Zone } from '../../../src/kernel/mm/zone.ts'

export function seed003Normal(free: number): Zone {
  const z = initZone({
    node: 0,
    type: 'Normal',
    idx: 2,
    present: 1572864,
    managed: 1534686,
    initManaged: 1534686,
    slots: X86_64_ZONE_SLOTS.length
  })
  Object.assign(z, { wmarkMin: 2157, wmarkLow: 3691, wmarkHigh: 5225 })
  freeToBuddy(z, free, 'M')
  return z
}
