/**
 * @module The daemon loop: the impure shell around the pure policy. Each tick (tick.ts) samples
 * memory, evaluates the triggers (triggers.ts), lets the observer export and log what it sees
 * (observer.ts), decides (policy.ts) and hands the decision to the killer (kill-*.ts). Then the
 * loop sleeps for the interval the triggers asked for, or until woken.
 */
import { performance } from 'node:perf_hooks'
import type { DaemonConfig } from './config-schema.ts'
import { HookRunner } from './hook-runner.ts'
import type { KillContext } from './kill-context.ts'
import { initialLoopState } from './loop-state.ts'
import type { DaemonDeps } from './loop-state.ts'
import { Observer } from './observer.ts'
import { ProcessTable } from './process-table.ts'
import type { Readings } from './readings.ts'
import { Sleeper } from './sleeper.ts'
import { tick } from './tick.ts'
import { initialTriggerState } from './triggers.ts'

export type { DaemonDeps } from './loop-state.ts'

/** One sample: meminfo, PSI, the watched cgroups, and which of them a kernel threshold guards. */
function sampleScopes(deps: DaemonDeps, config: DaemonConfig, timeMs: number): Readings {
  const { source } = deps
  const cgroups = []
  for (const watch of config.cgroups) {
    const cg = source.cgroup(watch.path)
    if (cg) cgroups.push(cg)
  }
  const readings: Readings = { timeMs, meminfo: source.meminfo(), psi: source.psi(), cgroups }
  const calm = deps.calmBelow?.(config, cgroups)
  if (calm && Object.keys(calm).length > 0) readings.calmBelow = calm
  return readings
}

/** The userspace OOM killer. `run()` loops until `stop()`. */
export class Daemon {
  private readonly deps: DaemonDeps
  private readonly ctx: KillContext
  private readonly observer: Observer
  private readonly sleeper = new Sleeper()
  private running = false

  constructor(config: DaemonConfig, deps: DaemonDeps) {
    this.deps = deps
    const state = initialLoopState(config)
    const table = new ProcessTable()
    const clock = deps.clock ?? (() => performance.now())
    const hooks = new HookRunner(deps.logger)
    this.ctx = { deps, state, table, hooks, clock, sample: () => this.sample() }
    this.observer = new Observer(deps, table)
  }

  /** Replace the configuration (SIGHUP); trigger stages restart from their current readings. */
  reload(config: DaemonConfig): void {
    this.ctx.state.config = config
    this.ctx.state.triggers = initialTriggerState()
    this.deps.logger.info({ event: 'reload' }, 'configuration reloaded')
    this.wakeUp()
  }

  /** The configuration in effect. */
  get currentConfig(): DaemonConfig {
    return this.ctx.state.config
  }

  /** Ask the loop to sample now (a PSI trigger event, a reload, a stop). */
  wakeUp(): void {
    this.sleeper.wakeUp()
  }

  /** Sample the scopes the triggers read. */
  sample(): Readings {
    return sampleScopes(this.deps, this.ctx.state.config, this.ctx.clock())
  }

  /** One iteration; returns the milliseconds to sleep before the next. */
  tick(): Promise<number> {
    return tick(this.ctx, this.observer)
  }

  /** Loop until stop(). */
  async run(): Promise<void> {
    const { deps, ctx } = this
    this.running = true
    this.observer.warmAtStart()
    let due = ctx.clock()
    while (this.running) {
      deps.metrics?.loopLag.set(Math.max(0, ctx.clock() - due) / 1000)
      let interval: number
      try {
        interval = await this.tick()
      } catch (error) {
        deps.logger.error({ err: error }, 'tick failed')
        interval = ctx.state.config.interval.max
      }
      if (!this.running) break
      due = ctx.clock() + interval
      await this.sleeper.sleep(interval)
    }
    if (ctx.state.inflight) deps.control.close(ctx.state.inflight.handle)
    await ctx.hooks.settle()
  }

  /** Stop after the current tick. */
  stop(): void {
    this.running = false
    this.wakeUp()
  }
}
