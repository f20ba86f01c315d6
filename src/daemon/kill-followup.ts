/**
 * @module After the first signal: escalate SIGTERM to SIGKILL (grace expired, or the kill
 * stage), and once the victim is gone and its memory back, journal the kill and run the
 * post-kill hook.
 */
import { entryFor, reap } from './kill-context.ts'
import type { KillContext } from './kill-context.ts'
import { reasonOf } from './journal-entry.ts'
import { freedKbSince } from './observer.ts'
import { rssKb } from './readings.ts'
import type { Readings } from './readings.ts'
import type { Evaluation } from './triggers.ts'
import { formatBytes } from './units.ts'

/** SIGKILL the victim in flight after its SIGTERM (grace expired, or the kill stage). */
export function escalate(
  k: KillContext,
  why: 'grace-expired' | 'kill-stage',
  readings: Readings,
  ev: Evaluation
): void {
  const ctx = k.state.inflight
  const v = k.state.policy.inflight
  if (!ctx || !v) return
  const r = k.deps.control.signal(ctx.handle, 'SIGKILL')
  const at = readings.timeMs
  v.signal = 'SIGKILL'
  v.signalAtMs = at
  ctx.signals.push({ signal: 'SIGKILL', atMs: Math.round(at - v.firstSignalAtMs) })
  // The reason names what caused the final signal.
  ctx.reason = why === 'grace-expired' ? 'grace-expired' : reasonOf(ev.hits.find(h => h.level >= 3))
  if (r.ok) ctx.mrelease = reap(k, ctx.handle)
  k.deps.metrics?.kills.inc({ reason: ctx.reason, signal: 'SIGKILL', dry_run: 'false' })
  k.deps.logger.warn(
    { event: 'escalate', pid: v.pid, comm: v.comm, why, ok: r.ok },
    `SIGKILL to ${v.comm} (pid ${v.pid}) after SIGTERM: ${why}`
  )
}

/** The victim is gone and its memory is back (or the wait expired): journal it. */
export function finish(k: KillContext): void {
  const ctx = k.state.inflight
  const v = k.state.policy.inflight
  k.state.policy.inflight = null
  k.state.inflight = null
  k.state.lastWaitLog = ''
  if (!ctx) return
  k.deps.control.close(ctx.handle)
  if (v) ctx.freedKb = freedKbSince(ctx, v.scope, k.sample())
  const { victim, freedKb, exitMs } = ctx
  const entry = entryFor(k, {
    event: 'kill',
    reason: ctx.reason,
    evaluation: ctx.evaluation,
    choice: ctx.choice,
    victim,
    ranked: ctx.ranked,
    signals: ctx.signals,
    mrelease: ctx.mrelease,
    exitMs,
    freedKb
  })
  entry.time = ctx.wallTime
  entry.timing = ctx.timing
  if (ctx.journalMark) k.deps.journal.complete(ctx.journalMark, entry)
  else k.deps.journal.write(entry)
  if (freedKb !== null && freedKb > 0) k.deps.metrics?.freed.inc(freedKb * 1024)
  k.deps.logger.info(
    { event: 'victim-gone', pid: victim.pid, comm: victim.comm, exitMs, freedKb },
    `${victim.comm} (pid ${victim.pid}) exited after ${exitMs ?? '?'} ms; ${freedKb === null ? '?' : formatBytes(freedKb * 1024)} came back`
  )
  void k.hooks.fire(k.state.config.hooks, 'post-kill', {
    pid: victim.pid,
    uid: victim.uid,
    comm: victim.comm,
    cmdline: victim.cmdline,
    memcg: victim.memcg,
    rssKb: rssKb(victim),
    signal: ctx.signals[ctx.signals.length - 1]?.signal ?? 'SIGTERM',
    reason: ctx.reason,
    dryRun: false,
    timeToExitMs: exitMs,
    memoryFreedKb: freedKb
  })
}
