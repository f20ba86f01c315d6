/**
 * @module The memcg charge path (try_charge_memcg, simplified): charge pages against every
 * ancestor's limit, reclaim inside the memcg when over, retry up to the profile's
 * alloc.memcgReclaimRetries (MEM_CGROUP_RECLAIM_RETRIES 5 before 5.9, then 16), then
 * the memcg OOM (synchronous from 4.19; v1 oom_kill_disable makes the task wait), memory.high
 * throttling and the memory.events counters.
 *
 * Units: pages.
 */
import type { Memcg } from '../types.ts'
import { shrinkZones } from './reclaim.ts'
import { emit, type World } from './world.ts'
import { extraOf } from './memcg-extras.ts'

export { extraOf, memcgExtras, type MemcgExtra } from './memcg-extras.ts'

/** The memcg and its ancestors, nearest first (root included). */
export function ancestors(w: World, path: string): Memcg[] {
  const out: Memcg[] = []
  let p = path
  for (;;) {
    const m = w.oom.memcgs.get(p)
    if (m !== undefined) out.push(m)
    if (p === '/' || p === '') break
    const cut = p.lastIndexOf('/')
    p = cut <= 0 ? '/' : p.slice(0, cut)
  }
  return out
}

/** Room left before the tightest limit among the ancestors, and which memcg that is. */
export function chargeMargin(w: World, path: string): { margin: number; over: Memcg | null } {
  let margin = Number.POSITIVE_INFINITY
  let over: Memcg | null = null
  for (const m of ancestors(w, path)) {
    if (m.path === '/' || m.limit === null) continue
    const room = m.limit - m.usage
    if (room < margin) {
      margin = room
      over = m
    }
  }
  return { margin, over }
}

function bumpEvent(w: World, m: Memcg, key: 'low' | 'high' | 'max' | 'oom' | 'oom_kill'): void {
  m.eventsLocal[key]++
  for (const a of ancestors(w, m.path)) a.events[key]++
}

/** Add a charge to the memcg and every ancestor (no limit check). */
export function forceCharge(w: World, path: string, pages: number): void {
  for (const m of ancestors(w, path)) m.usage += pages
}

/** What the charge path needs from outside. */
export interface ChargeHooks {
  /** mem_cgroup_out_of_memory(): returns true when it made progress (killed or aborted). */
  memcgOom(memcg: Memcg, gfpMask: number, order: number): boolean
}

/** ok, nomem (-ENOMEM), blocked (an OOM kill is in flight), wait (v1 oom_kill_disable). */
export type ChargeStatus = 'ok' | 'nomem' | 'blocked' | 'wait'

/** memory.high: reclaim each ancestor's excess on the way back to user space. */
function reclaimHigh(w: World, path: string): void {
  for (const m of ancestors(w, path)) {
    const e = extraOf(w, m.path)
    if (e.high === null || m.usage <= e.high) continue
    bumpEvent(w, m, 'high')
    shrinkZones(w, {
      zones: w.zones.map((_, i) => i),
      nrToReclaim: m.usage - e.high,
      mayIo: true,
      memcg: m.path,
      reason: 'memcg_high',
      swappiness: m.swappiness
    })
  }
}

/**
 * try_charge(): charge `pages` to `path`. 'wait' = v1 oom_kill_disable (the task sleeps until
 * the memcg is uncharged), 'blocked' = an OOM kill is in flight, 'nomem' = -ENOMEM.
 */
export function tryCharge(
  w: World,
  path: string,
  pages: number,
  gfp: {
    mask: number
    order: number
    noretry: boolean
    retryMayfail: boolean
    nofail: boolean
    high: boolean
    directReclaim: boolean
    io: boolean
  },
  hooks: ChargeHooks,
  opts: { inUserFault: boolean; oomVictim: boolean }
): { status: ChargeStatus; charged: number } {
  let charged = 0
  const maxRetries = w.profile.alloc.memcgReclaimRetries
  let retries = maxRetries
  for (;;) {
    const { margin, over } = chargeMargin(w, path)
    const now = Math.min(pages - charged, Math.max(0, margin))
    if (now > 0) {
      forceCharge(w, path, now)
      charged += now
    }
    if (charged >= pages || over === null) {
      if (charged < pages) {
        forceCharge(w, path, pages - charged)
        charged = pages
      }
      break
    }
    over.failcnt++
    bumpEvent(w, over, 'max')
    if (!gfp.directReclaim) return finishNomem()
    const reclaimed = shrinkZones(w, {
      zones: w.zones.map((_, i) => i),
      nrToReclaim: Math.max(32, pages - charged),
      mayIo: gfp.io,
      memcg: over.path,
      reason: 'memcg',
      swappiness: over.swappiness
    })
    if (chargeMargin(w, path).margin > 0) continue
    if (gfp.noretry) return finishNomem()
    if (reclaimed > 0 && pages - charged <= 8) continue
    // try_charge(), 4.14–6.18: `if (nr_retries--) goto retry`, whether or not reclaim progressed.
    if (retries-- > 0) continue
    if (gfp.retryMayfail || opts.oomVictim) return finishNomem()
    // mem_cgroup_oom(): order > 3 skips it.
    bumpEvent(w, over, 'oom')
    if (gfp.order > 3) return finishNomem()
    if (over.oomKillDisable) {
      over.underOom = true
      emit(w, 'memcg.oom_wait', { memcg: over.path })
      return { status: opts.inUserFault ? 'wait' : 'nomem', charged }
    }
    emit(w, 'memcg.oom', { memcg: over.path, usage: over.usage, limit: over.limit })
    const progress = hooks.memcgOom(over, gfp.mask, gfp.order)
    if (!progress) return finishNomem()
    if (chargeMargin(w, path).margin > 0) {
      retries = maxRetries
      continue
    }
    return { status: 'blocked', charged }
  }
  reclaimHigh(w, path)
  return { status: 'ok', charged }

  function finishNomem(): { status: ChargeStatus; charged: number } {
    if (gfp.nofail || gfp.high) {
      forceCharge(w, path, pages - charged)
      return { status: 'ok', charged: pages }
    }
    return { status: 'nomem', charged }
  }
}
