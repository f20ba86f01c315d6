/**
 * @module The per-CPU page lists of one zone (struct per_cpu_pages, one per CPU), as 6.7-6.11
 * mm/page_alloc.c run them for order-0 pages: refills from the buddy allocator in batches that
 * double while a CPU only allocates (nr_pcp_alloc(), pcp->alloc_factor up to
 * PCP_BATCH_SCALE_MAX), pcp->high raised by each refill while the zone is above its high
 * watermark (ZONE_BELOW_HIGH clear) and decayed each second (decay_pcp_high()), and
 * drain_all_pages(). Counts, never pages: a list is a number per migrate type.
 * Pages on the lists are free but not in NR_FREE_PAGES (`zone.free`); `zone.pcp` is their sum.
 */
import { pcpSizes, type PcpList, type ZonePcp } from './pcp.ts'
import { freeToBuddy, takeFromBuddy, type MigrateType, type Zone } from './zone.ts'
import { ALLOC_WMARK_HIGH, ALLOC_WMARK_MASK, blocksAvailable } from './watermark-check.ts'

/** CONFIG_PCP_BATCH_SCALE_MAX (default 5): batch << 5 is the largest refill or drain step. */
export const PCP_BATCH_SCALE_MAX = 5

/** The pcp migrate types (MIGRATE_PCPTYPES) in list order. */
const PCP_TYPES: readonly MigrateType[] = ['U', 'M', 'E']
const PCP_INDEX: Partial<Record<MigrateType, number>> = { U: 0, M: 1, E: 2 }

/** vmstat_update() runs on each CPU every sysctl_stat_interval (HZ: one second). */
const DECAY_INTERVAL_NS = 1_000_000_000

function emptyList(highMin: number, nowNs: number): PcpList {
  return { lists: [0, 0, 0], count: 0, high: highMin, allocFactor: 0, freeCount: 0, decayNs: nowNs }
}

/**
 * The zone's lists, set up on first use: zone_set_pageset_high_and_batch() (6.7-6.11) from the
 * zone's managed pages and low watermark, split over the node's CPUs (zone_highsize()).
 */
export function zonePcp(z: Zone, cpus: number, nodeCpus: number, nowNs: number): ZonePcp {
  if (z.pcpLists === undefined) {
    const sizes = pcpSizes(z.managedPages, z.wmarkLow, nodeCpus)
    z.pcpLists = {
      sizes,
      cpus: Array.from({ length: cpus }, () => emptyList(sizes.highMin, nowNs)),
      belowHigh: false
    }
    // Pages a scenario parked on the local CPU at boot are that CPU's list from here on: the
    // movable list it allocates from (the other CPUs' parked pages stay parked).
    const local = z.pcpLists.cpus[cpus - 1]
    if (local !== undefined && z.localPcp > 0) {
      local.lists[1] = local.count = z.localPcp
      z.localPcp = 0
    }
  }
  return z.pcpLists
}

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(v, hi))

/**
 * nr_pcp_alloc(), 6.7-6.11, order 0: how many pages a refill takes. pcp->high is raised by the
 * batch unless the zone is below its high watermark; alloc_factor grows by one per refill that
 * fits, so a CPU that only allocates refills 63, 126, ... up to 63 << 5 pages.
 */
export function nrPcpAlloc(p: PcpList, zp: ZonePcp): number {
  const { batch: base, highMin, highMax } = zp.sizes
  let high = (p.high = clamp(p.high, highMin, highMax))
  if (high < base) return 1
  let batch = base << p.allocFactor
  if (highMin !== highMax && !zp.belowHigh) high = p.high = Math.min(high + batch, highMax)
  const maxNrAlloc = Math.max(high - p.count - base, base)
  if (batch <= maxNrAlloc && p.allocFactor < PCP_BATCH_SCALE_MAX) p.allocFactor++
  batch = Math.min(batch, maxNrAlloc)
  return batch > 1 ? Math.max(batch, 2) : batch
}

/**
 * decay_pcp_high(), 6.7-6.11, as vmstat_update() calls it once a second per CPU: high falls by
 * an eighth (not below count - batch << 5, nor high_min) and what is above it goes back to the
 * buddy lists (free_pcppages_bulk()). Applied lazily for the seconds elapsed since the last.
 */
export function decayPcpHigh(z: Zone, p: PcpList, zp: ZonePcp, nowNs: number): void {
  const { batch, highMin } = zp.sizes
  while (nowNs - p.decayNs >= DECAY_INTERVAL_NS) {
    p.decayNs += DECAY_INTERVAL_NS
    if (p.high > highMin) {
      p.high = Math.max(p.count - (batch << PCP_BATCH_SCALE_MAX), p.high - (p.high >> 3), highMin)
    }
    const toDrain = p.count - p.high
    if (toDrain > 0) freePcpPagesBulk(z, p, toDrain)
    else if (p.high <= highMin) p.decayNs = Math.max(p.decayNs, nowNs - (nowNs % DECAY_INTERVAL_NS))
  }
}

/**
 * free_pcppages_bulk(): `n` pages from the CPU's lists back to the buddy allocator, the lists
 * taken in turn (the kernel round-robins from the list it just freed to; here the fullest
 * first, which only decides the migrate type the buddy lines show).
 */
export function freePcpPagesBulk(z: Zone, p: PcpList, n: number): void {
  let rest = Math.min(n, p.count)
  while (rest > 0) {
    let i = 0
    for (let t = 1; t < p.lists.length; t++) if ((p.lists[t] ?? 0) > (p.lists[i] ?? 0)) i = t
    const k = Math.min(rest, p.lists[i] ?? 0)
    if (k <= 0) break
    p.lists[i] = (p.lists[i] ?? 0) - k
    p.count -= k
    z.pcp -= k
    rest -= k
    freeToBuddy(z, k, PCP_TYPES[i] ?? 'M')
  }
}

/** One order-0 request at one zone: its migrate type, the watermark check's flags and class zone. */
export interface PcpRequest {
  pages: number
  mt: MigrateType
  nowNs: number
  classZone: number
  /** alloc_flags of the watermark check (ALLOC_WMARK_* and the reserve bits). */
  flags: number
}

/**
 * Order-0 pages for one CPU from one zone (get_page_from_freelist() -> rmqueue_pcplist(), 6.11),
 * up to `req.pages`: each page first passes the zone's watermark check on NR_FREE_PAGES (pages on
 * the lists do not count towards it; blocksAvailable() > 0 is __zone_watermark_ok() for one
 * page), after the high-watermark check that sets ZONE_BELOW_HIGH; it comes off the CPU's list
 * of its migrate type, which an empty list refills from the buddy allocator with nr_pcp_alloc()
 * pages (rmqueue_bulk(), no watermark check of its own: a refill may take the zone below min).
 * Returns the pages taken.
 */
export function takeViaPcp(z: Zone, zp: ZonePcp, cpu: number, req: PcpRequest): number {
  const p = zp.cpus[cpu] ?? zp.cpus[zp.cpus.length - 1]
  if (p === undefined) return 0
  if (req.nowNs - p.decayNs >= DECAY_INTERVAL_NS) decayPcpHigh(z, p, zp, req.nowNs)
  const i = PCP_INDEX[req.mt] ?? 1
  const highFlags = (req.flags & ~ALLOC_WMARK_MASK) | ALLOC_WMARK_HIGH
  // rmqueue_pcplist(): each allocation halves free_count.
  p.freeCount = req.pages >= 31 ? 0 : p.freeCount >> req.pages
  let got = 0
  while (got < req.pages) {
    if (!zp.belowHigh && blocksAvailable(z, 0, req.classZone, highFlags) <= 0) zp.belowHigh = true
    if (blocksAvailable(z, 0, req.classZone, req.flags) <= 0) break
    let k = p.lists[i] ?? 0
    if (k === 0) {
      const n = takeFromBuddy(z, nrPcpAlloc(p, zp), 0, req.mt)
      if (n === 0) break
      p.count += n
      z.pcp += n
      // The page that asked for the refill was checked before it; the rest are checked again.
      k = 1
      p.lists[i] = n
    }
    k = Math.min(k, req.pages - got)
    p.lists[i] = (p.lists[i] ?? 0) - k
    p.count -= k
    z.pcp -= k
    got += k
  }
  return got
}

/** The pcp state free_unref_page_commit() reads: kswapd reclaiming the zone, or not. */
interface FreeCtx {
  zp: ZonePcp
  reclaimActive: boolean
}

/**
 * nr_pcp_high(), 6.7-6.11, for a run of `k` order-0 frees: the count at which the list drains.
 * While kswapd reclaims the zone (ZONE_RECLAIM_ACTIVE) or the zone is below its high watermark
 * (ZONE_BELOW_HIGH), each free lowers pcp->high by the pages freed in a row (at least a batch;
 * here k times at once); otherwise a full list raises it to those pages plus a batch.
 */
function nrPcpHigh(p: PcpList, c: FreeCtx, k: number): number {
  const { batch, highMin, highMax } = c.zp.sizes
  const high = (p.high = clamp(p.high, highMin, highMax))
  if (high === 0) return 0
  const fall = (): number => (p.high = Math.max(high - k * Math.max(p.freeCount, batch), highMin))
  if (c.reclaimActive) return Math.min(batch << 2, fall())
  if (highMin === highMax) return high
  if (c.zp.belowHigh) {
    fall()
    return Math.max(p.count, highMin)
  }
  if (p.count >= high && p.high < p.freeCount + batch)
    p.high = clamp(p.freeCount + batch, highMin, highMax)
  return high
}

/** The count at which the next free drains the list (what nrPcpHigh() will compare with). */
function drainPoint(p: PcpList, c: FreeCtx): number {
  const { batch, highMin } = c.zp.sizes
  if (c.reclaimActive) return Math.min(batch << 2, p.high)
  return c.zp.belowHigh ? highMin : p.high
}

/** nr_pcp_free(), 6.7-6.11, order 0: what one drain hands back (the pages freed in a row). */
function nrPcpFree(p: PcpList, batch: number, high: number): number {
  if (high < batch) return 1
  return clamp(p.freeCount, batch, high - batch)
}

/**
 * `n` order-0 pages freed on one CPU (free_unref_folios() -> free_unref_page_commit(), 6.11
 * mm/page_alloc.c): each goes on the CPU's list of its migrate type, halves alloc_factor and
 * counts in free_count (up to batch << 5); when the list reaches nr_pcp_high() it drains
 * nr_pcp_free() pages to the buddy allocator (free_pcppages_bulk()), and a zone back at its
 * high watermark (zone_watermark_ok() for ZONE_MOVABLE, the class zone above every reserve)
 * clears ZONE_BELOW_HIGH. Pages are added in runs up to the next drain.
 */
export function freeViaPcp(
  z: Zone,
  zp: ZonePcp,
  cpu: number,
  req: { pages: number; mt: MigrateType; reclaimActive: boolean }
): void {
  const p = zp.cpus[cpu] ?? zp.cpus[zp.cpus.length - 1]
  if (p === undefined) return freeToBuddy(z, req.pages, req.mt)
  const c: FreeCtx = { zp, reclaimActive: req.reclaimActive }
  const i = PCP_INDEX[req.mt] ?? 1
  const cap = zp.sizes.batch << PCP_BATCH_SCALE_MAX
  let rest = req.pages
  while (rest > 0) {
    const k = Math.min(rest, Math.max(1, drainPoint(p, c) - p.count))
    p.allocFactor >>= Math.min(k, 31)
    p.lists[i] = (p.lists[i] ?? 0) + k
    p.count += k
    z.pcp += k
    p.freeCount = Math.min(p.freeCount + k, Math.max(p.freeCount, cap))
    rest -= k
    const high = nrPcpHigh(p, c, k)
    if (p.count < high) continue
    freePcpPagesBulk(z, p, nrPcpFree(p, zp.sizes.batch, high))
    const movable = z.lowmemReserve.length - 1
    if (zp.belowHigh && blocksAvailable(z, 0, movable, ALLOC_WMARK_HIGH) > 0) zp.belowHigh = false
  }
}

/** drain_all_pages(NULL): every CPU's lists of every zone back to the buddy allocator. */
export function drainAllPages(zones: readonly Zone[]): void {
  for (const z of zones) for (const p of z.pcpLists?.cpus ?? []) freePcpPagesBulk(z, p, p.count)
}

/** Pages on one CPU's lists of a zone (show_free_areas()'s local_pcp, with the parked ones). */
export function cpuPcpPages(z: Zone, cpu: number): number {
  return z.pcpLists?.cpus[cpu]?.count ?? 0
}
