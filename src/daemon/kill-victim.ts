/**
 * @module Killing the chosen victim: journal a dry run, or run the pre-kill hook, open a pidfd,
 * check it still names the process we ranked, signal it, reap it after SIGKILL, announce it,
 * journal the `signal` record and hand it to the policy as the victim in flight.
 */
import type { ProcessHandle } from '../adapters/pidfd/process-control.ts'
import { confirm, pick } from './kill-choose.ts'
import type { Signal, Target } from './kill-choose.ts'
import { entryFor, failed, reap } from './kill-context.ts'
import type { KillContext } from './kill-context.ts'
import { scopeKb } from './observer.ts'
import { rssKb } from './readings.ts'
import type { Evaluation } from './triggers.ts'
import { formatBytes } from './units.ts'

/** Choose a victim in the scope of the highest hit and signal it (or journal a dry run). */
export async function chooseAndKill(
  ctx: KillContext,
  signal: Signal,
  ev: Evaluation
): Promise<void> {
  const picked = pick(ctx, ev)
  if (!picked) return
  const target = confirm(ctx, picked, signal)
  if (!target) return
  const { policy, config } = ctx.state
  const spend = (): void => {
    policy.killTimes.push(target.nowMs)
    policy.lastKill = { memcg: target.choice.cgroup ?? target.victim.memcg, atMs: target.nowMs }
  }
  if (config.kill.dryRun) {
    spend()
    dryRun(ctx, target)
    return
  }
  const preKill = ctx.hooks.fire(config.hooks, 'pre-kill', target.hookVictim)
  if (preKill && config.hooks.preKillWait > 0) {
    // Our own wait, announced to the watchdog as a heartbeat at its end: not a stall.
    ctx.deps.heartbeat?.(Date.now() + config.hooks.preKillWait)
    await ctx.hooks.wait(preKill, config.hooks.preKillWait)
  }
  const sent = signalVictim(ctx, target)
  if (!sent) return
  spend()
  const mrelease = target.signal === 'SIGKILL' ? reap(ctx, sent.handle) : 'not-attempted'
  announce(ctx, target)
  track(ctx, target, sent.handle, sent.atMs, mrelease)
}

function topFive(t: Target): { pid: number; comm: string; score: number | null; rssKb: number }[] {
  return t.choice.ranking
    .slice(0, 5)
    .map(r => ({ pid: r.pid, comm: r.comm, score: r.score, rssKb: r.rssKb }))
}

function dryRun(ctx: KillContext, t: Target): void {
  const { victim, signal, reason } = t
  ctx.deps.logger.warn(
    {
      event: 'would-kill',
      pid: victim.pid,
      comm: victim.comm,
      signal,
      reason,
      top: topFive(t)
    },
    `dry run: would send ${signal} to ${victim.comm} (pid ${victim.pid}, ${formatBytes(rssKb(victim) * 1024)} RSS)`
  )
  ctx.deps.metrics?.kills.inc({ reason, signal, dry_run: 'true' })
  ctx.deps.journal.write(
    entryFor(ctx, {
      event: 'would-kill',
      reason,
      evaluation: t.recheck,
      choice: t.choice,
      victim,
      ranked: t.rank,
      mrelease: 'unavailable'
    })
  )
  void ctx.hooks.fire(ctx.state.config.hooks, 'pre-kill', t.hookVictim)
  ctx.state.dryRunHoldUntil = t.nowMs + ctx.state.config.kill.waitMemory
}

/** The victim left by itself before the signal: nothing was killed, nothing failed. */
function exitedByItself(ctx: KillContext, t: Target): null {
  const { victim } = t
  ctx.deps.logger.info(
    { event: 'victim-exited', pid: victim.pid, comm: victim.comm },
    `${victim.comm} (pid ${victim.pid}) exited by itself before the signal; nothing to kill`
  )
  return null
}

/** Open a pidfd, check it is still the process we ranked, signal it. Null when that failed. */
function signalVictim(ctx: KillContext, t: Target): { handle: ProcessHandle; atMs: number } | null {
  const { control, source } = ctx.deps
  const { victim, reason } = t
  const opened = control.open(victim.pid)
  if (!opened.ok) {
    if (opened.errno === 'ESRCH') return exitedByItself(ctx, t)
    failed(ctx, opened.errno, opened.message, victim, reason)
    return null
  }
  // The pidfd pins the process: if its start time still matches, it is the one we ranked (a
  // zombie has already exited: signalling it would journal a kill that did not happen).
  const same = source.process(victim.pid)
  if (!same || same.startTime !== victim.startTime || same.state === 'Z' || same.state === 'X') {
    control.close(opened.handle)
    return exitedByItself(ctx, t)
  }
  const atMs = ctx.clock()
  const sent = control.signal(opened.handle, t.signal)
  if (!sent.ok) {
    control.close(opened.handle)
    if (sent.errno === 'ESRCH') return exitedByItself(ctx, t)
    failed(ctx, sent.errno, sent.message, victim, reason)
    return null
  }
  return { handle: opened.handle, atMs }
}

function announce(ctx: KillContext, t: Target): void {
  const { victim, signal, reason } = t
  const size = formatBytes(rssKb(victim) * 1024)
  ctx.deps.logger.warn(
    {
      event: 'kill',
      pid: victim.pid,
      comm: victim.comm,
      signal,
      reason,
      rssKb: rssKb(victim),
      top: topFive(t),
      backend: ctx.deps.control.features.backend
    },
    `sent ${signal} to ${victim.comm} (pid ${victim.pid}, ${size} RSS): ${reason}`
  )
  ctx.deps.metrics?.kills.inc({ reason, signal, dry_run: 'false' })
  ctx.deps.notifier.send(
    'oomkit killed a process',
    `${victim.comm} (pid ${victim.pid}) was using ${size}`
  )
}

/** Hand the signalled victim to the policy (and the observer) as the one in flight. */
function track(
  ctx: KillContext,
  t: Target,
  handle: ProcessHandle,
  sentAt: number,
  mrelease: string
): void {
  const { victim, signal } = t
  ctx.state.policy.inflight = {
    pid: victim.pid,
    startTime: victim.startTime,
    comm: victim.comm,
    signal,
    firstSignalAtMs: sentAt,
    signalAtMs: sentAt,
    exitedAtMs: null,
    memoryBack: false,
    scope: t.scope,
    memcg: victim.memcg
  }
  ctx.state.inflight = {
    handle,
    victim,
    ranked: t.rank,
    choice: t.choice,
    evaluation: t.recheck,
    reason: t.reason,
    wallTime: new Date().toISOString(),
    signals: [{ signal, atMs: 0 }],
    mrelease,
    baselineKb: scopeKb(t.scope, t.readingsNow),
    freedKb: null,
    exitMs: null,
    timing: {
      sampleToSignalMs: Math.round((sentAt - ctx.state.sampleAtMs) * 10) / 10,
      scanMs: Math.round(t.scanMs * 10) / 10,
      candidates: t.candidates.length
    }
  }
  journalSignal(ctx)
}

/** The `signal` record, written now: if the daemon dies before the kill is judged, it remains. */
function journalSignal(ctx: KillContext): void {
  const f = ctx.state.inflight
  if (!f) return
  const entry = entryFor(ctx, {
    event: 'signal',
    reason: f.reason,
    evaluation: f.evaluation,
    choice: f.choice,
    victim: f.victim,
    ranked: f.ranked,
    signals: f.signals,
    mrelease: f.mrelease
  })
  entry.time = f.wallTime
  entry.timing = f.timing
  f.journalMark = ctx.deps.journal.begin(entry)
}
