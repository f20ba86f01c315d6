/**
 * @module The 2.6.32–4.6 page-allocator slow path (profile.alloc.slowPath 'shouldAllocRetry';
 * mm/page_alloc.c __alloc_pages_slowpath(), read as 3.10.4; seeds 002 and 004):
 * - reserves: a TIF_MEMDIE or PF_MEMALLOC task (gfp_to_alloc_flags(): ALLOC_NO_WATERMARKS)
 *   goes through __alloc_pages_high_priority(); a TIF_MEMDIE task that still fails gives up
 *   (unless __GFP_NOFAIL) instead of reclaiming;
 * - the OOM killer only when direct reclaim made no progress and the request may use the
 *   filesystem and may retry: (gfp & __GFP_FS) && !(gfp & __GFP_NORETRY) (3.12+ names this
 *   oom_gfp_allowed()); a GFP_NOFS request never reaches out_of_memory();
 * - __alloc_pages_may_oom(): one OOM at a time per zonelist (try_set_zonelist_oom(), the
 *   ZONE_OOM_LOCKED bit, before 4.2's oom_lock mutex), the HIGH watermark retry, the costly /
 *   lowmem / __GFP_THISNODE gates unless __GFP_NOFAIL;
 * - should_alloc_retry(): __GFP_NORETRY no; order <= PAGE_ALLOC_COSTLY_ORDER or __GFP_NOFAIL
 *   retry forever; __GFP_REPEAT while fewer than 1 << order pages were reclaimed; each retry
 *   sleeps in wait_iff_congested(BLK_RW_ASYNC, HZ/50).
 */
import type { World } from './world.ts'
import { emit } from './world.ts'
import { COSTLY_ORDER, type Zone } from './zone.ts'
import { zoneReclaimablePages } from './reclaim.ts'
import { gfpToAllocFlags, takeBulk, wakeAll, type AllocResult, type Ctx } from './alloc-context.ts'
import {
  ALLOC_CPUSET,
  ALLOC_NO_WATERMARKS,
  ALLOC_WMARK_HIGH,
  ALLOC_WMARK_LOW
} from './watermark-check.ts'
import {
  directCompact,
  directReclaim,
  done,
  flush,
  nopage,
  take,
  type PassEnd,
  type Slow
} from './page-alloc-steps.ts'

/** Passes that reclaimed something but still got no page before the task is parked. */
const PROGRESS_PASSES = 16

/** Zones with ZONE_OOM_LOCKED set (or, for the oom_lock mutex, every zone), per world. */
const oomLocked = new WeakMap<World, Set<number>>()

/** The zones try_set_zonelist_oom() marks: the zonelist, or everything for the mutex. */
function lockKeys(c: Ctx): number[] {
  return c.w.profile.alloc.oomLock === 'zonelistBit' ? [...c.zonelist] : [-1]
}

/**
 * try_set_zonelist_oom(), 3.10.4: fails when any zone of the zonelist already has
 * ZONE_OOM_LOCKED (another OOM kill is running for an overlapping zonelist); else locks them.
 */
function trySetZonelistOom(c: Ctx): boolean {
  let set = oomLocked.get(c.w)
  if (set === undefined) {
    set = new Set()
    oomLocked.set(c.w, set)
  }
  const keys = lockKeys(c)
  if (keys.some(k => set.has(k))) return false
  for (const k of keys) set.add(k)
  return true
}

/** clear_zonelist_oom(), 3.10.4. */
function clearZonelistOom(c: Ctx): void {
  const set = oomLocked.get(c.w)
  for (const k of lockKeys(c)) set?.delete(k)
}

/**
 * do_try_to_free_pages(), 3.10.4: direct reclaim reports progress while any zone of the zonelist
 * is not all_unreclaimable, even when it freed nothing (pages_scanned < 6 x reclaimable pages;
 * kswapd marks the zone). Here: reclaimable pages left. 3.x has no kswapd_failures (it came in
 * 4.11, "mm: fix 100% CPU kswapd busyloop on unreclaimable nodes"), so the count the 4.11+
 * kswapd keeps does not decide it.
 */
function zonesReclaimable(c: Ctx): boolean {
  const w = c.w
  return c.zonelist.some(zi => {
    return zoneReclaimablePages(w, w.zones[zi] as Zone) > 0
  })
}

/** 3.10.4 gfp_to_alloc_flags(): PF_MEMALLOC, TIF_MEMDIE or __GFP_MEMALLOC may ignore watermarks. */
function highPriority(c: Ctx): boolean {
  const { g, req } = c
  return !g.nomemalloc && (g.memalloc || req.task.pfMemalloc || req.task.oomVictim)
}

/** should_alloc_retry(), 3.10.4. */
export function shouldAllocRetry(
  g: Ctx['g'],
  order: number,
  didProgress: boolean,
  pagesReclaimed: number
): boolean {
  if (g.noretry) return false
  if (order <= COSTLY_ORDER) return true
  if (g.nofail) return true
  return g.retryMayfail && didProgress && pagesReclaimed < 2 ** order
}

/** The kernel loops (restart / rebalance) with nothing to change its mind: park the task. */
function park(s: Slow): AllocResult {
  return { ...done(s, 'blocked'), waitFor: s.c.g.nofail ? 'nofail' : 'oom-victim' }
}

/** __alloc_pages_may_oom(), 3.10.4, and the slow path's checks after it. */
function mayOom3x(s: Slow): PassEnd {
  const { c, hooks } = s
  const { g, req, w } = c
  if (!trySetZonelistOom(c)) {
    // schedule_timeout_uninterruptible(1): another task is killing; retry once it is done.
    emit(w, 'alloc.zonelist_oom_locked', { pid: req.task.pid })
    return park(s)
  }
  try {
    // A parallel kill may have freed memory: the HIGH watermark, no reclaim.
    if (take(s, ALLOC_WMARK_HIGH | ALLOC_CPUSET) > 0) return 'again'
    let gate: string | null = null
    if (!g.nofail && req.order > COSTLY_ORDER) gate = 'costly_order'
    else if (!g.nofail && c.classZone < w.mem.zoneSlots.indexOf('Normal')) gate = 'lowmem'
    else if (!g.nofail && g.thisnode) gate = '__GFP_THISNODE'
    if (gate !== null) {
      emit(w, 'alloc.oom_skipped', { pid: req.task.pid, gate, gfp: g.mask, order: req.order })
      // __GFP_THISNODE: back to restart, which loops; costly and lowmem requests fail.
      return gate === '__GFP_THISNODE' ? park(s) : 'nopage'
    }
    flush(s)
    s.oomCalls++
    const r = hooks.outOfMemory({
      site: req.site ?? 'kernel',
      gfpMask: g.mask,
      order: req.order,
      nodemask: req.task.mempolicy
    })
    if (r.currentKilled || req.task.fatalSignal) {
      // TIF_MEMDIE: the restart goes through __alloc_pages_high_priority() for this page.
      s.got += takeBulk(c, 1, ALLOC_NO_WATERMARKS)
      return done(s, s.got >= req.count ? 'ok' : 'killed')
    }
    // A victim is on its way out (or nothing was done): the task loops through restart until
    // memory comes back; the simulator parks it until the world changes.
    return park(s)
  } finally {
    clearZonelistOom(c)
  }
}

/** The no-progress branch: OOM only for (gfp & __GFP_FS) && !(gfp & __GFP_NORETRY). */
function noProgress(s: Slow): PassEnd | 'retry' {
  const { g, req, w } = s.c
  if (!g.fs || g.noretry) {
    emit(w, 'alloc.oom_not_allowed', { pid: req.task.pid, gfp: g.mask, order: req.order })
    return 'retry'
  }
  // Coredumps can quickly deplete all memory reserves.
  if (req.task.dumpcore && !g.nofail) return 'nopage'
  return mayOom3x(s)
}

/** One restart: wake kswapd, then the rebalance loop until a page, nopage or a park. */
function restartPass(s: Slow): PassEnd {
  const { c, hooks } = s
  const { g, req, w } = c
  let pagesReclaimed = 0
  let passes = 0
  if (g.kswapdReclaim) wakeAll(c, hooks)
  const flags = gfpToAllocFlags(g)
  for (;;) {
    if (take(s, flags & ~ALLOC_NO_WATERMARKS) > 0) return 'again'
    if (highPriority(c)) {
      // __alloc_pages_high_priority(): no watermarks; __GFP_NOFAIL waits and tries again.
      if (take(s, ALLOC_NO_WATERMARKS) > 0) return 'again'
      if (g.nofail) return park(s)
    }
    if (!g.directReclaim || req.task.pfMemalloc) return 'nopage'
    // Avoid allocations with no watermarks from looping endlessly.
    if (req.task.oomVictim && !g.nofail) return 'nopage'
    if (req.order > 0 && directCompact(c, flags, req.count - s.got) > 0) return 'again'
    const reclaimed = directReclaim(c)
    if (take(s, flags) > 0) return 'again'
    const progress = reclaimed > 0 || zonesReclaimable(c)
    if (!progress) {
      const end = noProgress(s)
      if (end !== 'retry') return end
    }
    pagesReclaimed += reclaimed
    if (!shouldAllocRetry(g, req.order, progress, pagesReclaimed)) {
      if (req.order > 0 && directCompact(c, flags, req.count - s.got) > 0) return 'again'
      return 'nopage'
    }
    // wait_iff_congested(preferred_zone, BLK_RW_ASYNC, HZ/50), then rebalance.
    emit(w, 'alloc.wait_iff_congested', { pid: req.task.pid, order: req.order })
    if (reclaimed === 0 || ++passes >= PROGRESS_PASSES) {
      // Retrying forever (order <= PAGE_ALLOC_COSTLY_ORDER): park until the world changes.
      emit(w, 'alloc.retry_forever', { pid: req.task.pid, gfp: g.mask, order: req.order })
      return park(s)
    }
  }
}

/** __alloc_pages_slowpath(), 2.6.32–4.6: passes until the request is served or given up. */
export function slowPath3x(s: Slow): AllocResult {
  const c = s.c
  // GFP_THISNODE (__GFP_THISNODE | __GFP_NORETRY | __GFP_NOWARN) never reclaims or OOMs.
  const thisnodeOnly = c.g.thisnode && c.g.noretry
  let first = true
  while (s.got < c.req.count && !thisnodeOnly) {
    // The fast path again after a pass that got pages.
    if (!first && take(s, ALLOC_WMARK_LOW | ALLOC_CPUSET) >= 0 && s.got >= c.req.count) break
    first = false
    const end = restartPass(s)
    if (end === 'nopage') break
    if (end !== 'again') return end
  }
  if (s.got >= c.req.count) return done(s, 'ok')
  return nopage(s)
}
