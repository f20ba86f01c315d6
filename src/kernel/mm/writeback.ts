/**
 * @module The flusher threads (simplified wb_workfn): every dirty_writeback interval the dirty
 * page cache is written back and becomes clean, hence reclaimable. Writeback completes within
 * the flush (no device latency is modelled).
 *
 * Units: pages.
 */
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
