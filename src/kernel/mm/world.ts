/**
 * @module The simulated world the memory-management code works on: the memory model, the OOM
 * engine's state (processes, mms, memcgs), the page cache and where each mm's pages live.
 *
 * Units: pages. Zone positions (`zi`) index `allZones(mem)`.
 */
import type { KernelProfile } from '../profiles.ts'
import type { OomState } from '../types.ts'
import type { CowState } from './cow-state.ts'
import { emptyOutput, type KernelEnv, type KernelOutput } from './kernel-output.ts'
import { makeRatelimit } from '../ratelimit.ts'
import type { MemModel } from './model.ts'
import type { Zone } from './zone.ts'

/** A cached file (page cache of one inode). */
export interface CachedFile {
  path: string
  /** disk: evictable file LRU; tmpfs: shmem (swap-backed); ramfs: unevictable. */
  kind: 'disk' | 'tmpfs' | 'ramfs'
  sizePages: number
  /** Cached pages per zone position. */
  zones: number[]
  cached: number
  dirty: number
  writeback: number
  /** Pages swapped out (tmpfs). */
  swapped: number
  /** Pages mapped by each mm (mm id -> pages). */
  mappedBy: Map<number, number>
  mlocked: boolean
  /** Pages of the file an mlocked mapping holds (PG_mlocked, counted in NR_MLOCK once). */
  lockedPages?: number
  /** Memory cgroup charged for the cache. */
  memcg: string
  /** mms mapping the file whose pages they do not touch again (reclaim may unmap them). */
  unreferencedBy?: Set<number>
}

/** Where an mm's own pages live, per zone position. */
export interface MmPlacement {
  anonZones: number[]
  pgtableZones: number[]
}

/** Per-memcg local usage breakdown (for memory.stat and reclaim within a memcg). */
export interface MemcgUsage {
  anon: number
  file: number
  shmem: number
  kernel: number
  pagetables: number
  swap: number
}

/** A memory event a trace or sample might want; pushed by the mm code. */
export interface MmTraceEvent {
  type: string
  timeNs: number
  [key: string]: unknown
}

/** The world. */
export interface World {
  profile: KernelProfile
  mem: MemModel
  oom: OomState
  zones: Zone[]
  files: Map<string, CachedFile>
  placement: Map<number, MmPlacement>
  memcgUsage: Map<string, MemcgUsage>
  nowNs: number
  trace: MmTraceEvent[]
  /** pm_suspended_storage(). */
  suspendedStorage: boolean
  /** Counters for the summary. */
  stats: { allocEvents: number; allocFailures: number; reclaimedPages: number; swapOuts: number }
  /** Copy-on-write sharing of anonymous pages between forked mms (see cow.ts); absent = none. */
  cow?: CowState
  /** Machine facts and ratelimits for the kernel's printing (a default one on first use). */
  env?: KernelEnv
  /** What the kernel hands back (printk, effects), in order; the caller drains it. */
  out?: KernelOutput
}

export function emptyMemcgUsage(): MemcgUsage {
  return { anon: 0, file: 0, shmem: 0, kernel: 0, pagetables: 0, swap: 0 }
}

/** The placement record of an mm (created on first use). */
export function placementOf(w: World, mmId: number): MmPlacement {
  let p = w.placement.get(mmId)
  if (p === undefined) {
    p = {
      anonZones: new Array<number>(w.zones.length).fill(0),
      pgtableZones: new Array<number>(w.zones.length).fill(0)
    }
    w.placement.set(mmId, p)
  }
  return p
}

/** The usage record of a memcg (created on first use). */
export function usageOf(w: World, path: string): MemcgUsage {
  let u = w.memcgUsage.get(path)
  if (u === undefined) {
    u = emptyMemcgUsage()
    w.memcgUsage.set(path, u)
  }
  return u
}

/** The world's kernel environment (a plain default on first use). */
export function envOf(w: World): KernelEnv {
  w.env ??= {
    kernelRelease: 'unknown',
    hardware: null,
    cpus: 1,
    taint: null,
    build: null,
    showMemConfig: null,
    oomRatelimit: makeRatelimit(),
    nopageRatelimit: makeRatelimit(10_000_000_000, 1),
    pfRatelimit: makeRatelimit()
  }
  return w.env
}

/** The world's output buffer. */
export function outOf(w: World): KernelOutput {
  w.out ??= emptyOutput()
  return w.out
}

/** printk at the world's clock. */
export function printk(w: World, level: number, text: string): void {
  outOf(w).log.push({ timeNs: w.nowNs, level, text })
}

/** Emit a trace event stamped with the world's clock. */
export function emit(w: World, type: string, fields: Record<string, unknown> = {}): void {
  w.trace.push({ type, timeNs: w.nowNs, ...fields })
}

/**
 * Split `pages` over buckets proportionally to their weights (largest remainders last index
 * first), never taking more than a bucket holds. Returns the amounts; sum = min(pages, total).
 */
export function proportional(weights: readonly number[], pages: number): number[] {
  const total = weights.reduce((a, b) => a + b, 0)
  const out = new Array<number>(weights.length).fill(0)
  if (total <= 0 || pages <= 0) return out
  const want = Math.min(pages, total)
  let given = 0
  for (let i = 0; i < weights.length; i++) {
    const share = Math.floor(((weights[i] ?? 0) * want) / total)
    out[i] = share
    given += share
  }
  for (let i = weights.length - 1; i >= 0 && given < want; i--) {
    const room = (weights[i] ?? 0) - (out[i] ?? 0)
    const add = Math.min(room, want - given)
    out[i] = (out[i] ?? 0) + add
    given += add
  }
  return out
}
