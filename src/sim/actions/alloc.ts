/**
 * @module `do: alloc`: a kernel allocation of `count` blocks of `order` with a GFP mask, kept
 * (slab, driver buffers) or freed at once; __GFP_ACCOUNT charges it to the task's memcg.
 */
import { allocPages } from '../../kernel/mm/page-alloc.ts'
import { taskOf } from '../../kernel/mm/fault.ts'
import { decodeGfp, gfpFromText } from '../../kernel/mm/gfp-bits.ts'
import { tryCharge } from '../../kernel/mm/memcg-charge.ts'
import { usageOf } from '../../kernel/mm/world.ts'
import { freeToBuddy } from '../../kernel/mm/zone.ts'
import type { KernelProfile } from '../../kernel/profiles.ts'
import type { Process } from '../../kernel/types.ts'
import type { ActionSpecT } from '../schema.ts'
import type { Sim } from '../sim-state.ts'
import { emitSim } from '../effects.ts'
import { dead, DONE, hooks, one, proc, waitReason, type ActionHandler } from './common.ts'

type Alloc = Extract<ActionSpecT, { do: 'alloc' }>

const gfpOfAction = new WeakMap<KernelProfile, WeakMap<Alloc, number>>()

/** The action's GFP mask under the run's profile (parsed once). */
function gfpOf(sim: Sim, a: Alloc): number {
  let byAction = gfpOfAction.get(sim.profile)
  if (byAction === undefined) gfpOfAction.set(sim.profile, (byAction = new WeakMap()))
  let gfp = byAction.get(a)
  if (gfp === undefined) byAction.set(a, (gfp = gfpFromText(a.gfp, sim.profile) ?? 0))
  return gfp
}

/** memcg_kmem_charge() of `pages` kernel pages allocated with __GFP_ACCOUNT. */
function chargeKmem(sim: Sim, p: Process, gfp: number, order: number, pages: number): void {
  const w = sim.w
  usageOf(w, p.memcg).kernel += pages
  const gi = decodeGfp(gfp, sim.profile)
  const c = tryCharge(w, p.memcg, pages, { ...gi, order }, hooks(sim, p), {
    inUserFault: false,
    oomVictim: p.oomVictimMmId !== null
  })
  if (c.status === 'nomem') emitSim(sim, 'memcg.charge_fail', { pid: p.pid, pages })
}

export const alloc: ActionHandler<'alloc'> = (sim, a, call) => {
  const w = sim.w
  const p = proc(sim, a.pid)
  if (p === undefined || dead(sim, p)) return DONE
  const gfp = gfpOf(sim, a)
  const order = a.order ?? 0
  const count = call.resumeRemaining ?? a.count ?? 1
  const r = allocPages(w, { gfp, order, count, task: taskOf(p) }, hooks(sim, p))
  if (r.status !== 'ok')
    emitSim(sim, 'alloc.kernel', { pid: p.pid, gfp, order, count, got: r.got, status: r.status })
  r.placed.forEach((n, i) => {
    const z = w.zones[i]
    if (z === undefined || n === 0) return
    if (a.free === true) freeToBuddy(z, n, 'U')
    else z.stats.kernelOther += n
  })
  if (decodeGfp(gfp, sim.profile).account && a.free !== true && r.got > 0)
    chargeKmem(sim, p, gfp, order, r.got * 2 ** order)
  if (r.status === 'blocked')
    return one({ kind: 'blocked', remaining: count - r.got, reason: waitReason(r.waitFor) })
  return DONE
}
