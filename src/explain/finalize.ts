/**
 * @module Finishing an assembled event: who the kernel killed, the constraint, how complete the
 * task table is (`finalize-table.ts`), the guessed profile, decoded gfp names, and warnings for
 * what the text lacked.
 */
import { gfpNamesOf } from '../kernel/gfp.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import type { Constraint } from '../kernel/types.ts'
import { warn } from './building.ts'
import type { Building } from './building.ts'
import { settleTable } from './finalize-table.ts'
import { guessProfile } from './profile-guess.ts'
import type { OomEvent } from './oom-event.ts'

const CONSTRAINTS: readonly Constraint[] = [
  'CONSTRAINT_NONE',
  'CONSTRAINT_CPUSET',
  'CONSTRAINT_MEMORY_POLICY',
  'CONSTRAINT_MEMCG'
]

function isMemcgMessage(m: string | undefined | null): boolean {
  return m != null && m.startsWith('Memory cgroup out of memory')
}

/** What in the text shows a memory-cgroup OOM, or null. */
function memcgEvidence(e: OomEvent): string | null {
  if (e.summary?.oomMemcg != null) return `oom_memcg=${e.summary.oomMemcg} in the summary line`
  if (e.memcgInfo !== null) return 'the memory cgroup usage/limit lines'
  if (isMemcgMessage(e.sacrifice?.message) || isMemcgMessage(e.killedLines[0]?.message))
    return 'the "Memory cgroup out of memory" kill line'
  return null
}

function constraintOf(e: OomEvent): { constraint: Constraint | null; text: string | null } {
  const text = e.summary?.constraint ?? null
  if (text !== null) {
    const known = CONSTRAINTS.find(c => c === text)
    // A memcg OOM printed as CONSTRAINT_NONE (the memcg lines say otherwise): the scope is the
    // memcg; finalizeEvent warns.
    if (known === 'CONSTRAINT_NONE' && memcgEvidence(e) !== null)
      return { constraint: 'CONSTRAINT_MEMCG', text }
    if (known) return { constraint: known, text }
    if (e.summary?.oomMemcg != null) return { constraint: 'CONSTRAINT_MEMCG', text }
    return { constraint: null, text }
  }
  if (e.summary?.oomMemcg != null) return { constraint: 'CONSTRAINT_MEMCG', text: null }
  if (
    e.memcgInfo !== null ||
    isMemcgMessage(e.sacrifice?.message) ||
    isMemcgMessage(e.killedLines[0]?.message)
  )
    return { constraint: 'CONSTRAINT_MEMCG', text: null }
  if (e.summary?.globalOom === true) return { constraint: 'CONSTRAINT_NONE', text: null }
  if (e.trigger?.nodemask != null) return { constraint: null, text: null }
  if (e.showMem !== null || e.trigger !== null || e.killedLines.length > 0 || e.sacrifice)
    return { constraint: 'CONSTRAINT_NONE', text: null }
  return { constraint: null, text: null }
}

/** Who the kernel killed: the first Killed line, else the summary, "Kill process" or reaper line. */
function settleVictim(b: Building): void {
  const e = b.event
  const killed = e.killedLines[0]
  if (killed) e.victim = { pid: killed.pid, comm: killed.comm, source: 'killed' }
  else if (e.summary?.pid != null && e.summary.task !== null && !e.sacrifice)
    e.victim = { pid: e.summary.pid, comm: e.summary.task, source: 'summary' }
  else if (e.sacrifice)
    e.victim = { pid: e.sacrifice.pid, comm: e.sacrifice.comm, source: 'sacrifice' }
  else if (e.summary?.pid != null && e.summary.task !== null)
    e.victim = { pid: e.summary.pid, comm: e.summary.task, source: 'summary' }
  else {
    const reaped = e.reaper[0]
    if (reaped) e.victim = { pid: reaped.pid, comm: reaped.comm, source: 'reaper' }
  }
}

/** Warnings when the kill lines are missing or disagree with each other. */
function checkKillLines(b: Building): void {
  const e = b.event
  const killed = e.killedLines[0]
  const last = e.lines.last
  if (!killed && e.kind === 'oom') {
    if (e.victim?.source === 'sacrifice')
      warn(
        b,
        'killed-line-missing',
        last,
        'no "Killed process" line; the victim is taken from the "Kill process" line (a child may have been killed instead)'
      )
    else if (e.victim?.source === 'summary')
      warn(
        b,
        'killed-line-missing',
        last,
        'no "Killed process" line; the victim is taken from the oom-kill summary line'
      )
    else if (e.panic !== null)
      warn(b, 'panic-no-kill', last, 'the kernel panicked instead of killing a task')
    else if (!e.noKillable && e.alreadyExiting === null && e.reaper.length === 0)
      warn(b, 'no-kill-line', last, 'the report ends before the kernel named a victim')
  }
  if (killed && e.sacrifice && e.sacrifice.pid !== killed.pid)
    warn(
      b,
      'sacrifice-differs',
      last,
      `the kernel chose ${e.sacrifice.pid} (${e.sacrifice.comm}) but killed ${killed.pid} (${killed.comm}): a child sacrificed for its parent, or a thread of the same process`
    )
  if (killed && e.summary?.pid != null && e.summary.pid !== killed.pid && !e.sacrifice)
    warn(
      b,
      'summary-differs',
      last,
      `the summary line names pid ${e.summary.pid} but the Killed line ${killed.pid}`
    )
}

/** The guessed profile, and the gfp flag names decoded with its layout when not printed. */
function settleProfile(e: OomEvent, override?: KernelProfile): void {
  const guess = guessProfile(e, override)
  e.profile = guess.profile.name
  e.profileReason = guess.reason
  const t = e.trigger
  if (t && t.gfpNames.length === 0 && t.gfpMask !== null) {
    try {
      const names = gfpNamesOf(t.gfpMask, guess.profile)
      if (names !== '') t.gfpNames = names.split('|')
    } catch {
      // A mask the layout cannot name stays as hex only.
    }
  }
}

/** Complete an event in place and return it. `override` is the --profile choice. */
export function finalizeEvent(b: Building, override?: KernelProfile): OomEvent {
  const e = b.event
  settleVictim(b)
  checkKillLines(b)
  const c = constraintOf(e)
  e.constraint = c.constraint
  e.constraintText = c.text
  if (c.text !== null && c.constraint === null)
    warn(b, 'unknown-constraint', e.lines.first, `unknown constraint "${c.text}"`)
  if (c.text === 'CONSTRAINT_NONE' && c.constraint === 'CONSTRAINT_MEMCG')
    warn(
      b,
      'constraint-mislabelled',
      e.lines.first,
      `the summary line says CONSTRAINT_NONE, but ${memcgEvidence(e) ?? 'the memcg lines'} show a memory cgroup OOM: explained as one`
    )
  settleTable(b)
  settleProfile(e, override)
  return e
}
