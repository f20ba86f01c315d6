/**
 * @module The page allocator (mm/page_alloc.c): the fast path at the LOW watermark and the 4.7+
 * slow path (wake kswapd, MIN watermark, direct compaction, direct reclaim, should_reclaim_retry,
 * should_compact_retry, __alloc_pages_may_oom with its gates, __GFP_NOFAIL, warn_alloc); the
 * 2.6.32–4.6 slow path is page-alloc-legacy.ts (profile.alloc.slowPath).
 *
 * Bulk: a request for `count` blocks of one order is served zone by zone in closed form
 * (O(zones x orders) per pass, never per page); passes repeat only when the path changes.
 * The OOM killer is reached through a hook so this module stays free of engine details.
 */
import type { KernelProfile } from '../profiles.ts'
import { COSTLY_ORDER, type Zone } from './zone.ts'
import { decodeGfp, gfpMigrateType, gfpZone } from './gfp-bits.ts'
import {
  buildZonelist,
  gfpToAllocFlags,
  MAX_RECLAIM_RETRIES,
  nodeAllowed,
  reserveFlags,
  takeBulk,
  wakeAll,
  type AllocHooks,
  type AllocRequest,
  type AllocResult,
  type Ctx
} from './alloc-context.ts'
import {
  ALLOC_CPUSET,
  ALLOC_MIN_RESERVE,
  ALLOC_NO_WATERMARKS,
  ALLOC_NON_BLOCK,
  ALLOC_OOM,
  ALLOC_WMARK_HIGH,
  ALLOC_WMARK_LOW,
  ALLOC_WMARK_MIN,
  markOf,
  zoneWatermarkOk
} from './watermark-check.ts'
import { zoneReclaimablePages } from './reclaim.ts'
import { kswapdRunsDuringRetry } from './kswapd.ts'
import { slowPath3x } from './page-alloc-legacy.ts'
import { currentGfpContext } from './page-alloc-gfp-context.ts'
import { DEF_COMPACT_PRIORITY, shouldCompactRetry } from './compaction-retry.ts'
import type { CompactResult } from './compaction.ts'
import { lowmemScan, lowmemVictimPending } from './lowmemorykiller.ts'
import {
  directCompact,
  directCompactResult,
  directReclaim,
  done,
  flush,
  nopage,
  take,
  type PassEnd,
  type Slow
} from './page-alloc-steps.ts'
import { emit, type World } from './world.ts'
import { drainAfterReclaim } from './pcp-alloc.ts'

export {
  MAX_RECLAIM_RETRIES,
  type AllocHooks,
  type AllocRequest,
  type AllocResult,
  type AllocSite,
  type AllocStatus,
  type AllocTask,
  type OomHookResult
} from './alloc-context.ts'

/** should_reclaim_retry(). */
function shouldReclaimRetry(
  c: Ctx,
  flags: number,
  didProgress: boolean,
  loops: { noProgress: number }
): boolean | 'writeback' {
  const { w, req } = c
  if (didProgress && req.order <= COSTLY_ORDER) loops.noProgress = 0
  else loops.noProgress++
  if (loops.noProgress > MAX_RECLAIM_RETRIES) {
    emit(w, 'alloc.reclaim_retry_exhausted', { pid: req.task.pid, loops: loops.noProgress })
    return false
  }
  for (const zi of c.zonelist) {
    const z = w.zones[zi] as Zone
    if (!nodeAllowed(req.task, z.node, flags, c.g)) continue
    const reclaimable = zoneReclaimablePages(w, z)
    const available = reclaimable + z.free
    const ok = zoneWatermarkOk(z, req.order, z.wmarkMin, c.classZone, flags, available)
    // trace reclaim_retry_zone
    emit(w, 'alloc.reclaim_retry_zone', {
      node: z.node,
      zone: z.type,
      order: req.order,
      reclaimable,
      available,
      min_wmark: z.wmarkMin,
      no_progress_loops: loops.noProgress,
      wmark_check: ok
    })
    if (ok) {
      // Much of what is reclaimable is dirty or under writeback: 4.x-5.10 congestion_wait(),
      // later reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK). The task sleeps until the flusher
      // has cleaned pages instead of counting towards the OOM.
      if (!didProgress && 2 * z.stats.writePending > reclaimable) {
        emit(w, 'alloc.throttle_writeback', {
          pid: req.task.pid,
          zone: z.type,
          writePending: z.stats.writePending
        })
        return 'writeback'
      }
      return true
    }
  }
  return false
}

interface MayOomResult {
  got: number
  progress: boolean
  currentKilled: boolean
  called: boolean
}

/** __alloc_pages_may_oom(). */
function mayOom(c: Ctx, hooks: AllocHooks, want: number, profile: KernelProfile): MayOomResult {
  const { g, req, w } = c
  // Catch a parallel kill: HIGH watermark, no reclaim.
  const high = takeBulk(c, want, ALLOC_WMARK_HIGH | ALLOC_CPUSET)
  if (high > 0) return { got: high, progress: false, currentKilled: false, called: false }
  const bypass = profile.alloc.nofailBypassesGates && g.nofail
  let gate: string | null = null
  if (req.task.dumpcore) gate = 'PF_DUMPCORE'
  else if (!bypass && req.order > COSTLY_ORDER) gate = 'costly_order'
  else if (g.retryMayfail) gate = '__GFP_RETRY_MAYFAIL'
  else if (!bypass && g.thisnode) gate = '__GFP_THISNODE'
  else if (!bypass && c.classZone < w.mem.zoneSlots.indexOf('Normal')) gate = 'lowmem'
  else if (w.suspendedStorage) gate = 'pm_suspended_storage'
  if (gate !== null) {
    emit(w, 'alloc.oom_skipped', { pid: req.task.pid, gate, gfp: g.mask, order: req.order })
    return { got: 0, progress: false, currentKilled: false, called: false }
  }
  const nodemask = req.task.mempolicy
  const r = hooks.outOfMemory({
    site: req.site ?? 'kernel',
    gfpMask: g.mask,
    order: req.order,
    nodemask
  })
  let progress = r.progress
  let got = 0
  if (g.nofail) {
    progress = true
    got = takeBulk(c, want, ALLOC_NO_WATERMARKS)
  }
  return { got, progress, currentKilled: r.currentKilled, called: true }
}

/**
 * __alloc_pages(): allocate `count` blocks of `order`. Deterministic; mutates the world.
 */
export function allocPages(w: World, req: AllocRequest, hooks: AllocHooks): AllocResult {
  const profile = w.profile
  // __alloc_pages(): the task's scoped context narrows the gfp first (current_gfp_context()).
  const g = decodeGfp(currentGfpContext(profile, req.gfp, req.task.memallocScope), profile)
  const classZone = gfpZone(g, w.mem)
  const c: Ctx = {
    w,
    req,
    g,
    classZone,
    zonelist: buildZonelist(w, req.task, classZone),
    mt: gfpMigrateType(g),
    placed: new Array<number>(w.zones.length).fill(0)
  }
  w.stats.allocEvents++
  // Fast path: LOW watermark.
  const fast = takeBulk(c, req.count, ALLOC_WMARK_LOW | ALLOC_CPUSET)
  if (fast >= req.count) return { status: 'ok', got: fast, placed: c.placed, oomCalls: 0 }
  if (profile.alloc.slowPath === 'shouldAllocRetry') {
    return slowPath3x({ c, hooks, profile, got: fast, oomCalls: 0, committed: 0 })
  }
  return slowPath(c, hooks, profile, fast)
}

/** __alloc_pages_slowpath(): everything after a fast path that could not serve the request. */
function slowPath(c: Ctx, hooks: AllocHooks, profile: KernelProfile, fastGot: number): AllocResult {
  const s: Slow = { c, hooks, profile, got: fastGot, oomCalls: 0, committed: 0 }
  let first = true
  while (s.got < c.req.count) {
    if (!first) {
      // Fast path again after a slow-path success.
      take(s, ALLOC_WMARK_LOW | ALLOC_CPUSET)
      if (s.got >= c.req.count) break
    }
    first = false
    const end = slowPass(s)
    if (end === 'nopage') break
    if (end !== 'again') return end
  }
  if (s.got >= c.req.count) return done(s, 'ok')
  return nopage(s)
}

/** One pass: wake kswapd, the MIN watermark, direct compaction first for costly orders. */
function slowPass(s: Slow): PassEnd {
  const { c, hooks } = s
  const { g, req } = c
  const flags = gfpToAllocFlags(g)
  if (g.kswapdReclaim) wakeAll(c, hooks)
  if (take(s, flags) > 0) return 'again'
  if (!g.directReclaim) return 'nopage'
  const costly = req.order > COSTLY_ORDER
  if (costly || (req.order > 0 && c.mt !== 'M')) {
    const n = directCompact(c, flags, req.count - s.got)
    s.got += n
    if (n > 0) return 'again'
    if (costly && g.noretry) return 'nopage'
  }
  return retryLoop(s, flags, costly)
}

/** The retry: loop: reserves, direct reclaim, compaction, should_reclaim_retry, then OOM. */
function retryLoop(s: Slow, startFlags: number, costly: boolean): PassEnd {
  const { c, hooks } = s
  const { g, req, w } = c
  let flags = startFlags
  const loops = { noProgress: 0 }
  const compact = { priority: DEF_COMPACT_PRIORITY, retries: 0 }
  for (;;) {
    if (g.kswapdReclaim) wakeAll(c, hooks)
    const reserve = reserveFlags(g, req.task)
    if (reserve !== 0) flags = (flags & ~ALLOC_CPUSET) | reserve
    if (take(s, flags) > 0) return 'again'
    if (req.task.fatalSignal && !g.nofail) return done(s, 'killed')
    const reclaimed = directReclaim(c)
    // shrink_slab() in direct reclaim runs the Android lowmemorykiller shrinker, if any.
    if (s.profile.alloc.lowmemorykiller)
      lowmemScan(w, { pid: req.task.pid ?? 0, comm: req.task.comm })
    if (reclaimed === 0) kswapdRunsDuringRetry(w)
    if (take(s, flags) > 0) return 'again'
    if (drainAfterReclaim(w, reclaimed) && take(s, flags) > 0) return 'again'
    let result: CompactResult = 'skipped'
    if (req.order > 0) {
      const r = directCompactResult(c, flags, req.count - s.got)
      s.got += r.got
      if (r.got > 0) return 'again'
      result = r.result
    }
    if (g.noretry || (costly && !g.retryMayfail)) return 'nopage'
    const retry = shouldReclaimRetry(c, flags, reclaimed > 0, loops)
    if (retry === 'writeback') return { ...done(s, 'blocked'), waitFor: 'writeback' }
    if (retry) continue
    // __alloc_pages_slowpath(), 4.14.177: `did_some_progress > 0 && should_compact_retry()`.
    const compactRetry = s.profile.alloc.compactRetry === 'priorities' && reclaimed > 0
    if (compactRetry && shouldCompactRetry(c, flags, result, compact)) continue
    // The task keeps retrying while a lowmemorykiller victim exits (Android variants).
    if (lowmemVictimPending(w)) return { ...done(s, 'blocked'), waitFor: 'oom-victim' }
    return mayOomStep(s, flags)
  }
}

/** __alloc_pages_may_oom() and what the slow path does with its outcome. */
function mayOomStep(s: Slow, flags: number): PassEnd {
  const { c, hooks, profile } = s
  const { g, req } = c
  flush(s)
  const m = mayOom(c, hooks, req.count - s.got, profile)
  if (m.called) s.oomCalls++
  if (m.got > 0) {
    s.got += m.got
    return 'again'
  }
  if (m.currentKilled || req.task.fatalSignal) {
    // The OOM victim retries this one allocation with ALLOC_OOM reserves, then dies.
    s.got += takeBulk(c, 1, (flags & ~ALLOC_CPUSET) | ALLOC_OOM)
    return done(s, s.got >= req.count ? 'ok' : 'killed')
  }
  if (req.task.oomVictim && ((flags & ALLOC_OOM) !== 0 || g.nomemalloc)) return 'nopage'
  // Progress was made (a victim is on its way out, or !__GFP_FS pretends): the kernel loops
  // here; the simulator resumes the task when the world changes.
  if (m.progress) return { ...done(s, 'blocked'), waitFor: g.nofail ? 'nofail' : 'oom-victim' }
  return 'nopage'
}

export {
  markOf,
  ALLOC_WMARK_LOW,
  ALLOC_WMARK_MIN,
  ALLOC_WMARK_HIGH,
  ALLOC_NON_BLOCK,
  ALLOC_MIN_RESERVE
}
