/**
 * @module The task actions: `fork` (also vfork and CLONE_VM), `exec`, `exit`, `kill`, and the
 * OOM knobs `set-oom-score-adj` / `set-oom-adj`.
 */
import type { Mm, Process } from '../../kernel/types.ts'
import { execMm } from '../../kernel/mm/exec.ts'
import { allocKernelStack, copyPageTables, copyProcess, dupMmap } from '../../kernel/mm/fork.ts'
import { outOf } from '../../kernel/mm/world.ts'
import { writeOomAdj, writeOomScoreAdj } from '../../kernel/proc-knobs.ts'
import type { Sim } from '../sim-state.ts'
import { emitSim, scheduleExit } from '../effects.ts'
import { exitProcess } from '../kthreads.ts'
import { dead, DONE, hooks, proc, type ActionHandler } from './common.ts'

/** dup_mmap() for the child, carrying the parent's VMA names over to the copies. */
function forkMm(sim: Sim, parent: Process, child: number): Mm {
  const { mm, copies } = dupMmap(sim.w, parent, child)
  const pm = parent.mmId === null ? undefined : sim.w.oom.mms.get(parent.mmId)
  const names =
    pm === undefined ? undefined : (sim.vmaByName.get(pm.id) ?? sim.vmaByName.get(parent.pid))
  if (names !== undefined)
    sim.vmaByName.set(child, new Map([...names].map(([k, v]) => [k, copies.get(v) ?? v] as const)))
  return mm
}

export const fork: ActionHandler<'fork'> = (sim, a) => {
  const w = sim.w
  const parent = proc(sim, a.pid)
  if (parent === undefined || dead(sim, parent)) return DONE
  const share = a.vfork === true || a.shareMm === true
  let childMm: Mm | null = null
  if (!share && parent.mmId !== null) childMm = forkMm(sim, parent, a.child)
  else if (share && parent.mmId !== null && a.shareMm === true) {
    const pm = w.oom.mms.get(parent.mmId)
    if (pm !== undefined) pm.flags.multiprocess = true
  }
  const mmId = childMm?.id ?? parent.mmId
  const child = copyProcess(parent, { pid: a.child, comm: a.comm, mmId, vfork: a.vfork === true })
  w.oom.processes.push(child)
  sim.exits.set(child.pid, sim.exits.get(parent.pid) ?? { delayNs: 1_000_000, stuck: false })
  if (childMm !== null) copyPageTables(w, child, childMm, hooks(sim, child))
  allocKernelStack(w)
  emitSim(sim, 'task.fork', {
    pid: parent.pid,
    child: a.child,
    vfork: a.vfork ?? false,
    shareMm: share,
    cowPages: childMm?.anon ?? 0
  })
  return DONE
}

export const exec: ActionHandler<'exec'> = (sim, a) => {
  const p = proc(sim, a.pid)
  if (p === undefined || dead(sim, p)) return DONE
  execMm(sim.w, p, a.comm, 1_000_000 + sim.seq)
  emitSim(sim, 'task.exec', { pid: p.pid, comm: a.comm })
  return DONE
}

export const exit: ActionHandler<'exit'> = (sim, a) => {
  exitProcess(sim, a.pid)
  return DONE
}

export const kill: ActionHandler<'kill'> = (sim, a) => {
  const p = proc(sim, a.pid)
  if (p === undefined) return DONE
  p.sigkillPending = true
  p.groupExit = true
  scheduleExit(sim, p)
  return DONE
}

const onceBySim = new WeakMap<Sim, { oomAdjDeprecatedWarned: boolean }>()
function knobOnce(sim: Sim): { oomAdjDeprecatedWarned: boolean } {
  let o = onceBySim.get(sim)
  if (o === undefined) onceBySim.set(sim, (o = { oomAdjDeprecatedWarned: false }))
  return o
}

/** A write to /proc/<pid>/oom_score_adj or oom_adj. */
export const setOomKnob: ActionHandler<'set-oom-score-adj' | 'set-oom-adj'> = (sim, a) => {
  const w = sim.w
  const p = proc(sim, a.pid)
  if (p === undefined) return DONE
  const writer = { pid: p.pid, comm: p.comm, capSysResource: true }
  const ctx = { profile: sim.profile, nowNs: sim.nowNs, once: knobOnce(sim) }
  const r =
    a.do === 'set-oom-score-adj'
      ? writeOomScoreAdj(w.oom, p, String(a.value), writer, ctx)
      : writeOomAdj(w.oom, p, String(a.value), writer, ctx)
  if (r.ok) {
    outOf(w).log.push(...r.printk)
    for (const e of r.events) w.trace.push(e)
  } else emitSim(sim, 'task.knob_error', { pid: p.pid, errno: r.errno })
  return DONE
}
