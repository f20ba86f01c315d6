/**
 * @module mlock() (mm/mlock.c): locking a VMA moves its resident anonymous pages from the
 * active LRU to the unevictable list (NR_MLOCK).
 */
import type { Process, Vma } from '../types.ts'
import { placementOf, type CachedFile, type World } from './world.ts'

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

/**
 * mlock_folio() on the page-cache pages a locked mapping maps (6.11 mm/mlock.c, reached from
 * mlock_vma_folio() when the page is mapped into a VM_LOCKED vma): a page counts in NR_MLOCK
 * once (PG_mlocked), however many locked mappings hold it, and leaves its LRU for the
 * unevictable list; a ramfs page (or an mlocked file's) is there already, so only NR_MLOCK
 * grows. Mappings of one file are taken to overlap from its start (as for NR_FILE_MAPPED), so
 * the file's locked pages are its largest locked mapping; they are its first cached pages, in
 * the zones that hold them. Returns the pages newly locked.
 */
export function mlockFilePages(w: World, file: CachedFile, pages: number): number {
  const before = file.lockedPages ?? 0
  const after = Math.min(Math.max(before, pages), file.cached)
  let rest = after - before
  if (rest <= 0) return 0
  file.lockedPages = after
  let skip = before
  const onUnevictable = file.kind === 'ramfs' || file.mlocked
  file.zones.forEach((n, i) => {
    const z = w.zones[i]
    const k = Math.min(Math.max(0, n - skip), rest)
    skip = Math.max(0, skip - n)
    if (z === undefined || k <= 0) return
    rest -= k
    z.stats.mlocked += k
    if (onUnevictable) return
    const fromInactive = Math.min(k, z.stats.inactiveFile)
    z.stats.inactiveFile -= fromInactive
    z.stats.activeFile = Math.max(0, z.stats.activeFile - (k - fromInactive))
    z.stats.unevictable += k
  })
  return after - before
}
