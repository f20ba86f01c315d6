/**
 * @module Where a fault's pages enter mm->rss_stat: the faulting task's CPU (the allocating CPU,
 * pcp-alloc.ts allocCpu(): the one the report's `CPU:` line names) and tid, with the profile's
 * rule (mm/rss-stat.ts).
 */
import type { Mm, Process } from '../types.ts'
import { allocCpu } from './pcp-alloc.ts'
import { initRssStat, rssStatFaulted, type RssMember, type RssPending } from './rss-stat.ts'
import { envOf, type World } from './world.ts'

/**
 * do_anonymous_page() / filemap_map_pages() count what they map with add_mm_counter() on the
 * CPU the task runs on (6.18 include/linux/mm.h; 6.1 add_mm_counter_fast() into current). A
 * no-op for an mm without rss_stat (its counts read exact).
 */
export function rssFaulted(w: World, p: Process, mm: Mm, member: RssMember, pages: number): void {
  if (mm.rssStat === undefined) return
  rssStatFaulted(mm, member, pages, {
    rule: w.profile.alloc.rssCounting,
    cpu: allocCpu(w),
    cpus: envOf(w).cpus,
    tid: p.pid
  })
}

/** A booted mm's pending deltas: on the allocating CPU (percpu) or in the leader (splitTask). */
export function bootRssStat(
  w: World,
  p: Process,
  mm: Mm,
  pending: { [K in keyof RssPending]?: number | undefined }
): void {
  const slot = w.profile.alloc.rssCounting === 'splitTask' ? p.pid : allocCpu(w)
  initRssStat(mm, slot, pending)
}

/**
 * try_to_unmap_one() (6.18 mm/rmap.c): reclaim unmapping `pages` of a file folio's pages from
 * another mm lowers its counter with dec_mm_counter(), page by page, on the reclaiming task's
 * CPU, where that mm's per-CPU delta moves and folds like a fault's. 2.6.34–6.1: the atomic
 * count itself (the task caches only its own mm's faults), so nothing pends.
 */
export function rssUnmapped(w: World, mm: Mm, member: RssMember, pages: number): void {
  if (mm.rssStat === undefined || w.profile.alloc.rssCounting !== 'percpu') return
  rssStatFaulted(mm, member, -pages, {
    rule: 'percpu',
    cpu: allocCpu(w),
    cpus: envOf(w).cpus,
    tid: 0
  })
}
