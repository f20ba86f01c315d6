/**
 * @module Boot phase 6c: pages of a mapping resident at start: anonymous pages (charged, on the
 * LRU or mlocked), pages of a declared cached file, or a mapping's own page cache.
 */
import { vmaTouched } from '../../kernel/mm/fault.ts'
import { newAnonIsActive, newShmemIsActive } from '../../kernel/mm/lru-add.ts'
import { mlockFilePages } from '../../kernel/mm/mlock.ts'
import { placementOf, usageOf, type CachedFile, type World } from '../../kernel/mm/world.ts'
import type { Mm, Process, Vma } from '../../kernel/types.ts'
import { bootTake, chargeUp } from './take.ts'

/** A mapping's kind, as the scenario names it. */
export type VmaKind = 'anon' | 'file' | 'shmem'

/** Faulted anon pages sit where do_anonymous_page() put them (kernel/mm/lru-add.ts). */
function residentAnon(w: World, p: Process, mm: Mm, vma: Vma, pages: number): void {
  const placed = bootTake(w, pages, 'M')
  const pl = placementOf(w, mm.id)
  placed.forEach((n, i) => {
    pl.anonZones[i] = (pl.anonZones[i] ?? 0) + n
    const z = w.zones[i]
    if (z === undefined) return
    if (vma.locked) {
      z.stats.unevictable += n
      z.stats.mlocked += n
    } else if (newAnonIsActive(w)) z.stats.activeAnon += n
    else z.stats.inactiveAnon += n
  })
  mm.anon += pages
  vma.anon += pages
  vmaTouched.set(vma, pages)
  usageOf(w, p.memcg).anon += pages
  chargeUp(w, p.memcg, pages)
}

function countMapped(mm: Mm, vma: Vma, shmem: boolean, pages: number): void {
  if (shmem) {
    mm.shmem += pages
    vma.shmem += pages
  } else {
    mm.file += pages
    vma.file += pages
  }
}

/** Map pages of a declared file that are already cached (its memcg was charged with the file). */
function residentOfFile(
  w: World,
  mm: Mm,
  vma: Vma,
  kind: VmaKind,
  file: CachedFile,
  pages: number
): void {
  const mapped = Math.min(pages, file.cached)
  // Two mappings of one file in one mm (a binary's text and a locked part of it) map
  // different pages of it: they add up, up to what is cached.
  const mine = Math.min((file.mappedBy.get(mm.id) ?? 0) + mapped, file.cached)
  file.mappedBy.set(mm.id, mine)
  if (vma.locked) mlockFilePages(w, file, mapped)
  countMapped(mm, vma, kind === 'shmem' || file.kind === 'tmpfs', mapped)
  const node = w.mem.nodes[0]
  if (node !== undefined) node.counters.mapped += mapped
}

/** The page cache a mapping without a declared file boots with. */
const ownCachePath = (p: Process, vma: Vma, kind: VmaKind): string =>
  `[${kind}:${p.pid}:${vma.start}]`

/**
 * No file given: the pages are the mapping's own page cache (program text, libraries, a shmem
 * segment), charged to the task's memcg as the kernel charges page cache when it is read in
 * (mem_cgroup_charge() from filemap_add_folio() / shmem_add_to_page_cache()).
 */
function residentOwnCache(
  w: World,
  p: Process,
  mm: Mm,
  vma: Vma,
  kind: VmaKind,
  pages: number
): void {
  const shmem = kind === 'shmem'
  const placed = bootTake(w, pages, 'M')
  placed.forEach((n, i) => {
    const z = w.zones[i]
    if (z === undefined) return
    // shmem pages join the anon LRU (kernel/mm/lru-add.ts).
    if (shmem && newShmemIsActive(w)) z.stats.activeAnon += n
    else if (shmem) z.stats.inactiveAnon += n
    else z.stats.inactiveFile += n
  })
  const node = w.mem.nodes[0]
  if (node !== undefined) {
    node.counters.filePages += pages
    node.counters.mapped += pages
    if (shmem) node.counters.shmem += pages
  }
  const own: CachedFile = {
    path: ownCachePath(p, vma, kind),
    kind: shmem ? 'tmpfs' : 'disk',
    sizePages: vma.pages,
    zones: placed,
    cached: pages,
    dirty: 0,
    writeback: 0,
    swapped: 0,
    mappedBy: new Map([[mm.id, pages]]),
    mlocked: false,
    memcg: p.memcg
  }
  w.files.set(own.path, own)
  countMapped(mm, vma, shmem, pages)
  const u = usageOf(w, p.memcg)
  if (shmem) u.shmem += pages
  else u.file += pages
  chargeUp(w, p.memcg, pages)
}

/** Make `pages` of a new mapping resident at boot. */
export function residentAtBoot(
  w: World,
  p: Process,
  mm: Mm,
  vma: Vma,
  kind: VmaKind,
  pages: number,
  filePath: string | undefined,
  referenced = true
): void {
  if (kind === 'anon') return residentAnon(w, p, mm, vma, pages)
  const given = filePath !== undefined ? w.files.get(filePath) : undefined
  if (given !== undefined) residentOfFile(w, mm, vma, kind, given, pages)
  else residentOwnCache(w, p, mm, vma, kind, pages)
  const file = given ?? w.files.get(ownCachePath(p, vma, kind))
  // Touched once and not again: nothing sets the PTEs' accessed bits, so reclaim finds the
  // folios unreferenced (folio_check_references(), 6.18) and may unmap and free them.
  if (!referenced && file !== undefined) (file.unreferencedBy ??= new Set()).add(mm.id)
}
