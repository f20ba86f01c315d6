/**
 * @module Boot phase 3: memory the kernel holds before any listed process runs: the hugetlb
 * pools, pages parked on the per-CPU lists, slab, stacks and page tables of unlisted tasks.
 */
import type { World } from '../../kernel/mm/world.ts'
import { takeFromBuddy } from '../../kernel/mm/zone.ts'
import type { Scenario } from '../schema.ts'
import { nodeSpecsOf } from './memory.ts'
import { addStat, bootTake } from './take.ts'

/** Hugetlb pools come out of the buddy allocator at boot. */
function bootHugePages(w: World): void {
  for (const h of w.mem.huge) bootTake(w, (h.total * h.sizeKb) / 4, 'M')
}

/** Free pages parked on each zone's per-CPU lists (and the local CPU's share). */
function bootPcpLists(w: World, s: Scenario): void {
  nodeSpecsOf(s.machine).forEach((n, ni) =>
    n.zones.forEach((zs, zi) => {
      const z = w.mem.nodes[ni]?.zones[zi]
      if (z === undefined) return
      z.pcp = takeFromBuddy(z, zs.pcp ?? 0, 0, 'M')
      z.localPcp = zs.localPcp !== undefined ? Math.min(z.pcp, zs.localPcp) : z.pcp
    })
  )
}

/** The part of the kernel's other memory a zone names (`kernelOther`), taken from that zone. */
function bootZoneKernelOther(w: World, s: Scenario): number {
  let taken = 0
  nodeSpecsOf(s.machine).forEach((n, ni) =>
    n.zones.forEach((zs, zi) => {
      const z = w.mem.nodes[ni]?.zones[zi]
      if (z === undefined || zs.kernelOther === undefined) return
      const got = takeFromBuddy(z, Math.min(zs.kernelOther, z.free), 0, 'U')
      z.stats.kernelOther += got
      taken += got
    })
  )
  return taken
}

/** Slab, stacks, page tables and other memory of tasks the scenario does not list. */
function bootKernelUse(w: World, s: Scenario): void {
  const k = s.machine.kernel ?? {}
  const otherInZones = bootZoneKernelOther(w, s)
  addStat(w, bootTake(w, k.slabReclaimable ?? 0, 'E'), 'slabReclaimable')
  addStat(w, bootTake(w, k.slabUnreclaimable ?? 0), 'slabUnreclaimable')
  addStat(w, bootTake(w, k.kernelStack ?? 0), 'kernelStack')
  addStat(w, bootTake(w, k.pagetables ?? 0), 'pagetables')
  addStat(w, bootTake(w, Math.max(0, (k.other ?? 0) - otherInZones)), 'kernelOther')
  addStat(w, bootTake(w, k.anon ?? 0, 'M'), 'activeAnon')
  w.mem.kernelMiscReclaimable = k.miscReclaimable ?? 0
}

/** Hugetlb pools, per-CPU lists, then the kernel's own memory, in that order. */
export function bootKernelMemory(w: World, s: Scenario): void {
  bootHugePages(w)
  bootPcpLists(w, s)
  bootKernelUse(w, s)
}
