/**
 * @module Android's lowmemorykiller (drivers/staging/android/lowmemorykiller.c of the Android
 * common kernels, android-4.14 and android-4.9 alike; mainline dropped it in 4.12): a shrinker
 * that, whenever reclaim runs its shrinkers (kswapd and direct reclaim), compares free memory
 * and the page cache with the lowmem_minfree thresholds and SIGKILLs the process with the
 * highest oom_score_adj at or above the matching lowmem_adj, the biggest on a tie, before the
 * kernel's OOM killer is reached. Behind `alloc.lowmemorykiller` (profile '4.14-android').
 *
 * Units: pages. The four lines of its one pr_info() share a record in the kernel (one
 * timestamp); here they are four records of the same instant.
 */
import type { Process } from '../types.ts'
import { mmRss } from '../oom-badness.ts'
import { emit, outOf, printk, type World } from './world.ts'

/** lowmem_adj[] and lowmem_minfree[] defaults (module parameters adj and minfree). */
export const LOWMEM_ADJ = [0, 1, 6, 12] as const
export const LOWMEM_MINFREE = [3 * 512, 2 * 1024, 4 * 1024, 16 * 1024] as const

/** /sys/module/lowmemorykiller/parameters and the driver's state, per world. */
interface LmkState {
  adj: number[]
  minfree: number[]
  /** lowmem_deathpending_timeout (ns): one HZ after the last kill. */
  deathpendingNs: number
  /** Tasks killed with task_set_lmk_waiting() and not yet gone. */
  waiting: Set<number>
}

const states = new WeakMap<World, LmkState>()

function stateOf(w: World): LmkState {
  let s = states.get(w)
  if (s === undefined) {
    s = {
      adj: [...LOWMEM_ADJ],
      minfree: [...LOWMEM_MINFREE],
      deathpendingNs: -1,
      waiting: new Set()
    }
    states.set(w, s)
  }
  return s
}

/** Writes to /sys/module/lowmemorykiller/parameters/{adj,minfree} (comma lists). */
export function setLowmemParams(
  w: World,
  name: 'adj' | 'minfree',
  values: readonly number[]
): void {
  stateOf(w)[name] = [...values]
}

/** other_free and other_file of lowmem_scan(): free minus totalreserve_pages, and the page
 * cache without shmem, unevictable and swap cache pages. */
function freeAndFile(w: World): { otherFree: number; otherFile: number } {
  const free = w.zones.reduce((a, z) => a + z.free, 0)
  const reserve = w.zones.reduce((a, z) => a + z.wmarkHigh + Math.max(0, ...z.lowmemReserve), 0)
  let file = 0
  for (const n of w.mem.nodes)
    file += n.counters.filePages - n.counters.shmem - n.counters.swapCache
  file -= w.zones.reduce((a, z) => a + z.stats.unevictable, 0)
  return { otherFree: free - reserve, otherFile: file }
}

/** The task lowmem_scan() picks: highest oom_score_adj >= minAdj, then the largest rss. */
function selectVictim(w: World, minAdj: number): { p: Process; rss: number } | null {
  let best: { p: Process; rss: number } | null = null
  for (const p of w.oom.processes) {
    if (p.kthread || p.mmId === null) continue
    const mm = w.oom.mms.get(p.mmId)
    if (mm === undefined || p.oomScoreAdj < minAdj) continue
    const rss = mmRss(mm)
    if (rss <= 0) continue
    if (best !== null) {
      if (p.oomScoreAdj < best.p.oomScoreAdj) continue
      if (p.oomScoreAdj === best.p.oomScoreAdj && rss <= best.rss) continue
    }
    best = { p, rss }
  }
  return best
}

/** A lowmemorykiller victim is still dying (the allocator waits for it rather than OOM). */
export function lowmemVictimPending(w: World): boolean {
  const s = states.get(w)
  if (s === undefined) return false
  return [...s.waiting].some(pid => w.oom.processes.some(p => p.pid === pid))
}

/**
 * lowmem_scan(), android-4.14 lowmemorykiller.c, run for `current` (the reclaiming task).
 * Returns the pid it killed, or null. Nothing while an earlier victim is still dying within
 * its one-second deathpending window.
 */
export function lowmemScan(w: World, current: { pid: number; comm: string }): number | null {
  if (!w.profile.alloc.lowmemorykiller) return null
  const s = stateOf(w)
  for (const pid of s.waiting) if (!w.oom.processes.some(p => p.pid === pid)) s.waiting.delete(pid)
  const { otherFree, otherFile } = freeAndFile(w)
  const n = Math.min(s.adj.length, s.minfree.length)
  let i = 0
  while (i < n && !(otherFree < (s.minfree[i] ?? 0) && otherFile < (s.minfree[i] ?? 0))) i++
  if (i === n) return null
  const minAdj = s.adj[i] ?? 0
  const minfree = s.minfree[i] ?? 0
  if (s.waiting.size > 0 && w.nowNs <= s.deathpendingNs) return null
  const v = selectVictim(w, minAdj)
  if (v === null) return null
  v.p.sigkillPending = true
  s.waiting.add(v.p.pid)
  s.deathpendingNs = w.nowNs + 1_000_000_000
  outOf(w).effects.push({ type: 'signal', pid: v.p.pid, signal: 'SIGKILL' })
  emit(w, 'reclaim.lowmemorykiller', { pid: v.p.pid, adj: v.p.oomScoreAdj, rss: v.rss, minAdj })
  const kb = (pages: number): number => pages * 4
  const lines = [
    `lowmemorykiller: Killing '${v.p.comm}' (${v.p.pid}) (tgid ${v.p.pid}), adj ${v.p.oomScoreAdj},`,
    `   to free ${kb(v.rss)}kB on behalf of '${current.comm}' (${current.pid}) because`,
    `   cache ${kb(otherFile)}kB is below limit ${kb(minfree)}kB for oom_score_adj ${minAdj}`,
    `   Free memory is ${kb(otherFree)}kB above reserved`
  ]
  for (const l of lines) printk(w, 6, l)
  return v.p.pid
}
