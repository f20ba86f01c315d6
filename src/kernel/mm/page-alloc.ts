/**
 * @module The page allocator (mm/page_alloc.c): the fast path at the LOW watermark and the slow
 * path (wake kswapd, MIN watermark, direct compaction, direct reclaim, should_reclaim_retry,
 * should_compact_retry, __alloc_pages_may_oom with its gates, __GFP_NOFAIL, warn_alloc).
 *
 * Bulk: a request for `count` blocks of one order is served zone by zone in closed form
 * (O(zones x orders) per pass, never per page); passes repeat only when the path changes.
 * The OOM killer is reached through a hook so this module stays free of engine details.
 */
import type { KernelProfile } from '../profiles.ts'
import { COSTLY_ORDER, takeFromBuddy, type Zone } from './zone.ts'
import { decodeGfp, gfpMigrateType, gfpZone, type GfpInfo } from './gfp-bits.ts'
import {
  ALLOC_CPUSET,
  ALLOC_MIN_RESERVE,
  ALLOC_NO_WATERMARKS,
  ALLOC_NON_BLOCK,
  ALLOC_OOM,
  ALLOC_WMARK_HIGH,
  ALLOC_WMARK_LOW,
  ALLOC_WMARK_MIN,
  blocksAvailable,
  markOf,
  zoneWatermarkOk
} from './watermark-check.ts'
import { shrinkZones, SWAP_CLUSTER_MAX, zoneReclaimablePages } from './reclaim.ts'
import { compactZone } from './compaction.ts'
import { emit, type World } from './world.ts'

/** MAX_RECLAIM_RETRIES. */
export const MAX_RECLAIM_RETRIES = 16

/** The task on whose behalf memory is allocated. */
export interface AllocTask {
  pid: number | null
  comm: string
  /** tsk_is_oom_victim(current): may use ALLOC_OOM reserves. */
  oomVictim: boolean
  /** PF_MEMALLOC (reclaim context): ALLOC_NO_WATERMARKS. */
  pfMemalloc: boolean
  /** PF_DUMPCORE. */
  dumpcore: boolean
  /** Cpuset mems_allowed (null = every node). */
  cpusetMems: readonly number[] | null
  /** Mempolicy nodemask (MPOL_BIND), null = default. */
  mempolicy: readonly number[] | null
  preferredNode: number
  /** A fatal signal is pending (the allocation gives up where the kernel checks). */
  fatalSignal: boolean
}

/** Which kernel path asked for the pages. */
export type AllocSite = 'anon-fault' | 'pgtable' | 'pagecache' | 'swapin' | 'kernel'

/** One allocation request: `count` blocks of `order`. */
export interface AllocRequest {
  /** Which path asks (default 'kernel'). */
  site?: AllocSite
  /**
   * Called with the pages allocated so far (per zone position, and the block count) right
   * before the OOM killer or warn_alloc runs, so the caller can account them and the report
   * sees a consistent state. The returned `placed` then holds only what was not committed.
   */
  commit?: (placed: number[], blocks: number) => void
  gfp: number
  order: number
  count: number
  task: AllocTask
}

/** What the OOM hook answers (out_of_memory's return and whether current was killed). */
export interface OomHookResult {
  progress: boolean
  /** The allocating task itself was chosen (or was already exiting). */
  currentKilled: boolean
}

/** Effects the allocator needs from outside. */
export interface AllocHooks {
  outOfMemory(oc: {
    /** Where the allocation comes from (picks the call chain the report shows). */
    site: AllocSite
    gfpMask: number
    order: number
    nodemask: readonly number[] | null
  }): OomHookResult
  /** warn_alloc(): "page allocation failure" (the caller rate-limits and prints). */
  warnAlloc(info: { gfpMask: number; order: number; nodemask: readonly number[] | null }): void
  /** Wake kswapd on a node for an order and class zone. */
  wakeKswapd(node: number, order: number, classZone: number): void
}

/**
 * ok: all blocks allocated. failed: the request failed (partially allocated blocks are kept,
 * `got` says how many). blocked: the OOM killer made "progress" (a victim is dying, or a
 * !__GFP_FS request pretends progress) and the caller must retry once the world changes.
 * killed: the allocating task got a fatal signal.
 */
export type AllocStatus = 'ok' | 'failed' | 'blocked' | 'killed'

/** The outcome of one allocPages() call. */
export interface AllocResult {
  status: AllocStatus
  /** Blocks allocated. */
  got: number
  /** Pages placed per zone position. */
  placed: number[]
  oomCalls: number
  /** For 'blocked': what the task waits for. */
  waitFor?: 'oom-victim' | 'writeback' | 'nofail'
}

interface Ctx {
  w: World
  req: AllocRequest
  g: GfpInfo
  classZone: number
  zonelist: number[]
  mt: 'U' | 'M' | 'E'
  placed: number[]
}

function nodeAllowed(task: AllocTask, node: number, flags: number, g: GfpInfo): boolean {
  if (task.mempolicy !== null && !task.mempolicy.includes(node)) return false
  if (g.thisnode && node !== task.preferredNode) return false
  if ((flags & ALLOC_CPUSET) !== 0 && task.cpusetMems !== null && !task.cpusetMems.includes(node))
    return false
  return true
}

const zonelists = new WeakMap<World, Map<number, number[]>>()

/** The zonelist: preferred node first, then the others; zones from the class zone down. */
function buildZonelist(w: World, task: AllocTask, classZone: number): number[] {
  let cache = zonelists.get(w)
  if (cache === undefined) zonelists.set(w, (cache = new Map<number, number[]>()))
  const key = task.preferredNode * 64 + classZone
  let zl = cache.get(key)
  if (zl === undefined) {
    zl = buildZonelistUncached(w, task, classZone)
    cache.set(key, zl)
  }
  return zl
}

function buildZonelistUncached(w: World, task: AllocTask, classZone: number): number[] {
  const order = [...w.mem.nodes].sort(
    (a, b) =>
      (a.id === task.preferredNode ? -1 : 0) - (b.id === task.preferredNode ? -1 : 0) || a.id - b.id
  )
  const out: number[] = []
  for (const n of order) {
    const zs = [...n.zones].filter(z => z.idx <= classZone).sort((a, b) => b.idx - a.idx)
    for (const z of zs) {
      const zi = w.zones.indexOf(z)
      if (zi >= 0 && z.managedPages > 0) out.push(zi)
    }
  }
  return out
}

/** get_page_from_freelist(), bulk: take up to `want` blocks over the zonelist at `flags`. */
function takeBulk(c: Ctx, want: number, flags: number): number {
  let got = 0
  const order = c.req.order
  for (const zi of c.zonelist) {
    if (got >= want) break
    const z = c.w.zones[zi] as Zone
    if (!nodeAllowed(c.req.task, z.node, flags, c.g)) continue
    const n = Math.min(want - got, blocksAvailable(z, order, c.classZone, flags))
    if (n <= 0) continue
    const pages = takeFromBuddy(z, n * 2 ** order, order, c.mt)
    const blocks = Math.floor(pages / 2 ** order)
    c.placed[zi] = (c.placed[zi] ?? 0) + pages
    got += blocks
  }
  return got
}

/** gfp_to_alloc_flags(). */
function gfpToAllocFlags(g: GfpInfo): number {
  let f = ALLOC_WMARK_MIN | ALLOC_CPUSET
  if (g.high) f |= ALLOC_MIN_RESERVE
  if (!g.directReclaim) f |= ALLOC_NON_BLOCK
  if ((f & ALLOC_MIN_RESERVE) !== 0 && !g.directReclaim) f &= ~ALLOC_CPUSET
  return f
}

/** __gfp_pfmemalloc_flags(): reserves the task may dip into. */
function reserveFlags(g: GfpInfo, task: AllocTask): number {
  if (g.nomemalloc) return 0
  if (g.memalloc || task.pfMemalloc) return ALLOC_NO_WATERMARKS
  if (task.oomVictim) return ALLOC_OOM
  return 0
}

function wakeAll(c: Ctx, hooks: AllocHooks): void {
  const seen = new Set<number>()
  for (const zi of c.zonelist) {
    const z = c.w.zones[zi] as Zone
    if (seen.has(z.node)) continue
    seen.add(z.node)
    hooks.wakeKswapd(z.node, c.req.order, c.classZone)
  }
}

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

function directReclaim(c: Ctx): number {
  const g = c.g
  const reclaimed = shrinkZones(c.w, {
    zones: c.zonelist,
    nrToReclaim: Math.max(SWAP_CLUSTER_MAX, 2 ** c.req.order),
    mayIo: g.io,
    memcg: null,
    reason: 'direct',
    swappiness: c.w.mem.vm.swappiness
  })
  return reclaimed
}

function directCompact(c: Ctx, flags: number, want: number): number {
  for (const zi of c.zonelist) {
    const z = c.w.zones[zi] as Zone
    if (!nodeAllowed(c.req.task, z.node, flags, c.g)) continue
    compactZone(c.w, z, c.req.order)
  }
  return takeBulk(c, want, flags)
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
  const g = decodeGfp(req.gfp, profile)
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
  return slowPath(c, hooks, profile, fast)
}

/** Everything after a fast path that could not serve the whole request. */
function slowPath(c: Ctx, hooks: AllocHooks, profile: KernelProfile, fastGot: number): AllocResult {
  const { w, req, g } = c
  let got = fastGot
  let oomCalls = 0
  const done = (status: AllocStatus): AllocResult => {
    if (status === 'failed') w.stats.allocFailures++
    return { status, got, placed: c.placed, oomCalls }
  }
  let committed = 0
  const flush = (): void => {
    if (req.commit === undefined || got <= committed) return
    const placed = c.placed
    c.placed = new Array<number>(placed.length).fill(0)
    req.commit(placed, got - committed)
    committed = got
  }
  let first = true
  outer: while (got < req.count) {
    if (!first) {
      // Fast path again after a slow-path success.
      got += takeBulk(c, req.count - got, ALLOC_WMARK_LOW | ALLOC_CPUSET)
      if (got >= req.count) break
    }
    first = false
    // Slow path.
    let flags = gfpToAllocFlags(g)
    const want = (): number => req.count - got
    if (g.kswapdReclaim) wakeAll(c, hooks)
    let n = takeBulk(c, want(), flags)
    if (n > 0) {
      got += n
      continue
    }
    if (!g.directReclaim) break
    const costly = req.order > COSTLY_ORDER
    if (costly || (req.order > 0 && c.mt !== 'M')) {
      n = directCompact(c, flags, want())
      if (n > 0) {
        got += n
        continue
      }
      if (costly && g.noretry) break
    }
    const loops = { noProgress: 0 }
    let compactRetries = 0
    for (;;) {
      if (g.kswapdReclaim) wakeAll(c, hooks)
      const reserve = reserveFlags(g, req.task)
      if (reserve !== 0) flags = (flags & ~ALLOC_CPUSET) | reserve
      n = takeBulk(c, want(), flags)
      if (n > 0) {
        got += n
        continue outer
      }
      if (req.task.fatalSignal && !g.nofail) return done('killed')
      const reclaimed = directReclaim(c)
      n = takeBulk(c, want(), flags)
      if (n > 0) {
        got += n
        continue outer
      }
      if (req.order > 0) {
        n = directCompact(c, flags, want())
        if (n > 0) {
          got += n
          continue outer
        }
      }
      if (g.noretry) break outer
      if (costly && !g.retryMayfail) break outer
      const retry = shouldReclaimRetry(c, flags, reclaimed > 0, loops)
      if (retry === 'writeback') return { ...done('blocked'), waitFor: 'writeback' }
      if (retry) continue
      if (req.order > 0 && compactRetries < 3) {
        compactRetries++
        emit(w, 'compact.retry', { order: req.order, retries: compactRetries })
        continue
      }
      // __alloc_pages_may_oom().
      flush()
      const m = mayOom(c, hooks, want(), profile)
      if (m.called) oomCalls++
      if (m.got > 0) {
        got += m.got
        continue outer
      }
      if (m.currentKilled || req.task.fatalSignal) {
        // The OOM victim retries this one allocation with ALLOC_OOM reserves, then dies.
        n = takeBulk(c, 1, (flags & ~ALLOC_CPUSET) | ALLOC_OOM)
        got += n
        return done(got >= req.count ? 'ok' : 'killed')
      }
      if (req.task.oomVictim && ((flags & ALLOC_OOM) !== 0 || g.nomemalloc)) break outer
      if (m.progress) {
        // Progress was made (a victim is on its way out, or !__GFP_FS pretends): the
        // kernel loops here; the simulator resumes the task when the world changes.
        return { ...done('blocked'), waitFor: g.nofail ? 'nofail' : 'oom-victim' }
      }
      break outer
    }
  }
  if (got >= req.count) return done('ok')
  // nopage:
  if (g.nofail) {
    // __alloc_pages_cpuset_fallback(ALLOC_MIN_RESERVE) on each pass; keep looping.
    got += takeBulk(c, req.count - got, ALLOC_WMARK_MIN | ALLOC_MIN_RESERVE)
    if (got >= req.count) return done('ok')
    emit(w, 'alloc.nofail_loop', { pid: req.task.pid, gfp: g.mask, order: req.order })
    return { ...done('blocked'), waitFor: 'nofail' }
  }
  if (!g.nowarn) {
    flush()
    hooks.warnAlloc({ gfpMask: g.mask, order: req.order, nodemask: req.task.mempolicy })
  }
  emit(w, 'alloc.fail', { pid: req.task.pid, comm: req.task.comm, gfp: g.mask, order: req.order })
  return done('failed')
}

export {
  markOf,
  ALLOC_WMARK_LOW,
  ALLOC_WMARK_MIN,
  ALLOC_WMARK_HIGH,
  ALLOC_NON_BLOCK,
  ALLOC_MIN_RESERVE
}
