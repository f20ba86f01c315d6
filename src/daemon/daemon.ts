/**
 * @module The daemon loop: the impure shell around the pure policy. Each tick samples memory,
 * evaluates the triggers (triggers.ts), lets the observer export and log what it sees
 * (observer.ts), decides (policy.ts) and hands the decision to the killer (killer.ts,
 * kill-cgroup.ts). Then it sleeps for the interval the triggers asked for, or until woken.
 */
import { performance } from 'node:perf_hooks'
import type { DaemonConfig } from './config-schema.ts'
import { HookRunner } from './hook-runner.ts'
import { killCgroup } from './kill-cgroup.ts'
import { Killer } from './killer.ts'
import { initialLoopState } from './loop-state.ts'
import type { DaemonDeps, LoopState } from './loop-state.ts'
import { Observer, WARM_HORIZON_MS } from './observer.ts'
import { decide } from './policy.ts'
import type { Decision } from './policy.ts'
import { ProcessTable } from './process-table.ts'
import type { Readings } from './readings.ts'
import { evaluateTriggers, initialTriggerState } from './triggers.ts'
import type { Evaluation } from './triggers.ts'

export type { DaemonDeps } from './loop-state.ts'

/** Poll interval while a victim is exiting (ms). */
const VICTIM_POLL_MS = 10

/** The userspace OOM killer. `run()` loops until `stop()`. */
export class Daemon {
  private readonly deps: DaemonDeps
  private readonly clock: () => number
  private readonly state: LoopState
  private readonly table = new ProcessTable()
  private readonly hooks: HookRunner
  private readonly observer: Observer
  private readonly killer: Killer
  private running = false
  private wake: (() => void) | null = null

  constructor(config: DaemonConfig, deps: DaemonDeps) {
    this.deps = deps
    this.clock = deps.clock ?? (() => performance.now())
    this.state = initialLoopState(config)
    this.hooks = new HookRunner(deps.logger, deps.env)
    this.observer = new Observer(deps, this.state, this.table)
    this.killer = new Killer(deps, this.state, {
      table: this.table,
      hooks: this.hooks,
      clock: this.clock,
      sample: () => this.sample()
    })
  }

  /** Replace the configuration (SIGHUP); trigger stages restart from their current readings. */
  reload(config: DaemonConfig): void {
    this.state.config = config
    this.state.triggers = initialTriggerState()
    this.deps.logger.info({ event: 'reload' }, 'configuration reloaded')
    this.wakeUp()
  }

  /** The configuration in effect. */
  get currentConfig(): DaemonConfig {
    return this.state.config
  }

  /** Ask the loop to sample now (a PSI trigger event, a reload, a stop). */
  wakeUp(): void {
    this.wake?.()
  }

  /** Sample the scopes the triggers read. */
  sample(): Readings {
    const { source } = this.deps
    const cgroups = []
    for (const watch of this.state.config.cgroups) {
      const cg = source.cgroup(watch.path)
      if (cg) cgroups.push(cg)
    }
    return { timeMs: this.clock(), meminfo: source.meminfo(), psi: source.psi(), cgroups }
  }

  /** One iteration; returns the milliseconds to sleep before the next. */
  async tick(): Promise<number> {
    const { state } = this
    const readings = this.sample()
    state.sampleAtMs = readings.timeMs
    const evaluation = evaluateTriggers(state.config, state.triggers, readings)
    state.triggers = evaluation.state
    state.lastEvaluation = evaluation
    this.observer.observe(readings, evaluation)
    this.observer.trackVictim(readings, evaluation)
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
    const decision = decide(state.config, state.policy, evaluation, readings.timeMs)
    await this.perform(decision, evaluation, readings)
    this.deps.heartbeat?.(Date.now())
    const interval = state.inflight
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
      this.table.scan(this.deps.source, this.clock(), 'system')
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
        interval = this.state.config.interval.max
      }
      if (!this.running) break
      due = this.clock() + interval
      await this.sleep(interval)
    }
    if (this.state.inflight) this.deps.control.close(this.state.inflight.handle)
    await this.hooks.settle()
  }

  /** Stop after the current tick. */
  stop(): void {
    this.running = false
    this.wakeUp()
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>(resolve => {
      const timer = setTimeout(() => {
        this.wake = null
        resolve()
      }, ms)
      this.wake = () => {
        clearTimeout(timer)
        this.wake = null
        resolve()
      }
    })
  }

  private async perform(decision: Decision, ev: Evaluation, readings: Readings): Promise<void> {
    const { state } = this
    switch (decision.kind) {
      case 'idle':
        state.lastWaitLog = ''
        this.observer.warm(decision.level, ev, readings)
        return
      case 'wait':
        this.logWait(decision.reason)
        return
      case 'escalate':
        this.killer.escalate(decision.why, readings, ev)
        return
      case 'finish':
        this.killer.finish()
        return
      case 'choose':
        if (readings.timeMs < state.dryRunHoldUntil) return
        await this.killer.chooseAndKill(decision.signal, ev)
        return
      case 'kill-cgroup':
        killCgroup(this.deps, state, this.killer, { memcg: decision.memcg, ev, readings })
        return
    }
  }

  /** Log each wait reason once (and the budget warning when the budget is what holds us). */
  private logWait(reason: string): void {
    const { state } = this
    if (state.lastWaitLog === reason) return
    state.lastWaitLog = reason
    this.deps.logger.debug({ event: 'wait', reason }, `waiting: ${reason}`)
    if (reason === 'budget')
      this.deps.logger.warn(
        {
          event: 'budget',
          kills: state.config.kill.budget.kills,
          windowMs: state.config.kill.budget.window
        },
        'kill budget exhausted; not killing until the window moves on'
      )
  }
}
