/**
 * @module mlock() (mm/mlock.c): locking a VMA moves its resident anonymous pages from the
 * active LRU to the unevictable list (NR_MLOCK).
 */
import type { Process, Vma } from '../types.ts'
import { placementOf, type World } from './world.ts'

/** mlock_fixup() of one VMA of `p`; returns the pages it locked (the VMA's anon pages). */
export function mlockVma(w: World, p: Process, vma: Vma): number {
  vma.locked = true
  const pl = placementOf(w, p.mmId ?? -1)
  const mm = w.oom.mms.get(p.mmId ?? -1)
  const share = mm !== undefined && mm.anon > 0 ? vma.anon / mm.anon : 0
  pl.anonZones.forEach((n, i) => {
    const z = w.zones[i]
    if (z === undefined) return
    const k = Math.min(Math.round(n * share), z.stats.activeAnon)
    z.stats.activeAnon -= k
    z.stats.unevictable += k
    z.stats.mlocked += k
  })
  return vma.anon
}
