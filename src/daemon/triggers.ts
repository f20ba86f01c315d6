/**
 * @module The trigger state machine: a pure function of (config, previous state, readings, time)
 * giving the current stage (ok / warn / term / kill), the hits that explain it, and when to sample
 * next. No I/O; recorded traces replay through it deterministically.
 *
 * Stages: a "below" threshold (MemAvailable, SwapFree, a cgroup's headroom under its limit) is
 * reached when the value is at or under it; a PSI stage when avg10 is at or over it. Hysteresis:
 * a stage already reached is kept until the value is `hysteresis` percent (of the total, or PSI
 * points) past the threshold. Duration: warn and term stages must hold for `for` (PSI: its own
 * `for`) before they count; the kill stage of a size threshold counts at once. The rules
 * themselves are in trigger-levels.ts.
 */
import type { CgroupWatch, DaemonConfig, PsiStages } from './config-schema.ts'
import type { CgroupReading, Readings } from './readings.ts'
import {
  ASSUMED_FILL_BYTES_PER_MS,
  PREDICTIVE_FLOOR_MS,
  RATE_WINDOW_MS,
  aboveLevel,
  belowLevel,
  distanceToAction,
  fillRate,
  psiValue,
  settle
} from './trigger-levels.ts'
import type { Evaluation, Level, TriggerHit, TriggerSlot, TriggerState } from './trigger-types.ts'

export { ASSUMED_FILL_BYTES_PER_MS, PREDICTIVE_FLOOR_MS, RATE_WINDOW_MS } from './trigger-levels.ts'
export { LEVEL_NAMES } from './trigger-types.ts'
export type { Evaluation, Level, TriggerHit, TriggerSlot, TriggerState } from './trigger-types.ts'

export function initialTriggerState(): TriggerState {
  return { slots: {}, previous: null, history: [] }
}

/** One evaluation in progress: the slots and hits found so far, and the sleep being chosen. */
class Pass {
  readonly slots: Record<string, TriggerSlot> = {}
  readonly hits: TriggerHit[] = []
  readonly history: Readings[]
  intervalMs: number
  etaMs = Number.POSITIVE_INFINITY
  etaScope = 'system'
  readonly config: DaemonConfig
  readonly state: TriggerState
  readonly readings: Readings

  constructor(config: DaemonConfig, state: TriggerState, readings: Readings) {
    this.config = config
    this.state = state
    this.readings = readings
    this.intervalMs = config.interval.max
    this.history = (state.history ?? []).filter(r => readings.timeMs - r.timeMs <= RATE_WINDOW_MS)
  }

  consider(ms: number): void {
    this.intervalMs = Math.min(this.intervalMs, ms)
  }

  /** The fill rate (bytes/ms) of the amount in use `used(r)`, over the previous sample and the
   * rate window. */
  rate(used: (r: Readings) => number | null): number {
    return fillRate(this.readings, this.state.previous, this.history[0] ?? null, used)
  }

  /** Sleep for a headroom of `distance` bytes falling at `rate` bytes/ms (observed). */
  pace(distance: number, rate: number, scope: string): void {
    if (distance === Number.POSITIVE_INFINITY) return
    if (rate > 0 && distance / rate < this.etaMs) {
      this.etaMs = distance / rate
      this.etaScope = scope
    }
    this.consider(Math.max(this.config.interval.min, distance / ASSUMED_FILL_BYTES_PER_MS))
    if (this.config.interval.predictive && rate > 0) {
      // Wake just before the predicted crossing when it comes sooner than the next regular poll.
      const eta = distance / rate
      if (eta < this.intervalMs) this.consider(Math.max(PREDICTIVE_FLOOR_MS, eta * 0.8))
    }
  }

  /** Settle a raw level into its slot (duration rule). */
  settle(key: string, raw: Level, forMs: number, killImmediate: boolean): TriggerSlot {
    const slot = settle(this.state.slots[key], raw, this.readings.timeMs, forMs, killImmediate)
    this.slots[key] = slot
    return slot
  }
}

/** SwapFree's stage when memory and swap must both be low ('all'), with its hit. */
function swapStage(p: Pass, current: Level): { level: Level; hit: TriggerHit } {
  const m = p.readings.meminfo
  const total = m.swapTotalKb * 1024
  const value = m.swapFreeKb * 1024
  const swap = belowLevel(value, total, p.config.memory.swapFree, current, p.config.hysteresis)
  const hit: TriggerHit = {
    key: 'swap',
    source: 'swap',
    scope: 'system',
    level: swap.level,
    value,
    threshold: swap.threshold,
    total,
    unit: 'bytes'
  }
  return { level: swap.level, hit }
}

/** MemAvailable (and SwapFree with combine 'all'). */
function memoryTrigger(p: Pass): void {
  const { config } = p
  const m = p.readings.meminfo
  const total = m.memTotalKb * 1024
  const avail = m.memAvailableKb * 1024
  const current = p.state.slots.memory?.level ?? 0
  const mem = belowLevel(avail, total, config.memory.available, current, config.hysteresis)
  let raw = mem.level
  let swapHit: TriggerHit | null = null
  if (config.memory.combine === 'all' && m.swapTotalKb > 0) {
    const swap = swapStage(p, current)
    // earlyoom: act only when memory and swap are both low; with no swap, swap never holds back.
    raw = Math.min(raw, swap.level) as Level
    swapHit = swap.hit
  }
  const slot = p.settle('memory', raw, config.for, true)
  if (slot.level > 0) {
    p.hits.push({
      key: 'memory',
      source: 'memory',
      scope: 'system',
      level: slot.level,
      value: avail,
      threshold: mem.threshold,
      total,
      unit: 'bytes'
    })
    if (swapHit) p.hits.push({ ...swapHit, level: slot.level })
  }
  const rate = p.rate(r => -r.meminfo.memAvailableKb * 1024)
  p.pace(distanceToAction(avail, total, config.memory.available), rate, 'system')
}

/** A PSI avg10 against its stages (system or a cgroup's memory.pressure). */
function psiTrigger(
  p: Pass,
  key: string,
  where: { source: 'psi' | 'cgroup-psi'; scope: string },
  value: number | null,
  stages: PsiStages
): void {
  if (value === null) return
  const r = aboveLevel(value, stages, p.state.slots[key]?.level ?? 0, p.config.hysteresis)
  const slot = p.settle(key, r.level, stages.for, false)
  if (slot.level > 0)
    p.hits.push({
      key,
      ...where,
      level: slot.level,
      value,
      threshold: r.threshold,
      total: 0,
      unit: 'percent'
    })
  if (slot.pending > 0) p.consider(p.config.interval.min)
}

/** A watched cgroup's headroom under its limit (working set = usage - inactive file). */
function cgroupLimitTrigger(p: Pass, watch: CgroupWatch, cg: CgroupReading, limit: number): void {
  const key = `cgroup:${watch.path}`
  const used = Math.max(0, cg.usageBytes - cg.inactiveFileBytes)
  const headroom = Math.max(0, limit - used)
  const current = p.state.slots[key]?.level ?? 0
  const r = belowLevel(headroom, limit, watch.available, current, p.config.hysteresis)
  const slot = p.settle(key, r.level, p.config.for, true)
  if (slot.level > 0)
    p.hits.push({
      key,
      source: 'cgroup',
      scope: watch.path,
      level: slot.level,
      value: headroom,
      threshold: r.threshold,
      total: limit,
      unit: 'bytes'
    })
  // Usage under a kernel threshold: its crossing wakes the loop, the cgroup needs no polling.
  const calmBelow = p.readings.calmBelow?.[watch.path]
  if (calmBelow !== undefined && cg.usageBytes < calmBelow) return
  const rate = p.rate(r => {
    const c = r.cgroups.find(x => x.path === watch.path)
    return c ? Math.max(0, c.usageBytes - c.inactiveFileBytes) : null
  })
  p.pace(distanceToAction(headroom, limit, watch.available), rate, watch.path)
}

/**
 * Evaluate every trigger on one sample. Pure: the same (config, state, readings) always gives the
 * same evaluation.
 */
export function evaluateTriggers(
  config: DaemonConfig,
  state: TriggerState,
  readings: Readings
): Evaluation {
  const p = new Pass(config, state, readings)
  if (config.memory.enabled && readings.meminfo.memTotalKb > 0) memoryTrigger(p)
  if (config.psi) {
    const value = psiValue(readings.psi, config.psi.metric)
    psiTrigger(p, 'psi', { source: 'psi', scope: 'system' }, value, config.psi)
  }
  for (const watch of config.cgroups) {
    const cg = readings.cgroups.find(c => c.path === watch.path)
    if (!cg) continue
    if (cg.limitBytes !== null) cgroupLimitTrigger(p, watch, cg, cg.limitBytes)
    if (watch.psi) {
      const where = { source: 'cgroup-psi' as const, scope: watch.path }
      const value = psiValue(cg.psi, watch.psi.metric)
      psiTrigger(p, `cgroup-psi:${watch.path}`, where, value, watch.psi)
    }
  }
  p.hits.sort(
    (a, b) => b.level - a.level || Number(b.scope !== 'system') - Number(a.scope !== 'system')
  )
  const level: Level = p.hits[0]?.level ?? 0
  if (level > 0) p.consider(config.interval.min)
  return {
    level,
    hits: p.hits,
    intervalMs: Math.round(p.intervalMs),
    etaMs: p.etaMs,
    etaScope: p.etaScope,
    state: { slots: p.slots, previous: readings, history: [...p.history, readings] }
  }
}
