/**
 * @module The flusher threads (simplified wb_workfn): every dirty_writeback interval the dirty
 * page cache is written back and becomes clean, hence reclaimable. Writeback completes within
 * the flush (no device latency is modelled).
 *
 * Above vm.dirty_background_ratio the flusher starts at once (backgroundWriteback).
 *
 * Units: pages.
 */
import { freeSwapPages } from './model.ts'
import { emit, proportional, type World } from './world.ts'

/** dirty_writeback_centisecs default (5 s), in ns. */
export const DIRTY_WRITEBACK_NS = 5_000_000_000

/** Total dirty pages in the page cache. */
export function dirtyPages(w: World): number {
  let n = 0
  for (const f of w.files.values()) n += f.dirty
  return n
}

/** Write back every dirty page. Returns the pages cleaned. */
export function flushDirty(w: World): number {
  let cleaned = 0
  for (const f of w.files.values()) {
    if (f.dirty === 0) continue
    const share = proportional(f.zones, f.dirty)
    share.forEach((n, i) => {
      const z = w.zones[i]
      if (z !== undefined) z.stats.writePending = Math.max(0, z.stats.writePending - n)
    })
    cleaned += f.dirty
    f.dirty = 0
  }
  for (const n of w.mem.nodes) n.counters.dirty = 0
  if (cleaned > 0) emit(w, 'reclaim.writeback', { pages: cleaned })
  return cleaned
}

/**
 * global_dirtyable_memory() (mm/page-writeback.c): free pages less totalreserve_pages plus the
 * file LRU (>= 3.14, "mm: page-writeback: do not count anon pages as dirtyable memory"); up to
 * 3.13 (2.6.32-642, 3.10.4: global_reclaimable_pages()) the anon LRU too while swap is free
 * (`alloc.dirtyableAnon`). Highmem is not dirtyable by default; x86_64 has none.
 */
export function dirtyableMemory(w: World): number {
  const swapFree = freeSwapPages(w.mem) > 0
  let x = 0
  for (const z of w.zones) {
    x += z.free - z.wmarkHigh - Math.max(0, ...z.lowmemReserve)
    x += z.stats.activeFile + z.stats.inactiveFile
    if (w.profile.alloc.dirtyableAnon && swapFree) x += z.stats.activeAnon + z.stats.inactiveAnon
  }
  return Math.max(0, x)
}

/** domain_dirty_limits()'s bg_thresh: vm.dirty_background_ratio % of dirtyable memory, or
 * null when the scenario leaves the ratio unset (only the periodic flusher then). */
export function backgroundThresh(w: World): number | null {
  const ratio = w.mem.vm.dirtyBackgroundRatio
  if (ratio === undefined) return null
  return Math.floor((dirtyableMemory(w) * ratio) / 100)
}

/**
 * Background writeback (wb_check_background_flush() / wb_over_bg_thresh(), mm and
 * fs/fs-writeback.c): once dirty pages pass bg_thresh the flusher is woken
 * (balance_dirty_pages() -> wb_start_background_writeback()) and writes until they are below it
 * again, without waiting for the dirty_writeback_centisecs timer. Writeback completes at once
 * here. Returns the pages cleaned.
 */
export function backgroundWriteback(w: World): number {
  const thresh = backgroundThresh(w)
  const dirty = dirtyPages(w)
  if (thresh === null || dirty <= thresh) return 0
  let want = dirty - thresh
  let cleaned = 0
  for (const f of w.files.values()) {
    if (want === 0) break
    const n = Math.min(f.dirty, want)
    if (n === 0) continue
    const share = proportional(f.zones, n)
    share.forEach((k, i) => {
      const z = w.zones[i]
      if (z === undefined) return
      z.stats.writePending = Math.max(0, z.stats.writePending - k)
      const node = w.mem.nodes.find(x => x.id === z.node)
      if (node !== undefined) node.counters.dirty = Math.max(0, node.counters.dirty - k)
    })
    f.dirty -= n
    want -= n
    cleaned += n
  }
  emit(w, 'reclaim.background_writeback', { pages: cleaned, dirty, thresh })
  return cleaned
}
