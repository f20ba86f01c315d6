/**
 * @module swapon() / swapoff() (mm/swapfile.c). swapoff stops the device taking new pages
 * (total_swap_pages drops at once), then try_to_unuse() swaps every entry back in as the
 * caller, which is marked the OOM origin; an interrupted swapoff gives the device back.
 *
 * Units: pages.
 */
import type { Process } from '../types.ts'
import { taskOf, type FaultHooks } from './fault.ts'
import { gfpFromNames } from './gfp-bits.ts'
import { totalSwapPages, type SwapDevice } from './model.ts'
import { allocPages } from './page-alloc.ts'
import { emit, placementOf, printk, type World } from './world.ts'

/** swapon(): the device takes pages; "Adding %uk swap on %s.  Priority:%d extents:%d across:%lluk %s". */
export function swapon(w: World, name: string): void {
  const d = w.mem.swap.find(x => x.name === name)
  if (d !== undefined) d.active = true
  w.oom.totalSwapPages = totalSwapPages(w.mem)
  const kb = d === undefined ? 0 : d.pages * 4
  printk(
    w,
    6,
    `Adding ${kb}k swap on ${name}.  Priority:${d?.priority ?? -2} extents:1 across:${kb}k FS`
  )
  emit(w, 'task.swapon', { name })
}

/** Who swapoff() runs as, and the hooks of a task's allocations. */
export interface SwapoffCaller {
  caller: Process | undefined
  hooksOf: (p: Process) => FaultHooks
}

/** swapoff(): returns false when nothing was to do (no such active device). */
export function swapoff(w: World, name: string, c: SwapoffCaller): boolean {
  const d = w.mem.swap.find(x => x.name === name)
  if (d === undefined || !d.active) return false
  const caller = c.caller
  d.active = false
  w.oom.totalSwapPages = totalSwapPages(w.mem)
  if (caller !== undefined) caller.oomOrigin = true
  const ok = tryToUnuse(w, d, c)
  if (caller !== undefined) caller.oomOrigin = false
  if (!ok && d.used > 0) {
    // Interrupted (the caller was killed or the allocation failed): the device goes back.
    d.active = true
    w.oom.totalSwapPages = totalSwapPages(w.mem)
  }
  emit(w, 'task.swapoff', { name, left: d.used, ok })
  return true
}

/** try_to_unuse(): swap each mm's entries on the device back in; false when interrupted. */
function tryToUnuse(w: World, d: SwapDevice, c: SwapoffCaller): boolean {
  for (const mm of [...w.oom.mms.values()]) {
    if (mm.swapEnts === 0 || d.used === 0) continue
    const owner = w.oom.processes.find(q => q.mmId === mm.id)
    if (owner === undefined) continue
    const actor = c.caller ?? owner
    const n = Math.min(mm.swapEnts, d.used)
    const g = gfpFromNames(['GFP_HIGHUSER_MOVABLE'], w.profile)
    const r = allocPages(
      w,
      { site: 'swapin', gfp: g, order: 0, count: n, task: taskOf(actor) },
      c.hooksOf(actor)
    )
    const pl = placementOf(w, mm.id)
    r.placed.forEach((k, i) => {
      const z = w.zones[i]
      if (z !== undefined) z.stats.activeAnon += k
      pl.anonZones[i] = (pl.anonZones[i] ?? 0) + k
    })
    mm.swapEnts -= r.got
    mm.anon += r.got
    d.used -= r.got
    const u = w.memcgUsage.get(owner.memcg)
    if (u !== undefined) {
      u.anon += r.got
      u.swap -= r.got
    }
    if (r.status !== 'ok' || actor.sigkillPending) return false
  }
  return true
}
