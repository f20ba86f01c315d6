/**
 * @module The page allocator's request, result and hook types, and the allocation context one
 * __alloc_pages() call works in: its zonelist (preferred node first), the bulk
 * get_page_from_freelist(), and the GFP -> ALLOC_* flag translations.
 */
import { takeFromBuddy, type Zone } from './zone.ts'
import type { GfpInfo } from './gfp-bits.ts'
import {
  ALLOC_CPUSET,
  ALLOC_MIN_RESERVE,
  ALLOC_NO_WATERMARKS,
  ALLOC_NON_BLOCK,
  ALLOC_OOM,
  ALLOC_WMARK_MIN,
  blocksAvailable
} from './watermark-check.ts'
import type { World } from './world.ts'
import { pcpModelled, takeOrder0 } from './pcp-alloc.ts'

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
  /** Inside memalloc_noio_save() / memalloc_nofs_save() (page-alloc-gfp-context.ts). */
  memallocScope?: 'noio' | 'nofs'
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

export interface Ctx {
  w: World
  req: AllocRequest
  g: GfpInfo
  classZone: number
  zonelist: number[]
  mt: 'U' | 'M' | 'E'
  placed: number[]
}

export function nodeAllowed(task: AllocTask, node: number, flags: number, g: GfpInfo): boolean {
  if (task.mempolicy !== null && !task.mempolicy.includes(node)) return false
  if (g.thisnode && node !== task.preferredNode) return false
  if ((flags & ALLOC_CPUSET) !== 0 && task.cpusetMems !== null && !task.cpusetMems.includes(node))
    return false
  return true
}

const zonelists = new WeakMap<World, Map<number, number[]>>()

/** The zonelist: preferred node first, then the others; zones from the class zone down. */
export function buildZonelist(w: World, task: AllocTask, classZone: number): number[] {
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
export function takeBulk(c: Ctx, want: number, flags: number): number {
  let got = 0
  const order = c.req.order
  for (const zi of c.zonelist) {
    if (got >= want) break
    const z = c.w.zones[zi] as Zone
    if (!nodeAllowed(c.req.task, z.node, flags, c.g)) continue
    if (order === 0 && pcpModelled(c.w)) {
      // 6.7+: order-0 pages come through the CPU's per-CPU list (pcp-alloc.ts).
      const pages = takeOrder0(c.w, z, {
        classZone: c.classZone,
        flags,
        want: want - got,
        mt: c.mt
      })
      c.placed[zi] = (c.placed[zi] ?? 0) + pages
      got += pages
      continue
    }
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
export function gfpToAllocFlags(g: GfpInfo): number {
  let f = ALLOC_WMARK_MIN | ALLOC_CPUSET
  if (g.high) f |= ALLOC_MIN_RESERVE
  if (!g.directReclaim) f |= ALLOC_NON_BLOCK
  if ((f & ALLOC_MIN_RESERVE) !== 0 && !g.directReclaim) f &= ~ALLOC_CPUSET
  return f
}

/** __gfp_pfmemalloc_flags(): reserves the task may dip into. */
export function reserveFlags(g: GfpInfo, task: AllocTask): number {
  if (g.nomemalloc) return 0
  if (g.memalloc || task.pfMemalloc) return ALLOC_NO_WATERMARKS
  if (task.oomVictim) return ALLOC_OOM
  return 0
}

export function wakeAll(c: Ctx, hooks: AllocHooks): void {
  const seen = new Set<number>()
  for (const zi of c.zonelist) {
    const z = c.w.zones[zi] as Zone
    if (seen.has(z.node)) continue
    seen.add(z.node)
    hooks.wakeKswapd(z.node, c.req.order, c.classZone)
  }
}
