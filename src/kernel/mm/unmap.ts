/**
 * @module Giving pages back: the free path shared by munmap, exit_mmap() and the oom_reaper
 * (the kernel's unmap_page_range() / zap_pte_range()): anonymous pages back to the buddy
 * allocator and uncharged (COW-shared ones only unmapped until their last sharer goes), file
 * mappings dropped, page tables and swap entries freed.
 *
 * Units: pages.
 */
import type { Mm, Vma } from '../types.ts'
import { vmaTouched } from './fault.ts'
import { cowShared, cowUnmap } from './cow.ts'
import { uncharge } from './reclaim.ts'
import { freePages } from './pcp-alloc.ts'
import { placementOf, proportional, usageOf, type World } from './world.ts'

/**
 * How many of `pages` anonymous pages an mm unmaps are COW-shared ones (see cow.ts): all of
 * them when the whole mm goes, else their proportion of the mm's anon pages.
 */
export function sharedPartOf(w: World, mm: Mm, pages: number, anonBefore: number): number {
  const shared = cowShared(w, mm.id)
  if (shared === 0 || pages <= 0) return 0
  if (pages >= anonBefore) return shared
  return Math.min(shared, pages, Math.round((pages * shared) / anonBefore))
}

/**
 * Free `pages` anonymous pages of an mm (munmap, reaping, exit), newest VMAs first. Pages it
 * shares copy-on-write are only unmapped: they are freed when no other sharer maps them.
 */
export function freeAnon(w: World, mm: Mm, pages: number, memcg: string | null): number {
  const all = Math.min(pages, mm.anon)
  // Unmapping everything also drops what rounding may have left of the mm's COW share.
  if (pages >= mm.anon && all <= 0) cowUnmap(w, mm.id, Number.POSITIVE_INFINITY)
  if (all <= 0) return 0
  const sharedPart = pages >= mm.anon ? cowShared(w, mm.id) : sharedPartOf(w, mm, all, mm.anon)
  if (sharedPart > 0) {
    cowUnmap(w, mm.id, sharedPart)
    mm.anon -= sharedPart
  }
  const n = all - sharedPart
  if (n <= 0) return all
  const pl = placementOf(w, mm.id)
  const take = proportional(pl.anonZones, n)
  const lockedTotal = mm.vmas.reduce((a, v) => a + (v.locked ? v.anon : 0), 0)
  for (let i = 0; i < take.length; i++) {
    const k = take[i] ?? 0
    if (k === 0) continue
    const z = w.zones[i]
    if (z === undefined) continue
    pl.anonZones[i] = (pl.anonZones[i] ?? 0) - k
    // Locked pages sit on the unevictable list.
    const lockedShare = mm.anon > 0 ? Math.round((k * lockedTotal) / mm.anon) : 0
    z.stats.unevictable = Math.max(0, z.stats.unevictable - lockedShare)
    z.stats.mlocked = Math.max(0, z.stats.mlocked - lockedShare)
    const rest = k - lockedShare
    const fromInactive = Math.min(rest, z.stats.inactiveAnon)
    z.stats.inactiveAnon -= fromInactive
    z.stats.activeAnon = Math.max(0, z.stats.activeAnon - (rest - fromInactive))
    freePages(w, z, k, 'M')
  }
  mm.anon -= n
  if (memcg !== null) {
    usageOf(w, memcg).anon -= n
    uncharge(w, memcg, n)
  }
  return all
}

/** Free an mm's page tables (exit_mmap / free_pgtables). */
export function freePgtables(w: World, mm: Mm, memcg: string | null): void {
  const pl = placementOf(w, mm.id)
  let total = 0
  for (let i = 0; i < pl.pgtableZones.length; i++) {
    const n = pl.pgtableZones[i] ?? 0
    if (n === 0) continue
    const z = w.zones[i]
    if (z === undefined) continue
    z.stats.pagetables = Math.max(0, z.stats.pagetables - n)
    freePages(w, z, n, 'U')
    pl.pgtableZones[i] = 0
    total += n
  }
  mm.pgtablesBytes = 0
  if (memcg !== null && total > 0) {
    usageOf(w, memcg).pagetables -= total
    uncharge(w, memcg, total)
  }
}

/** Release swap entries of an mm (exit). */
export function freeSwapEnts(w: World, mm: Mm, memcg: string | null): void {
  let left = mm.swapEnts
  for (const d of w.mem.swap) {
    const n = Math.min(left, d.used)
    d.used -= n
    left -= n
  }
  if (memcg !== null) {
    usageOf(w, memcg).swap -= mm.swapEnts
    for (const m of w.oom.memcgs.values())
      if (memcg === m.path || memcg.startsWith(m.path === '/' ? '/' : `${m.path}/`))
        m.swapUsage = Math.max(0, m.swapUsage - mm.swapEnts)
  }
  mm.swapEnts = 0
}

/** Drop a process's mapping of every file (exit/munmap): MM_FILEPAGES/MM_SHMEMPAGES go to 0. */
export function unmapFiles(w: World, mm: Mm): void {
  dropFileMappings(w, mm.id)
  mm.file = 0
  mm.shmem = 0
}

/** Drop every file mapping of an mm id; returns nothing (file pages stay cached). */
function dropFileMappings(w: World, mmId: number): void {
  for (const f of w.files.values()) {
    const n = f.mappedBy.get(mmId)
    if (n === undefined) continue
    f.mappedBy.delete(mmId)
    const node = w.mem.nodes[0]
    if (node !== undefined) node.counters.mapped = Math.max(0, node.counters.mapped - n)
  }
}

/** exit_mmap(): the last user of an mm is gone; everything it held is freed. */
export function exitMmap(w: World, mm: Mm, memcg: string): void {
  freeAnon(w, mm, mm.anon, memcg)
  unmapFiles(w, mm)
  freePgtables(w, mm, memcg)
  freeSwapEnts(w, mm, memcg)
  mm.flags.oomSkip = true
  const accounted = mm.vmas.reduce((a, v) => a + (v.anonymous && !v.shared ? v.pages : 0), 0)
  w.mem.committedAs = Math.max(0, w.mem.committedAs - accounted)
  w.oom.mms.delete(mm.id)
}

/**
 * After oom_reap_task_mm() lowered an mm's counters: give its reaped anonymous pages back to
 * the zones and uncharge them (COW-shared ones are only unmapped), and drop its file mappings.
 */
export function releaseReaped(w: World, mmId: number, reapedAnon: number, filePages: number): void {
  const mm = w.oom.mms.get(mmId)
  const shared = mm === undefined ? 0 : sharedPartOf(w, mm, reapedAnon, mm.anon + reapedAnon)
  if (shared > 0) cowUnmap(w, mmId, shared)
  const anon = reapedAnon - shared
  const pl = placementOf(w, mmId)
  const take = proportional(pl.anonZones, anon)
  for (let i = 0; i < take.length; i++) {
    const n = take[i] ?? 0
    const z = w.zones[i]
    if (n === 0 || z === undefined) continue
    pl.anonZones[i] = (pl.anonZones[i] ?? 0) - n
    const fromActive = Math.min(n, z.stats.activeAnon)
    z.stats.activeAnon -= fromActive
    const rest = n - fromActive
    z.stats.unevictable = Math.max(0, z.stats.unevictable - rest)
    z.stats.mlocked = Math.max(0, z.stats.mlocked - rest)
    freePages(w, z, n, 'M')
  }
  const owner = w.oom.processes.find(p => p.mmId === mmId)
  if (owner !== undefined) {
    const u = w.memcgUsage.get(owner.memcg)
    if (u !== undefined) u.anon -= anon
    for (const m of w.oom.memcgs.values())
      if (owner.memcg === m.path || m.path === '/' || owner.memcg.startsWith(`${m.path}/`))
        m.usage = Math.max(0, m.usage - anon)
  }
  if (filePages > 0) dropFileMappings(w, mmId)
}

/** Free `n` anonymous pages of one VMA (a partial free, MADV_DONTNEED-like). */
export function zapVmaAnon(w: World, mm: Mm, vma: Vma, n: number, memcg: string): void {
  freeAnon(w, mm, n, memcg)
  vma.anon -= n
  vmaTouched.set(vma, Math.max(0, (vmaTouched.get(vma) ?? 0) - n))
}

/** munmap(): the VMA goes with its pages and, for a private writable one, its commit charge. */
export function munmapVma(w: World, mm: Mm, vma: Vma, memcg: string): number {
  const n = vma.anon
  zapVmaAnon(w, mm, vma, n, memcg)
  mm.vmas.splice(mm.vmas.indexOf(vma), 1)
  mm.totalVm -= vma.pages
  if (vma.anonymous && !vma.shared) w.mem.committedAs = Math.max(0, w.mem.committedAs - vma.pages)
  return n
}
