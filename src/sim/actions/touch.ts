/**
 * @module `do: touch`: a task writes anonymous memory (page faults), growing its heap when the
 * mapping is full, or writes pages shared copy-on-write since a fork. A repeating touch merges
 * the iterations in which nothing can happen (no watermark, limit or queue event in reach).
 */
import type { Mm, Process, Vma } from '../../kernel/types.ts'
import { cowWrite, faultAnon, vmaTouched } from '../../kernel/mm/fault.ts'
import { decodeGfp, gfpFromNames, gfpZone } from '../../kernel/mm/gfp-bits.ts'
import { chargeMargin, extraOf } from '../../kernel/mm/memcg-charge.ts'
import { growHeap, growHeapChecked, heapStepsAllowed } from '../../kernel/mm/mmap.ts'
import { durationToNs, sizeToPages } from '../size.ts'
import type { ActionSpecT } from '../schema.ts'
import type { Sim } from '../sim-state.ts'
import { emitSim } from '../effects.ts'
import { afterFault, dead, DONE, hooks, pickVma, proc, type ActionHandler } from './common.ts'

type Touch = Extract<ActionSpecT, { do: 'touch' }>

/** Pages the zones a task may allocate from can give before the low watermark (per class). */
function pagesAboveLow(sim: Sim, p: Process): { safe: number; safePg: number } {
  const w = sim.w
  const g = decodeGfp(gfpFromNames(sim.profile.alloc.anonFaultGfp, sim.profile), sim.profile)
  const classZone = gfpZone(g, w.mem)
  const pg = decodeGfp(gfpFromNames(sim.profile.alloc.pgtableGfp, sim.profile), sim.profile)
  const pgClass = gfpZone(pg, w.mem)
  let safe = 0
  let safePg = 0
  for (const z of w.zones) {
    if (p.memsAllowed.length > 0 && !p.memsAllowed.includes(z.node)) continue
    const policy = p.threads[0]?.mempolicyNodes ?? null
    if (policy !== null && !policy.includes(z.node)) continue
    if (z.idx <= classZone)
      safe += Math.max(0, z.free - z.wmarkLow - z.boost - (z.lowmemReserve[classZone] ?? 0) - 2)
    if (z.idx <= pgClass)
      safePg += Math.max(0, z.free - z.wmarkLow - z.boost - (z.lowmemReserve[pgClass] ?? 0) - 2)
  }
  return { safe, safePg }
}

/** How many iterations of a repeating touch can be merged without any decision happening. */
function mergeableIterations(
  sim: Sim,
  a: Touch,
  p: Process,
  at: { iter: number; step: number; everyNs: number }
): number {
  const { iter, step, everyNs } = at
  const maxIters = a.count !== undefined ? a.count - iter : Number.POSITIVE_INFINITY
  const next = sim.queue[0]
  const horizon = Math.min(next === undefined ? sim.endNs : next.t, sim.endNs)
  const byTime = Math.max(1, Math.floor((horizon - 1 - sim.nowNs) / everyNs) + 1)
  const w = sim.w
  const { safe, safePg } = pagesAboveLow(sim, p)
  const perIter = step + Math.ceil(step / 512) + 2
  let byMem = Math.floor(Math.min(safe, safePg * 400) / perIter)
  const { margin } = chargeMargin(w, p.memcg)
  if (Number.isFinite(margin)) byMem = Math.min(byMem, Math.floor(margin / perIter))
  const e = extraOf(w, p.memcg)
  const m = w.oom.memcgs.get(p.memcg)
  if (e.high !== null && m !== undefined)
    byMem = Math.min(byMem, Math.floor(Math.max(0, e.high - m.usage) / perIter))
  const vma = pickVma(sim, p, a.vma, true)
  if (vma !== undefined)
    byMem = Math.min(byMem, Math.floor((vma.pages - (vmaTouched.get(vma) ?? vma.anon)) / step))
  return Math.max(1, Math.min(maxIters, byTime, byMem))
}

/**
 * brk() / malloc's next mmap for `iters` writes of `step` pages (or one of `want`): each write
 * maps what it lacks on its own, so every growth passes its own overcommit check.
 */
function growHeapSteps(
  w: Sim['w'],
  p: Process,
  mm: Mm,
  g: { picked: Vma | undefined; step: number; iters: number; want: number }
): Vma | null {
  if (g.iters === 1) return growHeap(w, p, mm, g.picked, g.want)
  return growHeapChecked(w, p, mm, g.picked, { step: g.step, steps: g.iters })
}

/** The writing thread's tid: `thread` as a tid, else the first thread so named, else the leader. */
export function touchingTid(p: Process, thread: Touch['thread']): number {
  if (typeof thread === 'number') return thread
  if (thread === undefined) return p.pid
  return p.threads.find(t => t.comm === thread)?.tid ?? p.pid
}

export const touch: ActionHandler<'touch'> = (sim, a, call) => {
  const w = sim.w
  const p = proc(sim, a.pid)
  if (p === undefined || dead(sim, p)) return DONE
  const tid = touchingTid(p, a.thread)
  const mm = p.mmId === null ? undefined : w.oom.mms.get(p.mmId)
  const step = sizeToPages(a.size)
  const picked = a.cow === true ? undefined : pickVma(sim, p, a.vma, true)
  // Without a named mapping the heap grows (brk / malloc's next mmap) so the whole size is
  // touched; ENOMEM from brk/mmap ends the program's growth loop.
  const growsHeap = a.cow !== true && (a.vma === undefined || picked === undefined)
  let iters = 1
  if (call.resumeRemaining === null && a.every !== undefined) {
    const everyNs = durationToNs(a.every)
    iters = mergeableIterations(sim, a, p, { iter: call.iter, step, everyNs })
    if (growsHeap && iters > 1 && mm !== undefined) {
      const room = picked === undefined ? 0 : picked.pages - (vmaTouched.get(picked) ?? picked.anon)
      const freedPerStep = step + Math.ceil(step / 512)
      iters = Math.max(1, heapStepsAllowed(w, p, mm, { step, steps: iters, room, freedPerStep }))
    }
    if (iters > 1) sim.nowNs += (iters - 1) * everyNs
    w.nowNs = sim.nowNs
  }
  const want = call.resumeRemaining ?? step * iters
  if (mm === undefined) return DONE
  if (a.cow === true) {
    // Writes to pages shared copy-on-write since a fork (do_wp_page).
    const r = cowWrite(w, p, mm, want, hooks(sim, p, tid))
    return { out: afterFault(sim, p, r, want), iters }
  }
  const vma = growsHeap ? growHeapSteps(w, p, mm, { picked, step, iters, want }) : picked
  if (vma === null || vma === undefined) {
    sim.stopped.add(call.index)
    return DONE
  }
  const r = faultAnon(w, p, mm, vma, want, hooks(sim, p, tid))
  if (r.status === 'ok' && r.done < want)
    // A named mapping ends here: the program would fault (SIGSEGV) past it.
    emitSim(sim, 'task.touch_past_end', { pid: p.pid, vma: a.vma, pages: want - r.done })
  return { out: afterFault(sim, p, r, want), iters }
}
