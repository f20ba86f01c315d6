/**
 * @module The one place where what the kernel hands back is applied to the run: its trace and
 * printk records join the run's, and each effect (SIGKILL -> exit after the victim's delay,
 * reaper queueing, kswapd wakeups, allocation failures, ENOMEM, panic) changes the clock's
 * queue and the summary's records. Also the queue itself and the simulator's own events.
 */
import type { KernelEffect } from '../kernel/mm/kernel-output.ts'
import { reaperEnqueue, reaperNextWakeNs } from '../kernel/oom-reaper.ts'
import type { Process } from '../kernel/types.ts'
import { outOf } from '../kernel/mm/world.ts'
import type { QueueItem, Sim } from './sim-state.ts'

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** Push onto the queue (kept sorted by time, then sequence). */
export function schedule(sim: Sim, item: DistributiveOmit<QueueItem, 'seq'>): void {
  const it = item as QueueItem
  it.seq = sim.seq++
  let lo = 0
  let hi = sim.queue.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    const q = sim.queue[mid] as QueueItem
    if (q.t < it.t || (q.t === it.t && q.seq < it.seq)) lo = mid + 1
    else hi = mid
  }
  sim.queue.splice(lo, 0, it)
}

/** Record a simulator event at the current simulated time (in order with the kernel's). */
export function emitSim(sim: Sim, type: string, fields: Record<string, unknown> = {}): void {
  sim.w.trace.push({ type, timeNs: sim.nowNs, ...fields })
}

/** Move the kernel's trace, printk and effects into the run, applying each effect. */
export function applyKernelOutput(sim: Sim): void {
  const w = sim.w
  const out = outOf(w)
  while (w.trace.length > 0 || out.log.length > 0 || out.effects.length > 0) {
    for (const e of w.trace) sim.trace.push(e as never)
    w.trace.length = 0
    for (const r of out.log) sim.log.push(r)
    out.log.length = 0
    const effects = out.effects.splice(0)
    for (const e of effects) applyEffect(sim, e)
  }
}

function applyEffect(sim: Sim, e: KernelEffect): void {
  switch (e.type) {
    case 'signal': {
      const p = sim.w.oom.processes.find(q => q.pid === e.pid)
      if (p === undefined) return
      p.sigkillPending = true
      scheduleExit(sim, p)
      return
    }
    case 'queue-reaper':
      if (!sim.profile.reaper.present) return
      reaperEnqueue(sim.reaper, sim.w.oom, e)
      scheduleReaper(sim)
      return
    case 'panic':
      sim.panic = e.message
      sim.samples.marks.push({ tNs: sim.nowNs, kind: 'panic', pid: null, label: e.message })
      return
    case 'oom-invoked':
      sim.oomInvocations++
      sim.oomSeen++
      sim.lastOomNs = sim.nowNs
      return
    case 'oom-killed':
      recordVictim(sim, e)
      return
    case 'alloc-failure': {
      const { pid, comm, gfp, order } = e
      sim.allocFailures.push({ timeNs: sim.nowNs, pid, comm, gfp, order })
      sim.samples.marks.push({
        tNs: sim.nowNs,
        kind: 'alloc-failure',
        pid,
        label: `order ${order}`
      })
      return
    }
    case 'enomem':
      sim.enomem.push({ timeNs: sim.nowNs, pid: e.pid, bytes: e.pages * 4096 })
      sim.samples.marks.push({
        tNs: sim.nowNs,
        kind: 'enomem',
        pid: e.pid,
        label: `mmap ${e.pages * 4}kB`
      })
      return
    case 'kswapd-wake':
      schedule(sim, { kind: 'kswapd', t: sim.nowNs, node: e.node })
      return
  }
}

function recordVictim(sim: Sim, e: Extract<KernelEffect, { type: 'oom-killed' }>): void {
  const { pid, comm, kind, message, constraint } = e
  sim.victims.push({ pid, comm, timeNs: sim.nowNs, kind, message, constraint })
  sim.samples.marks.push({ tNs: sim.nowNs, kind: 'oom-kill', pid, label: `killed ${pid}` })
}

/** Wake the oom_reaper at its next due time, unless a wake is already queued. */
export function scheduleReaper(sim: Sim): void {
  const next = reaperNextWakeNs(sim.reaper, sim.nowNs)
  if (next === null || sim.reaperQueued) return
  sim.reaperQueued = true
  schedule(sim, { kind: 'reaper', t: Math.max(next, sim.nowNs) })
}

/** Schedule a killed task's exit after its delay (never for a stuck task). */
export function scheduleExit(sim: Sim, p: Process): void {
  if (sim.exiting.has(p.pid)) return
  const spec = sim.exits.get(p.pid) ?? { delayNs: 1_000_000, stuck: false }
  emitSim(sim, 'task.sigkill', { pid: p.pid, comm: p.comm, stuck: spec.stuck })
  if (spec.stuck) return
  sim.exiting.add(p.pid)
  schedule(sim, { kind: 'exit', t: sim.nowNs + spec.delayNs, pid: p.pid })
}
