/**
 * @module What every action handler shares: the outcome type, finding the task and the VMA an
 * action names, and routing a fault's result (VM_FAULT_OOM to pagefault_out_of_memory()).
 */
import type { Process, Vma } from '../../kernel/types.ts'
import { vmaTouched, type FaultHooks, type FaultResult } from '../../kernel/mm/fault.ts'
import { kernelHooks } from '../../kernel/mm/oom-entry.ts'
import { pagefaultOutOfMemory } from '../../kernel/oom-kill-pagefault.ts'
import type { ActionSpecT } from '../schema.ts'
import type { BlockedTask, Sim } from '../sim-state.ts'

/** Outcome of running (part of) an action for a task. */
export type StepOutcome =
  { kind: 'done' } | { kind: 'blocked'; remaining: number; reason: BlockedTask['reason'] }

/** An outcome and how many iterations of a repeating action it consumed. */
export interface ActionResult {
  out: StepOutcome
  iters: number
}

/** Which run of an action this is: iteration, and what is left when a blocked task resumes. */
export interface ActionCall {
  index: number
  iter: number
  resumeRemaining: number | null
}

/** A handler of one `do:`. */
export type ActionHandler<K extends ActionSpecT['do']> = (
  sim: Sim,
  a: Extract<ActionSpecT, { do: K }>,
  call: ActionCall
) => ActionResult

export const DONE: ActionResult = { out: { kind: 'done' }, iters: 1 }

export function one(out: StepOutcome): ActionResult {
  return { out, iters: 1 }
}

export function proc(sim: Sim, pid: number): Process | undefined {
  return sim.w.oom.processes.find(p => p.pid === pid)
}

/** Gone, killed or on its way out. */
export function dead(sim: Sim, p: Process | undefined): boolean {
  return p === undefined || p.sigkillPending || sim.exiting.has(p.pid)
}

/** The kernel's entries into the OOM killer for allocations by `p` (by its thread `tid`). */
export function hooks(sim: Sim, p: Process, tid?: number): FaultHooks {
  return kernelHooks(sim.w, p, tid)
}

/** The VMA a touch/free works on: by name, else the last anonymous VMA with room. */
export function pickVma(
  sim: Sim,
  p: Process,
  name: string | undefined,
  needRoom: boolean
): Vma | undefined {
  const mm = p.mmId === null ? undefined : sim.w.oom.mms.get(p.mmId)
  if (mm === undefined) return undefined
  if (name !== undefined)
    return sim.vmaByName.get(p.mmId ?? -1)?.get(name) ?? sim.vmaByName.get(p.pid)?.get(name)
  for (let i = mm.vmas.length - 1; i >= 0; i--) {
    const v = mm.vmas[i] as Vma
    if (!v.anonymous || v.shared) continue
    if (!needRoom || (vmaTouched.get(v) ?? v.anon) < v.pages) return v
  }
  return undefined
}

export function waitReason(
  w: 'oom-victim' | 'writeback' | 'nofail' | undefined
): BlockedTask['reason'] {
  return w === 'writeback' ? 'writeback' : w === 'nofail' ? 'nofail' : 'oom-progress'
}

/** A fault's result as the task sees it; VM_FAULT_OOM goes to pagefault_out_of_memory(). */
export function afterFault(sim: Sim, p: Process, r: FaultResult, requested: number): StepOutcome {
  if (r.status === 'ok') return { kind: 'done' }
  const remaining = requested - r.done
  if (r.status === 'killed' || p.sigkillPending) return { kind: 'done' }
  if (r.status === 'wait') return { kind: 'blocked', remaining, reason: 'memcg-wait' }
  if (r.status === 'blocked') return { kind: 'blocked', remaining, reason: waitReason(r.waitFor) }
  if (r.status === 'oom') {
    if (pagefaultOutOfMemory(sim.w, p) === 'done') return { kind: 'done' }
    return { kind: 'blocked', remaining, reason: 'pf-retry' }
  }
  return { kind: 'done' }
}
