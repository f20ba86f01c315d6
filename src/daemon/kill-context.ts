/**
 * @module What every step of the killer works with (the loop's dependencies and state, the
 * process table, the hook runner, the clock and a fresh sample), and the steps they all share:
 * journal entries, process_mrelease, and a failed signal.
 */
import type { ProcessHandle } from '../adapters/pidfd/process-control.ts'
import type { HookRunner } from './hook-runner.ts'
import { journalEntry } from './journal-entry.ts'
import type { EntryFields } from './journal-entry.ts'
import type { JournalEntry } from './journal.ts'
import type { DaemonDeps, LoopState } from './loop-state.ts'
import type { ProcessTable } from './process-table.ts'
import type { ProcReading, Readings } from './readings.ts'

export interface KillContext {
  deps: DaemonDeps
  state: LoopState
  table: ProcessTable
  hooks: HookRunner
  clock: () => number
  /** Sample the trigger scopes now (the re-check before acting). */
  sample: () => Readings
}

/** A journal entry with the daemon-wide fields filled in. */
export function entryFor(ctx: KillContext, fields: EntryFields): JournalEntry {
  const daemon = {
    config: ctx.state.config,
    profileName: ctx.deps.profile.name,
    backend: ctx.deps.control.features.backend
  }
  return journalEntry(daemon, fields)
}

/**
 * process_mrelease after SIGKILL; returns 'ok', 'already-exited', the errno name, or
 * 'unavailable'. ESRCH means the victim finished exiting (its mm is gone) before the call:
 * a small process often does, and then there is nothing left to reap.
 */
export function reap(ctx: KillContext, handle: ProcessHandle): string {
  const { control } = ctx.deps
  if (!control.features.mrelease) return 'unavailable'
  const r = control.mrelease(handle)
  if (r.ok) return 'ok'
  return r.errno === 'ESRCH' ? 'already-exited' : r.errno
}

/** A victim could not be signalled: count, log and journal it. */
export function failed(
  ctx: KillContext,
  errno: string,
  message: string,
  victim: ProcReading,
  reason: string
): void {
  ctx.deps.metrics?.killFailures.inc({ errno })
  ctx.deps.logger.error(
    { event: 'kill-failed', pid: victim.pid, comm: victim.comm, errno },
    `could not signal ${victim.comm} (pid ${victim.pid}): ${message}`
  )
  const entry = entryFor(ctx, {
    event: 'kill-failed',
    reason,
    evaluation: ctx.state.lastEvaluation,
    victim
  })
  entry.error = `${errno}: ${message}`
  ctx.deps.journal.write(entry)
}
