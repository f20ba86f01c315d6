/**
 * @module Writes to /proc/sys/vm/drop_caches (fs/drop_caches.c drop_caches_sysctl_handler()):
 * 1 drops clean page cache (iterate_supers(drop_pagecache_sb) -> invalidate_mapping_pages(),
 * which skips dirty, writeback and mapped pages), 2 drops reclaimable slab (drop_slab(): the
 * shrinkers free unused dentries and inodes; in-use objects are not modelled, so all of
 * slab_reclaimable goes), 3 both; bit 4 silences the info line that 3.15+ prints
 * (`format.dropCachesMessage`, "drop_caches: add some documentation and info message").
 *
 * Units: pages.
 */
import { releaseFilePages } from './reclaim.ts'
import { freeToBuddy } from './zone.ts'
import { emit, printk, proportional, type World } from './world.ts'

/** `stfu` of drop_caches_sysctl_handler(): set by a write with bit 4, per world. */
const silenced = new WeakSet<World>()

/** invalidate_mapping_pages() over every disk file: the clean, unmapped, unlocked pages. */
function dropPagecache(w: World): number {
  let dropped = 0
  for (const f of w.files.values()) {
    if (f.kind !== 'disk' || f.mlocked) continue
    let mapped = 0
    for (const n of f.mappedBy.values()) mapped = Math.max(mapped, n)
    const n = Math.max(0, f.cached - f.dirty - f.writeback - mapped)
    if (n === 0) continue
    releaseFilePages(w, f, proportional(f.zones, n), n)
    dropped += n
  }
  return dropped
}

/** drop_slab(): reclaimable slab back to the buddy allocator. */
function dropSlab(w: World): number {
  let dropped = 0
  for (const z of w.zones) {
    const n = z.stats.slabReclaimable
    if (n === 0) continue
    z.stats.slabReclaimable = 0
    freeToBuddy(z, n, 'U')
    dropped += n
  }
  return dropped
}

/** One write of `value` to drop_caches by `writer` (comm and pid of the writing task). */
export function dropCaches(w: World, value: number, writer: { pid: number; comm: string }): void {
  const pagecache = (value & 1) !== 0 ? dropPagecache(w) : 0
  const slab = (value & 2) !== 0 ? dropSlab(w) : 0
  emit(w, 'reclaim.drop_caches', { value, pagecache, slab })
  if (w.profile.format.dropCachesMessage && !silenced.has(w)) {
    printk(w, 6, `${writer.comm} (${writer.pid}): drop_caches: ${value}`)
  }
  if ((value & 4) !== 0) silenced.add(w)
}
