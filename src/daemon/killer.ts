/**
 * @module The killer: performs the policy's decisions. It chooses a victim (the engine's badness
 * against the kernel's OOM domain, and the user's rules), re-checks memory, signals it through a
 * pidfd, reaps it with process_mrelease, escalates SIGTERM to SIGKILL, and journals the outcome
 * once the victim is gone. Cgroup-wide kills are in kill-cgroup.ts.
 */
import type { ProcessHandle } from '../adapters/pidfd/process-control.ts'
import { badnessDomainPages } from './badness-domain.ts'
import { chooseVictim } from './choose.ts'
import type { Choice, RankedCandidate } from './choose.ts'
import type { HookRunner } from './hook-runner.ts'
import type { HookVictim } from './hooks.ts'
import { journalEntry, reasonOf } from './journal-entry.ts'
import type { EntryFields } from './journal-entry.ts'
import type { JournalEntry } from './journal.ts'
import type { DaemonDeps, LoopState } from './loop-state.ts'
import { scopeKb } from './observer.ts'
import type { ProcessTable } from './process-table.ts'
import type { ProcReading, Readings } from './readings.ts'
import { rssKb } from './readings.ts'
import { LEVEL_NAMES, evaluateTriggers } from './triggers.ts'
import type { Evaluation, TriggerHit } from './triggers.ts'
import { formatBytes } from './units.ts'

type Signal = 'SIGTERM' | 'SIGKILL'

/** A ranked choice with what the kill needs to know about how it was made. */
interface Picked {
  scope: string
  hit: TriggerHit | undefined
  nowMs: number
  scanMs: number
  candidates: ProcReading[]
  readingsNow: Readings
  choice: Choice
  rank: RankedCandidate
}

/** A victim about to be signalled. */
interface Target extends Picked {
  victim: ProcReading
  signal: Signal
  reason: string
  recheck: Evaluation
  hookVictim: HookVictim
}

export class Killer {
  private readonly deps: DaemonDeps
  private readonly state: LoopState
  private readonly table: ProcessTable
  private readonly hooks: HookRunner
  private readonly clock: () => number
  private readonly sample: () => Readings

  constructor(
    deps: DaemonDeps,
    state: LoopState,
    parts: { table: ProcessTable; hooks: HookRunner; clock: () => number; sample: () => Readings }
  ) {
    this.deps = deps
    this.state = state
    this.table = parts.table
    this.hooks = parts.hooks
    this.clock = parts.clock
    this.sample = parts.sample
  }

  /** A journal entry with the daemon-wide fields filled in. */
  entry(fields: EntryFields): JournalEntry {
    const ctx = {
      config: this.state.config,
      profileName: this.deps.profile.name,
      backend: this.deps.control.features.backend
    }
    return journalEntry(ctx, fields)
  }

  /** Choose a victim in the scope of the highest hit and signal it (or journal a dry run). */
  async chooseAndKill(signal: Signal, ev: Evaluation): Promise<void> {
    const picked = this.pick(ev)
    if (!picked) return
    const target = this.confirm(picked, signal)
    if (!target) return
    const { policy, config } = this.state
    policy.killTimes.push(target.nowMs)
    policy.lastKill = { memcg: target.choice.cgroup ?? target.victim.memcg, atMs: target.nowMs }
    if (config.kill.dryRun) {
      this.dryRun(target)
      return
    }
    const preKill = this.hooks.fire(config.hooks, 'pre-kill', target.hookVictim)
    if (preKill && config.hooks.preKillWait > 0)
      await Promise.race([preKill, new Promise(r => setTimeout(r, config.hooks.preKillWait))])
    const sent = this.signalVictim(target)
    if (!sent) return
    const mrelease = target.signal === 'SIGKILL' ? this.reap(sent.handle) : 'not-attempted'
    this.announce(target)
    this.track(target, sent.handle, sent.atMs, mrelease)
  }

  /** Scan the scope and rank its processes; null (logged once) when none is eligible. */
  private pick(ev: Evaluation): Picked | null {
    const { source, profile, logger } = this.deps
    const hit = ev.hits.find(h => h.level >= 2) ?? ev.hits[0]
    const scope = hit?.scope ?? 'system'
    const nowMs = this.clock()
    const before = this.table.previousRss
    const candidates = this.table.scan(source, nowMs, scope)
    const scanMs = this.clock() - nowMs
    const readingsNow = this.sample()
    const choice = chooseVictim({
      candidates,
      previousRss: before.size > 0 ? before : this.table.previousRss,
      nowMs,
      choose: this.state.config.choose,
      profile,
      totalPages: badnessDomainPages(scope, readingsNow, source.vmSwappiness(), profile),
      selfPid: source.selfPid
    })
    const rank = choice.victim
    if (rank) return { scope, hit, nowMs, scanMs, candidates, readingsNow, choice, rank }
    if (this.state.lastWaitLog !== 'no-victim') {
      this.state.lastWaitLog = 'no-victim'
      logger.error(
        { event: 'no-victim', scope, candidates: candidates.length },
        `no eligible victim in ${scope}`
      )
    }
    return null
  }

  /** Re-check memory right before acting: the pressure may have gone while we scanned. */
  private confirm(picked: Picked, wanted: Signal): Target | null {
    const recheck = evaluateTriggers(this.state.config, this.state.triggers, picked.readingsNow)
    if (recheck.level < 2) {
      this.deps.logger.info(
        { event: 'recovered', level: LEVEL_NAMES[recheck.level] },
        'memory recovered before acting; no kill'
      )
      return null
    }
    const signal: Signal = recheck.level >= 3 ? 'SIGKILL' : wanted
    const victim = picked.candidates.find(p => p.pid === picked.rank.pid)
    if (!victim) return null
    const reason = reasonOf(recheck.hits.find(h => h.level >= 2) ?? picked.hit)
    const hookVictim: HookVictim = {
      pid: victim.pid,
      uid: victim.uid,
      comm: victim.comm,
      cmdline: victim.cmdline,
      memcg: victim.memcg,
      rssKb: rssKb(victim),
      signal,
      reason,
      dryRun: this.state.config.kill.dryRun
    }
    return { ...picked, victim, signal, reason, recheck, hookVictim }
  }

  private topFive(t: Target): { pid: number; comm: string; score: number | null; rssKb: number }[] {
    return t.choice.ranking
      .slice(0, 5)
      .map(r => ({ pid: r.pid, comm: r.comm, score: r.score, rssKb: r.rssKb }))
  }

  private dryRun(t: Target): void {
    const { victim, signal, reason } = t
    this.deps.logger.warn(
      {
        event: 'would-kill',
        pid: victim.pid,
        comm: victim.comm,
        signal,
        reason,
        top: this.topFive(t)
      },
      `dry run: would send ${signal} to ${victim.comm} (pid ${victim.pid}, ${formatBytes(rssKb(victim) * 1024)} RSS)`
    )
    this.deps.metrics?.kills.inc({ reason, signal, dry_run: 'true' })
    this.deps.journal.write(
      this.entry({
        event: 'would-kill',
        reason,
        evaluation: t.recheck,
        choice: t.choice,
        victim,
        ranked: t.rank,
        mrelease: 'unavailable'
      })
    )
    void this.hooks.fire(this.state.config.hooks, 'pre-kill', t.hookVictim)
    this.state.dryRunHoldUntil = t.nowMs + this.state.config.kill.waitMemory
  }

  /** Open a pidfd, check it is still the process we ranked, signal it. Null when that failed. */
  private signalVictim(t: Target): { handle: ProcessHandle; atMs: number } | null {
    const { control, source } = this.deps
    const { victim, reason } = t
    const opened = control.open(victim.pid)
    if (!opened.ok) {
      this.failed(opened.errno, opened.message, victim, reason)
      return null
    }
    // The pidfd pins the process: if its start time still matches, it is the one we ranked.
    const same = source.process(victim.pid)
    if (!same || same.startTime !== victim.startTime) {
      control.close(opened.handle)
      this.failed('ESRCH', 'victim exited or pid was reused before the signal', victim, reason)
      return null
    }
    const atMs = this.clock()
    const sent = control.signal(opened.handle, t.signal)
    if (!sent.ok) {
      control.close(opened.handle)
      this.failed(sent.errno, sent.message, victim, reason)
      return null
    }
    return { handle: opened.handle, atMs }
  }

  private announce(t: Target): void {
    const { victim, signal, reason } = t
    const size = formatBytes(rssKb(victim) * 1024)
    this.deps.logger.warn(
      {
        event: 'kill',
        pid: victim.pid,
        comm: victim.comm,
        signal,
        reason,
        rssKb: rssKb(victim),
        top: this.topFive(t),
        backend: this.deps.control.features.backend
      },
      `sent ${signal} to ${victim.comm} (pid ${victim.pid}, ${size} RSS): ${reason}`
    )
    this.deps.metrics?.kills.inc({ reason, signal, dry_run: 'false' })
    this.deps.notifier.send(
      'oomkit killed a process',
      `${victim.comm} (pid ${victim.pid}) was using ${size}`
    )
  }

  /** Hand the signalled victim to the policy (and the observer) as the one in flight. */
  private track(t: Target, handle: ProcessHandle, sentAt: number, mrelease: string): void {
    const { victim, signal } = t
    this.state.policy.inflight = {
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
    this.state.inflight = {
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
        sampleToSignalMs: Math.round((sentAt - this.state.sampleAtMs) * 10) / 10,
        scanMs: Math.round(t.scanMs * 10) / 10,
        candidates: t.candidates.length
      }
    }
  }

  /**
   * process_mrelease after SIGKILL; returns 'ok', 'already-exited', the errno name, or
   * 'unavailable'. ESRCH means the victim finished exiting (its mm is gone) before the call:
   * a small process often does, and then there is nothing left to reap.
   */
  reap(handle: ProcessHandle): string {
    const { control } = this.deps
    if (!control.features.mrelease) return 'unavailable'
    const r = control.mrelease(handle)
    if (r.ok) return 'ok'
    return r.errno === 'ESRCH' ? 'already-exited' : r.errno
  }

  /** SIGKILL the victim in flight after its SIGTERM (grace expired, or the kill stage). */
  escalate(why: 'grace-expired' | 'kill-stage', readings: Readings, ev: Evaluation): void {
    const ctx = this.state.inflight
    const v = this.state.policy.inflight
    if (!ctx || !v) return
    const r = this.deps.control.signal(ctx.handle, 'SIGKILL')
    const at = readings.timeMs
    v.signal = 'SIGKILL'
    v.signalAtMs = at
    ctx.signals.push({ signal: 'SIGKILL', atMs: Math.round(at - v.firstSignalAtMs) })
    // The reason names what caused the final signal.
    ctx.reason =
      why === 'grace-expired' ? 'grace-expired' : reasonOf(ev.hits.find(h => h.level >= 3))
    if (r.ok) ctx.mrelease = this.reap(ctx.handle)
    this.deps.metrics?.kills.inc({ reason: ctx.reason, signal: 'SIGKILL', dry_run: 'false' })
    this.deps.logger.warn(
      { event: 'escalate', pid: v.pid, comm: v.comm, why, ok: r.ok },
      `SIGKILL to ${v.comm} (pid ${v.pid}) after SIGTERM: ${why}`
    )
  }

  /** The victim is gone and its memory is back (or the wait expired): journal it. */
  finish(): void {
    const ctx = this.state.inflight
    this.state.policy.inflight = null
    this.state.inflight = null
    this.state.lastWaitLog = ''
    if (!ctx) return
    this.deps.control.close(ctx.handle)
    const { victim, freedKb, exitMs } = ctx
    const entry = this.entry({
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
    this.deps.journal.write(entry)
    if (freedKb !== null && freedKb > 0) this.deps.metrics?.freed.inc(freedKb * 1024)
    this.deps.logger.info(
      { event: 'victim-gone', pid: victim.pid, comm: victim.comm, exitMs, freedKb },
      `${victim.comm} (pid ${victim.pid}) exited after ${exitMs ?? '?'} ms; ${freedKb === null ? '?' : formatBytes(freedKb * 1024)} came back`
    )
    void this.hooks.fire(this.state.config.hooks, 'post-kill', {
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

  /** A victim could not be signalled: count, log and journal it. */
  failed(errno: string, message: string, victim: ProcReading, reason: string): void {
    this.deps.metrics?.killFailures.inc({ errno })
    this.deps.logger.error(
      { event: 'kill-failed', pid: victim.pid, comm: victim.comm, errno },
      `could not signal ${victim.comm} (pid ${victim.pid}): ${message}`
    )
    const entry = this.entry({
      event: 'kill-failed',
      reason,
      evaluation: this.state.lastEvaluation,
      victim
    })
    entry.error = `${errno}: ${message}`
    this.deps.journal.write(entry)
  }
}
