/**
 * @module The kernel threads on the simulated clock: kswapd (a balance_pgdat() pass every
 * KSWAPD_PERIOD_NS while awake) and the oom_reaper; and task exit, which a SIGKILL schedules.
 */
import { balancePgdat, KSWAPD_PERIOD_NS, kswapdPassesAtOnce } from '../kernel/mm/kswapd.ts'
import { exitTask } from '../kernel/mm/exit.ts'
import { lruGenAfterPass, lruGenAgeNode, kswapdThread } from '../kernel/mm/lru-gen-age.ts'
import { lowmemScan } from '../kernel/mm/lowmemorykiller.ts'
import { releaseReaped } from '../kernel/mm/unmap.ts'
import { outOf } from '../kernel/mm/world.ts'
import { reaperStep } from '../kernel/oom-reaper.ts'
import { emitSim, schedule, scheduleReaper } from './effects.ts'
import type { Sim } from './sim-state.ts'

/**
 * One kswapd pass on a node; it runs again after KSWAPD_PERIOD_NS while it reclaims, or while
 * it failed short of MAX_RECLAIM_RETRIES on a machine where it has a CPU of its own.
 */
export function runKswapd(sim: Sim, node: number): void {
  lruGenAgeNode(sim.w, node)
  lowmemScan(sim.w, kswapdThread(sim.w, node))
  const pass = balancePgdat(sim.w, node, kswapdPassesAtOnce(sim.w))
  lruGenAfterPass(sim.w, node, pass === 'again')
  const stillTrying =
    pass === 'failed' && sim.w.mem.nodes.some(n => n.id === node && n.kswapd.awake)
  if (stillTrying) schedule(sim, { kind: 'kswapd', t: sim.nowNs + KSWAPD_PERIOD_NS, node })
  if (pass !== 'again') return
  sim.worldChanged = true
  schedule(sim, { kind: 'kswapd', t: sim.nowNs + KSWAPD_PERIOD_NS, node })
}

/** The oom_reaper kthread: one step at the current time, then sleep until its next wake. */
export function runReaper(sim: Sim): void {
  const w = sim.w
  sim.reaperQueued = false
  const r = reaperStep(w.oom, sim.reaper, { profile: sim.profile, nowNs: sim.nowNs })
  outOf(w).log.push(...r.printk)
  for (const e of r.events) w.trace.push(e)
  for (const f of r.freed) {
    releaseReaped(w, f.mmId, f.anon, f.file + f.shmem)
    sim.samples.marks.push({
      tNs: sim.nowNs,
      kind: 'reaped',
      pid: f.pid,
      label: `reaped ${f.freedPages} pages`
    })
  }
  if (r.freed.length > 0 || r.events.length > 0) sim.worldChanged = true
  scheduleReaper(sim)
}

/** A task exits: it stops waiting or being scheduled to exit. */
export function exitProcess(sim: Sim, pid: number): void {
  const p = exitTask(sim.w, pid)
  if (p === undefined) return
  sim.exiting.delete(pid)
  sim.blocked.delete(pid)
  sim.worldChanged = true
  emitSim(sim, 'task.exit', { pid, comm: p.comm })
  sim.samples.marks.push({ tNs: sim.nowNs, kind: 'exit', pid, label: `${p.comm} exited` })
}
