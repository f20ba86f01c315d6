/**
 * @module The timeline actions: what each `do:` does on the simulated clock, as a table of
 * handlers (one file per family under actions/), and when a repeating action runs next.
 * Handlers orchestrate; the kernel rules they call live in src/kernel.
 */
import { durationToNs } from './size.ts'
import type { ActionSpecT } from './schema.ts'
import type { Sim } from './sim-state.ts'
import { alloc } from './actions/alloc.ts'
import { cgroupMove, cgroupSet } from './actions/cgroup.ts'
import { proc, type ActionHandler, type ActionResult } from './actions/common.ts'
import { mlock, mmap, read, unmap } from './actions/mapping.ts'
import { swapoff, swapon } from './actions/swap.ts'
import { sysctl, sysrq, wait } from './actions/system.ts'
import { exec, exit, fork, kill, setOomKnob } from './actions/task.ts'
import { touch } from './actions/touch.ts'

export type { StepOutcome } from './actions/common.ts'

type Table = { [K in ActionSpecT['do']]: ActionHandler<K> }

/** Every `do:` and its handler. */
const handlers: Table = {
  touch,
  alloc,
  mmap,
  munmap: (sim, a, call) => unmap(sim, a, call),
  free: (sim, a, call) => unmap(sim, a, call),
  read,
  mlock,
  fork,
  exec,
  exit,
  kill,
  'set-oom-score-adj': (sim, a, call) => setOomKnob(sim, a, call),
  'set-oom-adj': (sim, a, call) => setOomKnob(sim, a, call),
  sysctl,
  'cgroup-set': cgroupSet,
  'cgroup-move': cgroupMove,
  sysrq,
  swapon,
  swapoff,
  wait
}

/**
 * Run one action (iteration `iter` of it). Returns the outcome and how many iterations were
 * consumed (merged steps of a repeating touch).
 */
export function runAction(
  sim: Sim,
  index: number,
  iter: number,
  resumeRemaining: number | null
): ActionResult {
  const a = sim.actions[index] as ActionSpecT
  const handler = handlers[a.do] as ActionHandler<ActionSpecT['do']>
  return handler(sim, a, { index, iter, resumeRemaining })
}

const timesOf = new WeakMap<object, { at: number; every: number }>()

/** The time of a repeating action's next iteration, or null when it does not repeat (any more). */
export function nextIteration(
  sim: Sim,
  index: number,
  iter: number
): { t: number; index: number; iter: number } | null {
  const a = sim.actions[index] as ActionSpecT
  if (!('every' in a) || a.every === undefined) return null
  if (sim.stopped.has(index)) return null
  if (a.count !== undefined && iter >= a.count) return null
  const pid = 'pid' in a ? a.pid : undefined
  const p = pid === undefined ? undefined : proc(sim, pid)
  if ('until' in a && a.until !== undefined) {
    if ((a.until === 'killed' || a.until === 'exit') && (p === undefined || p.sigkillPending))
      return null
  }
  if (pid !== undefined && p === undefined) return null
  let times = timesOf.get(a)
  if (times === undefined)
    timesOf.set(a, (times = { at: durationToNs(a.at), every: durationToNs(a.every) }))
  // until: oom stops at the first OOM since this action started (not one before it).
  if ('until' in a && a.until === 'oom' && sim.oomSeen > 0 && sim.lastOomNs >= times.at) return null
  const t = times.at + iter * times.every
  if (t > sim.endNs) return null
  return { t: Math.max(t, sim.nowNs), index, iter }
}
