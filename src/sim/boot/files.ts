/**
 * @module Boot phase 5: files and the pages they already have in the page cache (disk, tmpfs or
 * ramfs), counted in the zones, the node and the owning memcg.
 */
import { newShmemIsActive } from '../../kernel/mm/lru-add.ts'
import { usageOf, type CachedFile, type World } from '../../kernel/mm/world.ts'
import type { Scenario } from '../schema.ts'
import { bootTake, chargeUp } from './take.ts'

type FileSpec = NonNullable<Scenario['files']>[number]

function newFile(w: World, f: FileSpec): CachedFile {
  return {
    path: f.path,
    kind: f.fs ?? 'disk',
    sizePages: f.size,
    zones: new Array<number>(w.zones.length).fill(0),
    cached: 0,
    dirty: 0,
    writeback: 0,
    swapped: 0,
    mappedBy: new Map(),
    mlocked: f.mlocked ?? false,
    memcg: f.memcg ?? '/'
  }
}

/**
 * Place `cached` pages of the file in the zones and count them on its LRU and in its memcg. A
 * disk file's pages start inactive (add_to_page_cache_lru()), the first `active` of them on the
 * active list (pages referenced twice, as a captured memory.stat shows them).
 */
function cachePages(w: World, file: CachedFile, cached: number, active: number): void {
  const placed = bootTake(w, cached, 'M')
  let activeLeft = Math.min(active, cached)
  placed.forEach((n, i) => {
    file.zones[i] = n
    const z = w.zones[i]
    if (z === undefined) return
    if (file.kind === 'ramfs' || file.mlocked) z.stats.unevictable += n
    // tmpfs pages join the anon LRU (shmem_get_folio_gfp() -> folio_add_lru(); lru-add.ts).
    else if (file.kind === 'tmpfs' && newShmemIsActive(w)) z.stats.activeAnon += n
    else if (file.kind === 'tmpfs') z.stats.inactiveAnon += n
    else {
      const a = Math.min(n, activeLeft)
      activeLeft -= a
      z.stats.activeFile += a
      z.stats.inactiveFile += n - a
    }
  })
  file.cached = cached
  const node = w.mem.nodes[0]
  if (node !== undefined) {
    node.counters.filePages += cached
    if (file.kind === 'tmpfs') node.counters.shmem += cached
  }
  const u = usageOf(w, file.memcg)
  if (file.kind === 'tmpfs') u.shmem += cached
  else u.file += cached
  chargeUp(w, file.memcg, cached)
}

/** Every declared file; a disk file's cache starts empty unless `cached` says otherwise. */
export function bootFiles(w: World, s: Scenario): void {
  for (const f of s.files ?? []) {
    const file = newFile(w, f)
    const cached = Math.min(file.sizePages, f.cached ?? (file.kind === 'disk' ? 0 : file.sizePages))
    cachePages(w, file, cached, f.active ?? 0)
    if (f.dirty !== undefined && file.kind === 'disk') {
      file.dirty = Math.min(cached, f.dirty)
      const node = w.mem.nodes[0]
      if (node !== undefined) node.counters.dirty += file.dirty
    }
    w.files.set(f.path, file)
  }
}
