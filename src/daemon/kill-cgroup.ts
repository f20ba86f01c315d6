/**
 * @module Escalation in cgroup mode: when killing the worst process of a cgroup did not relieve
 * the pressure, kill every process of that memcg, through cgroup.kill where it exists (the
 * process-control adapter writes it) or one SIGKILL per process otherwise.
 */
import { reasonOf } from './journal-entry.ts'
import { entryFor, reap } from './kill-context.ts'
import type { KillContext } from './kill-context.ts'
import type { Readings } from './readings.ts'
import type { Evaluation } from './triggers.ts'

type Method = 'cgroup.kill' | 'signal-each'

/** SIGKILL every pid (pidfd, then process_mrelease); returns nothing: failures are skipped. */
function signalEach(ctx: KillContext, pids: readonly number[]): void {
  const { control } = ctx.deps
  for (const pid of pids) {
    const h = control.open(pid)
    if (!h.ok) continue
    if (control.signal(h.handle, 'SIGKILL').ok) reap(ctx, h.handle)
    control.close(h.handle)
  }
}

export function killCgroup(
  ctx: KillContext,
  decision: { memcg: string; ev: Evaluation; readings: Readings }
): void {
  const { deps, state } = ctx
  const { source, control, logger } = deps
  const { memcg, ev } = decision
  state.policy.lastKill = null
  const dir = source.cgroupDir(memcg)
  const reason = `${reasonOf(ev.hits[0])}-escalated`
  const dryRun = state.config.kill.dryRun
  state.policy.killTimes.push(decision.readings.timeMs)
  if (!dir) {
    logger.error({ event: 'kill-cgroup', memcg }, `cannot find the directory of cgroup ${memcg}`)
    return
  }
  const pids = source.cgroupPids(dir).filter(p => p !== source.selfPid && p !== 1)
  let method: Method = 'signal-each'
  if (!dryRun) {
    if (control.killCgroup(dir).ok) method = 'cgroup.kill'
    else signalEach(ctx, pids)
  }
  const event = dryRun ? 'would-kill-cgroup' : 'kill-cgroup'
  logger.warn(
    { event, cgroup: dir, processes: pids.length, method, reason },
    `${dryRun ? 'dry run: would kill' : 'killed'} cgroup ${memcg} (${pids.length} processes, ${method}): the earlier kill did not help`
  )
  deps.metrics?.kills.inc({ reason, signal: 'SIGKILL', dry_run: String(dryRun) })
  const entry = entryFor(ctx, {
    event,
    reason,
    evaluation: ev,
    signals: [{ signal: 'SIGKILL', atMs: 0 }]
  })
  entry.cgroup = { path: dir, method, processes: pids.length }
  deps.journal.write(entry)
}
