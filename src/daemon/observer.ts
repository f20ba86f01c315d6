/**
 * @module The observer: what the loop does with each sample besides deciding. It exports the
 * metrics, logs stage changes (and notifies at the first warning), follows the victim in flight
 * (exited, so its memory is back?), and warms the process table when an action is near.
 */
import { performance } from 'node:perf_hooks'
import type { Logger } from './log.ts'
import type { DaemonDeps, InFlightContext, LoopState } from './loop-state.ts'
import type { DaemonMetrics } from './metrics.ts'
import type { ProcessTable } from './process-table.ts'
import type { InFlight } from './policy.ts'
import type { Readings } from './readings.ts'
import { LEVEL_NAMES } from './triggers.ts'
import type { Evaluation, Level, TriggerHit } from './triggers.ts'
import { formatBytes } from './units.ts'

/** Warm the process table when a threshold is predicted within this many ms... */
const WARM_HORIZON_MS = 3000
/** ...at most this often... */
const WARM_EVERY_MS = 500
/** ...and not when the crossing is closer than this. */
const WARM_MIN_ETA_MS = 300

/** kB the trigger scope has available now (MemAvailable, or the cgroup's working set). */
export function scopeKb(scope: string, readings: Readings): number {
  if (scope === 'system') return readings.meminfo.memAvailableKb
  const cg = readings.cgroups.find(c => c.path === scope)
  return cg ? Math.max(0, cg.usageBytes - cg.inactiveFileBytes) / 1024 : 0
}

function stageDetail(hit: TriggerHit | undefined): string {
  if (!hit) return 'all triggers clear'
  return hit.unit === 'bytes'
    ? `${hit.source} ${hit.scope}: ${formatBytes(hit.value)} available, threshold ${formatBytes(hit.threshold)}`
    : `${hit.source} ${hit.scope}: avg10 ${hit.value}%, threshold ${hit.threshold}%`
}

function exportMetrics(m: DaemonMetrics | null, readings: Readings, ev: Evaluation): void {
  if (!m) return
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

/**
 * Has the victim exited? Its pidfd polls readable once it is a zombie or reaped; without a pidfd,
 * /proc says so (gone, another process under its pid, or a zombie). A task that has exited has
 * released its mm (exit_mm() runs before exit_notify()), so its memory is back.
 */
function victimExited(deps: DaemonDeps, ctx: InFlightContext, v: InFlight): boolean {
  if (deps.control.exited?.(ctx.handle) === true) return true
  const p = deps.source.process(v.pid)
  return p === null || p.startTime !== v.startTime || p.state === 'Z' || p.state === 'X'
}

/** Follow the victim in flight: once it has exited its memory is released, and the wait ends. */
export function trackVictim(deps: DaemonDeps, state: LoopState, readings: Readings): void {
  const ctx = state.inflight
  const v = state.policy.inflight
  if (!ctx || !v || v.exitedAtMs !== null) return
  if (!victimExited(deps, ctx, v)) return
  const now = readings.timeMs
  v.exitedAtMs = now
  v.memoryBack = true
  ctx.exitMs = now - v.firstSignalAtMs
  deps.metrics?.timeToExit.observe(ctx.exitMs / 1000)
}

/** kB the victim's exit gave back to its scope, from a sample taken after it exited. */
export function freedKbSince(ctx: InFlightContext, scope: string, after: Readings): number {
  const nowKb = scopeKb(scope, after)
  // System: MemAvailable rises; cgroup: the working set falls.
  return scope === 'system' ? nowKb - ctx.baselineKb : ctx.baselineKb - nowKb
}

function logApproach(logger: Logger, readings: Readings, ev: Evaluation): void {
  if (!logger.isLevelEnabled('debug')) return
  logger.debug(
    {
      event: 'sample',
      stage: LEVEL_NAMES[ev.level],
      etaMs: Math.round(ev.etaMs),
      intervalMs: ev.intervalMs,
      availKb: readings.meminfo.memAvailableKb
    },
    'approaching a threshold'
  )
}

export class Observer {
  private readonly deps: DaemonDeps
  private readonly table: ProcessTable
  private lastLevel: Level = 0
  private meminfoBlind = false

  constructor(deps: DaemonDeps, table: ProcessTable) {
    this.deps = deps
    this.table = table
  }

  /** Metrics, stage-change log lines, and a debug line when a threshold is near. */
  observe(readings: Readings, ev: Evaluation, memoryTrigger = true): void {
    if (memoryTrigger) this.checkMeminfo(readings)
    exportMetrics(this.deps.metrics, readings, ev)
    this.logStage(ev)
    if (ev.etaMs < WARM_HORIZON_MS) logApproach(this.deps.logger, readings, ev)
  }

  /**
   * /proc/meminfo unreadable (or without MemTotal) reads as zeros, which would turn the system
   * trigger off without a word: say so loudly, once, and again when it is readable.
   */
  private checkMeminfo(readings: Readings): void {
    const blind = readings.meminfo.memTotalKb === 0
    if (blind === this.meminfoBlind) return
    this.meminfoBlind = blind
    if (blind)
      this.deps.logger.error(
        { event: 'meminfo-unreadable' },
        'cannot read /proc/meminfo (or it has no MemTotal): the MemAvailable and SwapFree triggers cannot see anything'
      )
    else this.deps.logger.info({ event: 'meminfo-readable' }, '/proc/meminfo is readable again')
  }

  /** Log (and at the first warning, notify) a change of stage. */
  private logStage(ev: Evaluation): void {
    if (ev.level === this.lastLevel) return
    const detail = stageDetail(ev.hits[0])
    const fields = {
      event: 'stage',
      from: LEVEL_NAMES[this.lastLevel],
      to: LEVEL_NAMES[ev.level],
      hits: ev.hits
    }
    const { logger } = this.deps
    if (ev.level > this.lastLevel) logger.warn(fields, `stage ${LEVEL_NAMES[ev.level]}: ${detail}`)
    else logger.info(fields, `stage ${LEVEL_NAMES[ev.level]}: ${detail}`)
    if (ev.level === 1 && this.lastLevel === 0)
      this.deps.notifier.send('Memory is running low', detail)
    this.lastLevel = ev.level
  }

  /** One scan at start fills the process cache (cmdline, exe, cgroup, user names) and compiles
   * the scan path, so the first real kill does not pay for it. */
  warmAtStart(): void {
    try {
      this.table.scan(this.deps.source, this.deps.clock?.() ?? performance.now(), 'system')
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'initial process scan failed')
    }
  }

  /**
   * Warm the process table when an action is near (warn stage, or a threshold predicted within
   * 3 s), so the scan at the moment of the kill is short; growth needs samples too. Not when
   * the crossing is imminent: the scan would only delay the sample that sees it.
   */
  warm(level: Level, ev: Evaluation, readings: Readings): void {
    const near = level >= 1 || (ev.etaMs < WARM_HORIZON_MS && ev.etaMs > WARM_MIN_ETA_MS)
    if (near && readings.timeMs - this.table.lastScanMs >= WARM_EVERY_MS) {
      const hit = ev.hits[0]
      this.table.scan(this.deps.source, readings.timeMs, hit ? hit.scope : ev.etaScope)
    }
  }
}
