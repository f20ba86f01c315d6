/**
 * @module The daemon loop: the impure shell around the pure policy. Each tick samples memory,
 * evaluates the triggers, decides (policy.ts) and performs the decision: choose and signal a
 * victim through a pidfd, escalate SIGTERM to SIGKILL, reap with process_mrelease, wait for the
 * memory to come back, journal, count, run hooks and notify. Then it sleeps for the interval the
 * triggers asked for.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import type { ProcessControl, ProcessHandle } from '../adapters/pidfd/process-control.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import { PAGE_SIZE } from '../kernel/types.ts'
import { chooseVictim } from './choose.ts'
import type { Choice, RankedCandidate } from './choose.ts'
import type { DaemonConfig } from './config-schema.ts'
import { hookEnv, runHook } from './hooks.ts'
import type { HookVictim } from './hooks.ts'
import type { Journal, JournalEntry, VictimRecord } from './journal.ts'
import type { MemorySource } from './memory-source.ts'
import type { DaemonMetrics } from './metrics.ts'
import type { Notifier } from './notify.ts'
import { decide, initialPolicyState } from './policy.ts'
import type { Decision, InFlight, PolicyState } from './policy.ts'
import type { ProcReading, Readings } from './readings.ts'
import { rssKb } from './readings.ts'
import { LEVEL_NAMES, evaluateTriggers, initialTriggerState } from './triggers.ts'
import type { Evaluation, Level, TriggerHit, TriggerState } from './triggers.ts'
import { formatBytes } from './units.ts'

/** Poll interval while a victim is exiting (ms). */
const VICTIM_POLL_MS = 10
/** Warm the process table when a threshold is predicted within this many ms... */
const WARM_HORIZON_MS = 3000
/** ...at most this often... */
const WARM_EVERY_MS = 500
/** ...and not when the crossing is closer than this. */
const WARM_MIN_ETA_MS = 300

/** Everything the loop touches, injected. */
export interface DaemonDeps {
  source: MemorySource
  control: ProcessControl
  logger: Logger
  journal: Journal
  metrics: DaemonMetrics | null
  notifier: Notifier
  profile: KernelProfile
  env: Readonly<Record<string, string | undefined>>
  /** Monotonic milliseconds (default performance.now). */
  clock?: () => number
  /** Called after every tick with the wall time (the watchdog heartbeat). */
  heartbeat?: (wallMs: number) => void
}

/** The victim in flight, with what the journal entry needs once it is judged. */
interface InFlightContext {
  handle: ProcessHandle
  victim: ProcReading
  ranked: RankedCandidate
  choice: Choice
  evaluation: Evaluation
  reason: string
  wallTime: string
  signals: { signal: string; atMs: number }[]
  mrelease: string
  /** MemAvailable (system) or cgroup working set (cgroup scope) at the first signal, kB. */
  baselineKb: number
  freedKb: number | null
  exitMs: number | null
  timing: NonNullable<JournalEntry['timing']>
}

function reasonOf(hit: TriggerHit | undefined): string {
  if (!hit) return 'unknown'
  return `${hit.source}-${LEVEL_NAMES[hit.level]}`
}

function victimRecord(p: ProcReading, ranked: RankedCandidate | undefined): VictimRecord {
  return {
    pid: p.pid,
    comm: p.comm,
    user: p.user,
    uid: p.uid,
    memcg: p.memcg,
    cmdline: p.cmdline,
    exe: p.exe,
    oomScoreAdj: p.oomScoreAdj,
    rssKb: rssKb(p),
    rssAnonKb: p.rssAnonKb,
    rssFileKb: p.rssFileKb,
    rssShmemKb: p.rssShmemKb,
    swapKb: p.swapKb,
    score: ranked?.score ?? null
  }
}

/** The userspace OOM killer. `run()` loops until `stop()`. */
export class Daemon {
  private config: DaemonConfig
  private readonly deps: DaemonDeps
  private readonly clock: () => number
  private triggers: TriggerState = initialTriggerState()
  private policy: PolicyState = initialPolicyState()
  private inflight: InFlightContext | null = null
  private previousRss = new Map<number, { rssKb: number; timeMs: number; startTime: number }>()
  private lastScanMs = Number.NEGATIVE_INFINITY
  private lastLevel: Level = 0
  private lastWaitLog = ''
  private running = false
  private wake: (() => void) | null = null
  private lastEvaluation: Evaluation | null = null
  private readonly pending = new Set<Promise<unknown>>()
  /** After a dry-run "would kill", hold further decisions as if the victim were exiting. */
  private dryRunHoldUntil = Number.NEGATIVE_INFINITY
  /** When the current tick's sample was taken, and the previous one (for the journal's timing). */
  private sampleAtMs = 0

  constructor(config: DaemonConfig, deps: DaemonDeps) {
    this.config = config
    this.deps = deps
    this.clock = deps.clock ?? (() => performance.now())
  }

  /** Replace the configuration (SIGHUP); trigger stages restart from their current readings. */
  reload(config: DaemonConfig): void {
    this.config = config
    this.triggers = initialTriggerState()
    this.deps.logger.info({ event: 'reload' }, 'configuration reloaded')
    this.wakeUp()
  }

  /** The configuration in effect. */
  get currentConfig(): DaemonConfig {
    return this.config
  }

  /** Ask the loop to sample now (a PSI trigger event, a reload, a stop). */
  wakeUp(): void {
    this.wake?.()
  }

  /** Sample the scopes the triggers read. */
  sample(): Readings {
    const { source } = this.deps
    const cgroups = []
    for (const watch of this.config.cgroups) {
      const cg = source.cgroup(watch.path)
      if (cg) cgroups.push(cg)
    }
    return { timeMs: this.clock(), meminfo: source.meminfo(), psi: source.psi(), cgroups }
  }

  /** One iteration; returns the milliseconds to sleep before the next. */
  async tick(): Promise<number> {
    const readings = this.sample()
    this.sampleAtMs = readings.timeMs
    const evaluation = evaluateTriggers(this.config, this.triggers, readings)
    this.triggers = evaluation.state
    this.lastEvaluation = evaluation
    this.observe(readings, evaluation)
    this.trackVictim(readings, evaluation)
    if (evaluation.etaMs < WARM_HORIZON_MS && this.deps.logger.isLevelEnabled('debug'))
      this.deps.logger.debug(
        {
          event: 'sample',
          level: evaluation.level,
          etaMs: Math.round(evaluation.etaMs),
          intervalMs: evaluation.intervalMs,
          availKb: readings.meminfo.memAvailableKb
        },
        'approaching a threshold'
      )
    const decision = decide(this.config, this.policy, evaluation, readings.timeMs)
    await this.perform(decision, evaluation, readings)
    this.deps.heartbeat?.(Date.now())
    const interval = this.inflight
      ? Math.min(VICTIM_POLL_MS, evaluation.intervalMs)
      : evaluation.intervalMs
    this.deps.metrics?.interval.set(interval / 1000)
    return interval
  }

  /** Loop until stop(). */
  async run(): Promise<void> {
    this.running = true
    // One scan at start fills the process cache (cmdline, exe, cgroup, user names) and compiles
    // the scan path, so the first real kill does not pay for it.
    try {
      this.scan(this.clock(), 'system')
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'initial process scan failed')
    }
    let due = this.clock()
    while (this.running) {
      const started = this.clock()
      this.deps.metrics?.loopLag.set(Math.max(0, started - due) / 1000)
      let interval: number
      try {
        interval = await this.tick()
      } catch (error) {
        this.deps.logger.error({ err: error }, 'tick failed')
        interval = this.config.interval.max
      }
      if (!this.running) break
      due = this.clock() + interval
      await new Promise<void>(resolve => {
        const timer = setTimeout(() => {
          this.wake = null
          resolve()
        }, interval)
        this.wake = () => {
          clearTimeout(timer)
          this.wake = null
          resolve()
        }
      })
    }
    if (this.inflight) this.deps.control.close(this.inflight.handle)
    await Promise.allSettled([...this.pending])
  }

  /** Stop after the current tick. */
  stop(): void {
    this.running = false
    this.wakeUp()
  }

  /** Metrics and stage-change log lines. */
  private observe(readings: Readings, ev: Evaluation): void {
    const m = this.deps.metrics
    if (m) {
      m.level.set(ev.level)
      m.memAvailable.set(readings.meminfo.memAvailableKb * 1024)
      m.swapFree.set(readings.meminfo.swapFreeKb * 1024)
      if (readings.psi) {
        m.psi.set({ kind: 'some' }, readings.psi.some.avg10)
        if (readings.psi.full) m.psi.set({ kind: 'full' }, readings.psi.full.avg10)
      }
      for (const cg of readings.cgroups) {
        m.cgroupUsage.set({ cgroup: cg.path }, Math.max(0, cg.usageBytes - cg.inactiveFileBytes))
        if (cg.limitBytes !== null) m.cgroupLimit.set({ cgroup: cg.path }, cg.limitBytes)
      }
    }
    if (ev.level !== this.lastLevel) {
      const hit = ev.hits[0]
      const detail = hit
        ? hit.unit === 'bytes'
          ? `${hit.source} ${hit.scope}: ${formatBytes(hit.value)} available, threshold ${formatBytes(hit.threshold)}`
          : `${hit.source} ${hit.scope}: avg10 ${hit.value}%, threshold ${hit.threshold}%`
        : 'all triggers clear'
      const fields = {
        event: 'stage',
        from: LEVEL_NAMES[this.lastLevel],
        to: LEVEL_NAMES[ev.level],
        hits: ev.hits
      }
      if (ev.level > this.lastLevel)
        this.deps.logger.warn(fields, `stage ${LEVEL_NAMES[ev.level]}: ${detail}`)
      else this.deps.logger.info(fields, `stage ${LEVEL_NAMES[ev.level]}: ${detail}`)
      if (ev.level === 1 && this.lastLevel === 0)
        this.deps.notifier.send('Memory is running low', detail)
      this.lastLevel = ev.level
    }
  }

  /** kB the trigger scope has available now (MemAvailable, or the cgroup's working set). */
  private scopeKb(scope: string, readings: Readings): number {
    if (scope === 'system') return readings.meminfo.memAvailableKb
    const cg = readings.cgroups.find(c => c.path === scope)
    return cg ? Math.max(0, cg.usageBytes - cg.inactiveFileBytes) / 1024 : 0
  }

  /** Follow the victim in flight: has it gone, has its memory come back? */
  private trackVictim(readings: Readings, ev: Evaluation): void {
    const ctx = this.inflight
    const v = this.policy.inflight
    if (!ctx || !v) return
    const now = readings.timeMs
    if (v.exitedAtMs === null) {
      const p = this.deps.source.process(v.pid)
      if (p === null || p.startTime !== v.startTime || p.state === 'Z' || p.state === 'X') {
        v.exitedAtMs = now
        ctx.exitMs = now - v.firstSignalAtMs
        this.deps.metrics?.timeToExit.observe(ctx.exitMs / 1000)
      }
    }
    if (v.exitedAtMs !== null) {
      const nowKb = this.scopeKb(v.scope, readings)
      // System: MemAvailable rises; cgroup: the working set falls.
      ctx.freedKb = v.scope === 'system' ? nowKb - ctx.baselineKb : ctx.baselineKb - nowKb
      const expected = rssKb(ctx.victim) * 0.5
      v.memoryBack = ctx.freedKb >= expected || ev.level < 2
    }
  }

  private async perform(decision: Decision, ev: Evaluation, readings: Readings): Promise<void> {
    switch (decision.kind) {
      case 'idle': {
        this.lastWaitLog = ''
        // Warm the process table when an action is near (warn stage, or a threshold predicted
        // within 3 s), so the scan at the moment of the kill is short; growth needs samples too.
        // Not when the crossing is imminent: the scan would only delay the sample that sees it.
        const near =
          decision.level >= 1 || (ev.etaMs < WARM_HORIZON_MS && ev.etaMs > WARM_MIN_ETA_MS)
        if (near && readings.timeMs - this.lastScanMs >= WARM_EVERY_MS) {
          const hit = ev.hits[0]
          this.scan(readings.timeMs, hit ? hit.scope : ev.etaScope)
        }
        return
      }
      case 'wait':
        if (this.lastWaitLog !== decision.reason) {
          this.lastWaitLog = decision.reason
          this.deps.logger.debug(
            { event: 'wait', reason: decision.reason },
            `waiting: ${decision.reason}`
          )
          if (decision.reason === 'budget')
            this.deps.logger.warn(
              {
                event: 'budget',
                kills: this.config.kill.budget.kills,
                windowMs: this.config.kill.budget.window
              },
              'kill budget exhausted; not killing until the window moves on'
            )
        }
        return
      case 'escalate':
        this.escalate(decision.why, readings, ev)
        return
      case 'finish':
        this.finish()
        return
      case 'choose':
        if (readings.timeMs < this.dryRunHoldUntil) return
        await this.chooseAndKill(decision.signal, ev)
        return
      case 'kill-cgroup':
        this.killCgroup(decision.memcg, ev, readings)
        return
    }
  }

  /** Read candidates in a scope and remember their RSS (for growth). */
  private scan(nowMs: number, scope: string): ProcReading[] {
    const { source } = this.deps
    const procs =
      scope === 'system' ? source.processes() : source.processes(source.cgroupPids(scope))
    const next = new Map<number, { rssKb: number; timeMs: number; startTime: number }>()
    for (const p of procs) {
      const before = this.previousRss.get(p.pid)
      // Keep the older sample while it is recent, so growth spans a useful interval.
      if (before && before.startTime === p.startTime && nowMs - before.timeMs < 1000)
        next.set(p.pid, before)
      else next.set(p.pid, { rssKb: rssKb(p), timeMs: nowMs, startTime: p.startTime })
    }
    this.previousRss = next
    this.lastScanMs = nowMs
    return procs
  }

  private totalPagesFor(scope: string, readings: Readings): number {
    if (scope !== 'system') {
      const cg = readings.cgroups.find(c => c.path === scope)
      if (cg?.limitBytes != null) return Math.floor(cg.limitBytes / PAGE_SIZE)
    }
    return Math.floor(
      ((readings.meminfo.memTotalKb + readings.meminfo.swapTotalKb) * 1024) / PAGE_SIZE
    )
  }

  private async chooseAndKill(signal: 'SIGTERM' | 'SIGKILL', ev: Evaluation): Promise<void> {
    const { logger, source, control } = this.deps
    const hit = ev.hits.find(h => h.level >= 2) ?? ev.hits[0]
    const scope = hit?.scope ?? 'system'
    const nowMs = this.clock()
    const before = this.previousRss
    const candidates = this.scan(nowMs, scope)
    const scanMs = this.clock() - nowMs
    const previousRss = before.size > 0 ? before : this.previousRss
    const readingsNow = this.sample()
    const choice = chooseVictim({
      candidates,
      previousRss,
      nowMs,
      choose: this.config.choose,
      profile: this.deps.profile,
      totalPages: this.totalPagesFor(scope, readingsNow),
      selfPid: source.selfPid
    })
    const victimRank = choice.victim
    if (!victimRank) {
      if (this.lastWaitLog !== 'no-victim') {
        this.lastWaitLog = 'no-victim'
        logger.error(
          { event: 'no-victim', scope, candidates: candidates.length },
          `no eligible victim in ${scope}`
        )
      }
      return
    }
    // Re-check memory right before acting: the pressure may have gone while we scanned.
    const recheck = evaluateTriggers(this.config, this.triggers, readingsNow)
    if (recheck.level < 2) {
      logger.info(
        { event: 'recovered', level: LEVEL_NAMES[recheck.level] },
        'memory recovered before acting; no kill'
      )
      return
    }
    if (recheck.level >= 3) signal = 'SIGKILL'
    const victim = candidates.find(p => p.pid === victimRank.pid)
    if (!victim) return
    const reason = reasonOf(recheck.hits.find(h => h.level >= 2) ?? hit)
    const dryRun = this.config.kill.dryRun
    const top = choice.ranking
      .slice(0, 5)
      .map(r => ({ pid: r.pid, comm: r.comm, score: r.score, rssKb: r.rssKb }))
    const hookVictim: HookVictim = {
      pid: victim.pid,
      uid: victim.uid,
      comm: victim.comm,
      cmdline: victim.cmdline,
      memcg: victim.memcg,
      rssKb: rssKb(victim),
      signal,
      reason,
      dryRun
    }
    this.policy.killTimes.push(nowMs)
    this.policy.lastKill = { memcg: choice.cgroup ?? victim.memcg, atMs: nowMs }
    if (dryRun) {
      logger.warn(
        { event: 'would-kill', pid: victim.pid, comm: victim.comm, signal, reason, top },
        `dry run: would send ${signal} to ${victim.comm} (pid ${victim.pid}, ${formatBytes(rssKb(victim) * 1024)} RSS)`
      )
      this.deps.metrics?.kills.inc({ reason, signal, dry_run: 'true' })
      this.deps.journal.write(
        this.entry(
          'would-kill',
          reason,
          recheck,
          choice,
          victim,
          victimRank,
          [],
          'unavailable',
          null,
          null
        )
      )
      void this.fireHook('pre-kill', hookVictim)
      this.dryRunHoldUntil = nowMs + this.config.kill.waitMemory
      return
    }
    const preKill = this.fireHook('pre-kill', hookVictim)
    if (preKill && this.config.hooks.preKillWait > 0)
      await Promise.race([preKill, new Promise(r => setTimeout(r, this.config.hooks.preKillWait))])
    const opened = control.open(victim.pid)
    if (!opened.ok) {
      this.failed(opened.errno, opened.message, victim, reason)
      return
    }
    // The pidfd pins the process: if its start time still matches, it is the one we ranked.
    const same = source.process(victim.pid)
    if (!same || same.startTime !== victim.startTime) {
      control.close(opened.handle)
      this.failed('ESRCH', 'victim exited or pid was reused before the signal', victim, reason)
      return
    }
    const sentAt = this.clock()
    const sent = control.signal(opened.handle, signal)
    if (!sent.ok) {
      control.close(opened.handle)
      this.failed(sent.errno, sent.message, victim, reason)
      return
    }
    const mrelease = signal === 'SIGKILL' ? this.reap(opened.handle) : 'not-attempted'
    logger.warn(
      {
        event: 'kill',
        pid: victim.pid,
        comm: victim.comm,
        signal,
        reason,
        rssKb: rssKb(victim),
        top,
        backend: control.features.backend
      },
      `sent ${signal} to ${victim.comm} (pid ${victim.pid}, ${formatBytes(rssKb(victim) * 1024)} RSS): ${reason}`
    )
    this.deps.metrics?.kills.inc({ reason, signal, dry_run: 'false' })
    this.deps.notifier.send(
      'oomkit killed a process',
      `${victim.comm} (pid ${victim.pid}) was using ${formatBytes(rssKb(victim) * 1024)}`
    )
    const v: InFlight = {
      pid: victim.pid,
      startTime: victim.startTime,
      comm: victim.comm,
      signal,
      firstSignalAtMs: sentAt,
      signalAtMs: sentAt,
      exitedAtMs: null,
      memoryBack: false,
      scope,
      memcg: victim.memcg
    }
    this.policy.inflight = v
    this.inflight = {
      handle: opened.handle,
      victim,
      ranked: victimRank,
      choice,
      evaluation: recheck,
      reason,
      wallTime: new Date().toISOString(),
      signals: [{ signal, atMs: 0 }],
      mrelease,
      baselineKb: this.scopeKb(scope, readingsNow),
      freedKb: null,
      exitMs: null,
      timing: {
        sampleToSignalMs: Math.round((sentAt - this.sampleAtMs) * 10) / 10,
        scanMs: Math.round(scanMs * 10) / 10,
        candidates: candidates.length
      }
    }
  }

  /**
   * process_mrelease after SIGKILL; returns 'ok', 'already-exited', the errno name, or
   * 'unavailable'. ESRCH means the victim finished exiting (its mm is gone) before the call:
   * a small process often does, and then there is nothing left to reap.
   */
  private reap(handle: ProcessHandle): string {
    const { control } = this.deps
    if (!control.features.mrelease) return 'unavailable'
    const r = control.mrelease(handle)
    if (r.ok) return 'ok'
    return r.errno === 'ESRCH' ? 'already-exited' : r.errno
  }

  private escalate(why: 'grace-expired' | 'kill-stage', readings: Readings, ev: Evaluation): void {
    const ctx = this.inflight
    const v = this.policy.inflight
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
  private finish(): void {
    const ctx = this.inflight
    this.policy.inflight = null
    this.inflight = null
    this.lastWaitLog = ''
    if (!ctx) return
    this.deps.control.close(ctx.handle)
    const entry = this.entry(
      'kill',
      ctx.reason,
      ctx.evaluation,
      ctx.choice,
      ctx.victim,
      ctx.ranked,
      ctx.signals,
      ctx.mrelease,
      ctx.exitMs,
      ctx.freedKb
    )
    entry.time = ctx.wallTime
    entry.timing = ctx.timing
    this.deps.journal.write(entry)
    if (ctx.freedKb !== null && ctx.freedKb > 0) this.deps.metrics?.freed.inc(ctx.freedKb * 1024)
    this.deps.logger.info(
      {
        event: 'victim-gone',
        pid: ctx.victim.pid,
        comm: ctx.victim.comm,
        exitMs: ctx.exitMs,
        freedKb: ctx.freedKb
      },
      `${ctx.victim.comm} (pid ${ctx.victim.pid}) exited after ${ctx.exitMs ?? '?'} ms; ${ctx.freedKb === null ? '?' : formatBytes(ctx.freedKb * 1024)} came back`
    )
    void this.fireHook('post-kill', {
      pid: ctx.victim.pid,
      uid: ctx.victim.uid,
      comm: ctx.victim.comm,
      cmdline: ctx.victim.cmdline,
      memcg: ctx.victim.memcg,
      rssKb: rssKb(ctx.victim),
      signal: ctx.signals[ctx.signals.length - 1]?.signal ?? 'SIGTERM',
      reason: ctx.reason,
      dryRun: false,
      timeToExitMs: ctx.exitMs,
      memoryFreedKb: ctx.freedKb
    })
  }

  /** Escalation in cgroup mode: kill every process of the memcg (cgroup.kill where it exists). */
  private killCgroup(memcg: string, ev: Evaluation, readings: Readings): void {
    const { source, control, logger } = this.deps
    this.policy.lastKill = null
    const dir = source.cgroupDir(memcg)
    const reason = `${reasonOf(ev.hits[0])}-escalated`
    const dryRun = this.config.kill.dryRun
    this.policy.killTimes.push(readings.timeMs)
    if (!dir) {
      logger.error({ event: 'kill-cgroup', memcg }, `cannot find the directory of cgroup ${memcg}`)
      return
    }
    const pids = source.cgroupPids(dir).filter(p => p !== source.selfPid && p !== 1)
    let method: 'cgroup.kill' | 'signal-each' = 'signal-each'
    if (!dryRun) {
      if (existsSync(join(dir, 'cgroup.kill'))) {
        try {
          writeFileSync(join(dir, 'cgroup.kill'), '1')
          method = 'cgroup.kill'
        } catch {
          method = 'signal-each'
        }
      }
      if (method === 'signal-each') {
        for (const pid of pids) {
          const h = control.open(pid)
          if (!h.ok) continue
          if (control.signal(h.handle, 'SIGKILL').ok) this.reap(h.handle)
          control.close(h.handle)
        }
      }
    }
    logger.warn(
      {
        event: dryRun ? 'would-kill-cgroup' : 'kill-cgroup',
        cgroup: dir,
        processes: pids.length,
        method,
        reason
      },
      `${dryRun ? 'dry run: would kill' : 'killed'} cgroup ${memcg} (${pids.length} processes, ${method}): the earlier kill did not help`
    )
    this.deps.metrics?.kills.inc({ reason, signal: 'SIGKILL', dry_run: String(dryRun) })
    const entry = this.entry(
      dryRun ? 'would-kill-cgroup' : 'kill-cgroup',
      reason,
      ev,
      null,
      null,
      undefined,
      [{ signal: 'SIGKILL', atMs: 0 }],
      'not-attempted',
      null,
      null
    )
    entry.cgroup = { path: dir, method, processes: pids.length }
    this.deps.journal.write(entry)
  }

  private failed(errno: string, message: string, victim: ProcReading, reason: string): void {
    this.deps.metrics?.killFailures.inc({ errno })
    this.deps.logger.error(
      { event: 'kill-failed', pid: victim.pid, comm: victim.comm, errno },
      `could not signal ${victim.comm} (pid ${victim.pid}): ${message}`
    )
    const entry = this.entry(
      'kill-failed',
      reason,
      this.lastEvaluation,
      null,
      victim,
      undefined,
      [],
      'not-attempted',
      null,
      null
    )
    entry.error = `${errno}: ${message}`
    this.deps.journal.write(entry)
  }

  private entry(
    event: JournalEntry['event'],
    reason: string,
    ev: Evaluation | null,
    choice: Choice | null,
    victim: ProcReading | null,
    ranked: RankedCandidate | undefined,
    signals: { signal: string; atMs: number }[],
    mrelease: string,
    exitMs: number | null,
    freedKb: number | null
  ): JournalEntry {
    return {
      time: new Date().toISOString(),
      event,
      reason,
      dryRun: this.config.kill.dryRun,
      profile: this.deps.profile.name,
      sortBy: this.config.choose.sortBy,
      trigger: { level: LEVEL_NAMES[ev?.level ?? 0], hits: ev?.hits ?? [] },
      victim: victim ? victimRecord(victim, ranked) : null,
      signals,
      mrelease,
      backend: this.deps.control.features.backend,
      timeToExitMs: exitMs === null ? null : Math.round(exitMs * 10) / 10,
      memoryFreedKb: freedKb === null ? null : Math.round(freedKb),
      ranking: choice?.ranking ?? []
    }
  }

  /** Start a hook without waiting; returns its promise (tracked so stop() lets it finish). */
  private fireHook(
    stage: 'pre-kill' | 'post-kill',
    victim: HookVictim
  ): Promise<number | null> | null {
    const command = stage === 'pre-kill' ? this.config.hooks.preKill : this.config.hooks.postKill
    if (!command) return null
    const p = runHook(
      command,
      hookEnv(stage, victim),
      this.config.hooks.timeout,
      this.deps.env
    ).then(code => {
      this.pending.delete(p)
      if (code !== 0)
        this.deps.logger.warn(
          { event: 'hook', stage, code },
          `${stage} hook exited with ${code ?? 'a timeout'}`
        )
      return code
    })
    this.pending.add(p)
    return p
  }
}
