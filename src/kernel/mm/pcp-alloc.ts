/**
 * @module Where the page allocator meets the per-CPU lists (6.7+, profile alloc.pcpRefill
 * 'allocFactor'): an order-0 request served from one zone through the allocating CPU's list
 * (rmqueue() -> rmqueue_pcplist(), 6.11 mm/page_alloc.c), and which CPU that is.
 */
import { drainAllPages, freeViaPcp, takeViaPcp, zonePcp } from './pcp-lists.ts'
import { freeToBuddy, type MigrateType, type Zone } from './zone.ts'
import type { ZonePcp } from './pcp.ts'
import { envOf, type World } from './world.ts'

/** Does the profile run order-0 allocations through modelled per-CPU lists? */
export function pcpModelled(w: World): boolean {
  return w.profile.alloc.pcpRefill === 'allocFactor'
}

/**
 * The CPU an allocating task runs on: the last one, the same CPU the OOM report's `CPU:` line
 * names (oom-entry.ts), so `local_pcp` is that CPU's lists.
 */
export function allocCpu(w: World): number {
  return Math.max(0, envOf(w).cpus - 1)
}

/** CPUs per node for zone_highsize() (cpumask_of_node(); the machine's CPUs split evenly). */
function nodeCpus(w: World): number {
  return Math.max(1, Math.ceil(envOf(w).cpus / Math.max(1, w.mem.nodes.length)))
}

/** The per-CPU lists of a zone, set up on first use with this machine's CPUs. */
export function pcpOf(w: World, z: Zone): ZonePcp {
  if (z.pcpLists !== undefined) return z.pcpLists
  return zonePcp(z, envOf(w).cpus, nodeCpus(w), w.nowNs)
}

/**
 * get_page_from_freelist() for one zone and `want` order-0 pages at `flags`, through the
 * allocating CPU's list (pcp-lists.ts takeViaPcp()). Returns the pages taken.
 */
export function takeOrder0(
  w: World,
  z: Zone,
  req: { classZone: number; flags: number; want: number; mt: MigrateType }
): number {
  return takeViaPcp(z, pcpOf(w, z), allocCpu(w), {
    pages: req.want,
    mt: req.mt,
    nowNs: w.nowNs,
    classZone: req.classZone,
    flags: req.flags
  })
}

/**
 * __alloc_pages_direct_reclaim(), 6.11: when reclaim made progress but the allocation still
 * fails, drain every CPU's lists once (drain_all_pages(NULL)) and try again; with no progress
 * the lists are left alone. True when lists were drained (the caller retries).
 */
export function drainAfterReclaim(w: World, reclaimed: number): boolean {
  if (reclaimed === 0 || !pcpModelled(w)) return false
  drainAllPages(w.zones)
  return true
}

/**
 * Order-0 pages a task frees (zap_pte_range() -> free_pages_and_swap_cache() ->
 * free_unref_folios(), 6.11): through the freeing CPU's list where the profile models the lists
 * (free_unref_page_commit(), pcp-lists.ts freeViaPcp()), else straight to the buddy lists.
 * ZONE_RECLAIM_ACTIVE is set only while a balance_pgdat() pass runs (set_reclaim_active() /
 * clear_reclaim_active()); kswapd's passes are instants of the simulated clock, so no task's
 * free falls inside one.
 */
export function freePages(w: World, z: Zone, pages: number, mt: MigrateType): void {
  if (pages <= 0) return
  if (!pcpModelled(w)) return freeToBuddy(z, pages, mt)
  freeViaPcp(z, pcpOf(w, z), allocCpu(w), { pages, mt, reclaimActive: false })
}
