/**
 * @module The steps both slow paths share (mm/page_alloc.c): the running state of one
 * __alloc_pages_slowpath() call, direct reclaim and compaction, handing placed pages to the
 * caller before the OOM killer runs, and the nopage ending (__GFP_NOFAIL loop or warn_alloc()).
 */
import type { KernelProfile } from '../profiles.ts'
import type { Zone } from './zone.ts'
import {
  nodeAllowed,
  takeBulk,
  type AllocHooks,
  type AllocResult,
  type AllocStatus,
  type Ctx
} from './alloc-context.ts'
import { ALLOC_MIN_RESERVE, ALLOC_WMARK_MIN } from './watermark-check.ts'
import { shrinkZones, SWAP_CLUSTER_MAX } from './reclaim.ts'
import { compactZoneResult, type CompactResult } from './compaction.ts'
import { emit } from './world.ts'

/** __alloc_pages_direct_reclaim()'s reclaim step: pages reclaimed from the zonelist. */
export function directReclaim(c: Ctx): number {
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

/** __alloc_pages_direct_compact(): compact every allowed zone, then take. */
export function directCompact(c: Ctx, flags: number, want: number): number {
  return directCompactResult(c, flags, want).got
}

/** Result order of enum compact_result: try_to_compact_pages() keeps the best of its zones. */
const resultRank: Record<CompactResult, number> = { skipped: 1, complete: 6, success: 9 }

/** __alloc_pages_direct_compact() with try_to_compact_pages()'s result (best over zones). */
export function directCompactResult(
  c: Ctx,
  flags: number,
  want: number
): { got: number; result: CompactResult } {
  let result: CompactResult = 'skipped'
  for (const zi of c.zonelist) {
    const z = c.w.zones[zi] as Zone
    if (!nodeAllowed(c.req.task, z.node, flags, c.g)) continue
    const r = compactZoneResult(c.w, z, c.req.order)
    if (resultRank[r] > resultRank[result]) result = r
  }
  return { got: takeBulk(c, want, flags), result }
}

/** The slow path's running state: blocks got so far, OOM calls, blocks handed to commit. */
export interface Slow {
  c: Ctx
  hooks: AllocHooks
  profile: KernelProfile
  got: number
  oomCalls: number
  committed: number
}

/** How a pass of the slow path ended: retry from the top, give up (nopage), or a result. */
export type PassEnd = 'again' | 'nopage' | AllocResult

export function done(s: Slow, status: AllocStatus): AllocResult {
  if (status === 'failed') s.c.w.stats.allocFailures++
  return { status, got: s.got, placed: s.c.placed, oomCalls: s.oomCalls }
}

/** Take what the request still lacks at `flags`; returns the blocks taken. */
export function take(s: Slow, flags: number): number {
  const n = takeBulk(s.c, s.c.req.count - s.got, flags)
  s.got += n
  return n
}

/** Hand what was placed so far to the caller's commit (before anything can OOM-kill). */
export function flush(s: Slow): void {
  const req = s.c.req
  if (req.commit === undefined || s.got <= s.committed) return
  const placed = s.c.placed
  s.c.placed = new Array<number>(placed.length).fill(0)
  req.commit(placed, s.got - s.committed)
  s.committed = s.got
}

/** nopage: __GFP_NOFAIL keeps looping; anything else fails with warn_alloc(). */
export function nopage(s: Slow): AllocResult {
  const { c, hooks } = s
  const { g, req, w } = c
  if (g.nofail) {
    // __alloc_pages_cpuset_fallback(ALLOC_MIN_RESERVE) on each pass; keep looping.
    take(s, ALLOC_WMARK_MIN | ALLOC_MIN_RESERVE)
    if (s.got >= req.count) return done(s, 'ok')
    emit(w, 'alloc.nofail_loop', { pid: req.task.pid, gfp: g.mask, order: req.order })
    return { ...done(s, 'blocked'), waitFor: 'nofail' }
  }
  if (!g.nowarn) {
    flush(s)
    hooks.warnAlloc({ gfpMask: g.mask, order: req.order, nodemask: req.task.mempolicy })
  }
  emit(w, 'alloc.fail', { pid: req.task.pid, comm: req.task.comm, gfp: g.mask, order: req.order })
  return done(s, 'failed')
}
