/**
 * @module The trigger state machine: a pure function of (config, previous state, readings, time)
 * giving the current stage (ok / warn / term / kill), the hits that explain it, and when to sample
 * next. No I/O; recorded traces replay through it deterministically.
 *
 * Stages: a "below" threshold (MemAvailable, SwapFree, a cgroup's headroom under its limit) is
 * reached when the value is at or under it; a PSI stage when avg10 is at or over it. Hysteresis:
 * a stage already reached is kept until the value is `hysteresis` percent (of the total, or PSI
 * points) past the threshold. Duration: warn and term stages must hold for `for` (PSI: its own
 * `for`) before they count; the kill stage of a size threshold counts at once.
 */
import type { DaemonConfig, PsiStages, Stages } from './config-schema.ts'
import type { Psi, Readings } from './readings.ts'
import { thresholdBytes } from './units.ts'

/** 0 ok, 1 warn, 2 term (SIGTERM), 3 kill (SIGKILL). */
export type Level = 0 | 1 | 2 | 3
export const LEVEL_NAMES = ['ok', 'warn', 'term', 'kill'] as const

/** Why the daemon is at a stage: one trigger's reading against its threshold. */
export interface TriggerHit {
  /** Stable key, e.g. "memory", "swap", "psi", "cgroup:/sys/fs/cgroup/memory/app". */
  key: string
  source: 'memory' | 'swap' | 'psi' | 'cgroup' | 'cgroup-psi'
  /** 'system' or the cgroup directory. */
  scope: string
  level: Level
  /** The reading: bytes available (memory/swap/cgroup) or PSI avg10 percent. */
  value: number
  /** The threshold of `level` in the same unit (bytes or percent). */
  threshold: number
  /** The total the percentages refer to (bytes), 0 for PSI. */
  total: number
  unit: 'bytes' | 'percent'
}

/** Per-trigger memory between samples. */
export interface TriggerSlot {
  level: Level
  /** The higher raw level waiting out its duration, and since when (ms). */
  pending: Level
  pendingSince: number
}

/** State carried from one evaluation to the next. */
export interface TriggerState {
  slots: Record<string, TriggerSlot>
  /** The previous readings (for rates and predictive polling). */
  previous: Readings | null
  /** Recent readings, oldest first, at most RATE_WINDOW_MS old (rates over bursty growth). */
  history?: Readings[]
}

/** The answer of one evaluation. */
export interface Evaluation {
  level: Level
  /** Hits at level >= warn, highest first (cgroup hits before system ones at equal level). */
  hits: TriggerHit[]
  /** Milliseconds until the next sample. */
  intervalMs: number
  /** Predicted milliseconds until a term/kill threshold is reached at the observed rate
   * (Infinity when nothing is approaching), and in which scope. */
  etaMs: number
  etaScope: string
  state: TriggerState
}

/** Fill rate earlyoom assumes for RAM when it sizes its sleep (MiB/s). */
export const ASSUMED_FILL_BYTES_PER_MS = (6000 * 1024 * 1024) / 1000
/** Predictive polling never sleeps less than this (ms). */
export const PREDICTIVE_FLOOR_MS = 5
/** Fill rates are also measured over this window, so a hog that allocates in bursts (and is
 * idle between two close samples) still shows its rate. */
export const RATE_WINDOW_MS = 300

/**
 * The faster of two fill rates (bytes/ms): since the previous sample, and since the oldest sample
 * in the window. `level(r)` is the amount in use (growing) for a reading.
 */
function fillRate(
  now: Readings,
  prev: Readings | null,
  oldest: Readings | null,
  used: (r: Readings) => number | null
): number {
  const u = used(now)
  if (u === null) return 0
  let rate = 0
  for (const r of [prev, oldest]) {
    if (!r || r.timeMs >= now.timeMs) continue
    const before = used(r)
    if (before === null) continue
    rate = Math.max(rate, (u - before) / (now.timeMs - r.timeMs))
  }
  return rate
}

export function initialTriggerState(): TriggerState {
  return { slots: {}, previous: null, history: [] }
}

/** Level of a "below" reading against stages, with hysteresis for stages already reached. */
function belowLevel(
  value: number,
  total: number,
  stages: Stages,
  current: Level,
  marginPct: number
): {
  level: Level
  threshold: number
} {
  const margin = (total * marginPct) / 100
  const order: [Level, keyof Stages][] = [
    [3, 'kill'],
    [2, 'term'],
    [1, 'warn']
  ]
  for (const [lvl, name] of order) {
    const t = stages[name]
    if (!t) continue
    const thr = thresholdBytes(t, total)
    const limit = current >= lvl ? thr + margin : thr
    if (value <= limit) return { level: lvl, threshold: thr }
  }
  const first = stages.warn ?? stages.term ?? stages.kill
  return { level: 0, threshold: first ? thresholdBytes(first, total) : 0 }
}

/** Level of a PSI avg10 against stages (percent), with hysteresis in percentage points. */
function aboveLevel(
  value: number,
  stages: PsiStages,
  current: Level,
  margin: number
): { level: Level; threshold: number } {
  const order: [Level, 'kill' | 'term' | 'warn'][] = [
    [3, 'kill'],
    [2, 'term'],
    [1, 'warn']
  ]
  for (const [lvl, name] of order) {
    const thr = stages[name]
    if (thr === undefined) continue
    const limit = current >= lvl ? thr - margin : thr
    if (value >= limit) return { level: lvl, threshold: thr }
  }
  return { level: 0, threshold: stages.warn ?? stages.term ?? stages.kill ?? 0 }
}

/** Apply the duration rule to a raw level. */
function settle(
  slot: TriggerSlot | undefined,
  raw: Level,
  nowMs: number,
  forMs: number,
  killImmediate: boolean
): TriggerSlot {
  const prev = slot ?? { level: 0, pending: 0, pendingSince: nowMs }
  if (raw <= prev.level) return { level: raw, pending: raw, pendingSince: nowMs }
  if (forMs <= 0 || (killImmediate && raw === 3))
    return { level: raw, pending: raw, pendingSince: nowMs }
  // A higher level must hold for forMs; a rise within the wait keeps the original start.
  const since = prev.pending > prev.level ? prev.pendingSince : nowMs
  if (nowMs - since >= forMs) return { level: raw, pending: raw, pendingSince: since }
  return { level: prev.level, pending: raw, pendingSince: since }
}

function psiValue(psi: Psi | null, metric: 'some' | 'full'): number | null {
  if (!psi) return null
  const line = metric === 'full' ? psi.full : psi.some
  return line ? line.avg10 : null
}

/** Bytes from `value` down to the nearest term/kill threshold still above... below it, or 0. */
function distanceToAction(value: number, total: number, stages: Stages): number {
  let best = Number.POSITIVE_INFINITY
  for (const t of [stages.term, stages.kill]) {
    if (!t) continue
    const thr = thresholdBytes(t, total)
    if (value > thr) best = Math.min(best, value - thr)
    else return 0
  }
  return best
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
  const now = readings.timeMs
  const slots: Record<string, TriggerSlot> = {}
  const hits: TriggerHit[] = []
  const m = readings.meminfo
  const prev = state.previous
  const history = (state.history ?? []).filter(r => now - r.timeMs <= RATE_WINDOW_MS)
  const oldest = history[0] ?? null
  let intervalMs = config.interval.max
  let etaMs = Number.POSITIVE_INFINITY
  let etaScope = 'system'
  const consider = (ms: number): void => {
    intervalMs = Math.min(intervalMs, ms)
  }
  /** Sleep for a headroom of `distance` bytes falling at `rate` bytes/ms (observed). */
  const pace = (distance: number, rate: number, scope: string): void => {
    if (distance === Number.POSITIVE_INFINITY) return
    if (rate > 0 && distance / rate < etaMs) {
      etaMs = distance / rate
      etaScope = scope
    }
    consider(Math.max(config.interval.min, distance / ASSUMED_FILL_BYTES_PER_MS))
    if (config.interval.predictive && rate > 0) {
      // Wake just before the predicted crossing when it comes sooner than the next regular poll.
      const eta = distance / rate
      if (eta < intervalMs) consider(Math.max(PREDICTIVE_FLOOR_MS, eta * 0.8))
    }
  }

  if (config.memory.enabled && m.memTotalKb > 0) {
    const total = m.memTotalKb * 1024
    const avail = m.memAvailableKb * 1024
    const memSlot = state.slots.memory
    const mem = belowLevel(
      avail,
      total,
      config.memory.available,
      memSlot?.level ?? 0,
      config.hysteresis
    )
    let raw = mem.level
    let swapHit: TriggerHit | null = null
    if (config.memory.combine === 'all' && m.swapTotalKb > 0) {
      const swapTotal = m.swapTotalKb * 1024
      const swap = belowLevel(
        m.swapFreeKb * 1024,
        swapTotal,
        config.memory.swapFree,
        memSlot?.level ?? 0,
        config.hysteresis
      )
      // earlyoom: act only when memory and swap are both low; with no swap, swap never holds back.
      raw = Math.min(raw, swap.level) as Level
      swapHit = {
        key: 'swap',
        source: 'swap',
        scope: 'system',
        level: swap.level,
        value: m.swapFreeKb * 1024,
        threshold: swap.threshold,
        total: swapTotal,
        unit: 'bytes'
      }
    }
    const slot = settle(memSlot, raw, now, config.for, true)
    slots.memory = slot
    if (slot.level > 0) {
      hits.push({
        key: 'memory',
        source: 'memory',
        scope: 'system',
        level: slot.level,
        value: avail,
        threshold: mem.threshold,
        total,
        unit: 'bytes'
      })
      if (swapHit) hits.push({ ...swapHit, level: slot.level })
    }
    const rate = fillRate(readings, prev, oldest, r => -r.meminfo.memAvailableKb * 1024)
    pace(distanceToAction(avail, total, config.memory.available), rate, 'system')
  }

  if (config.psi) {
    const value = psiValue(readings.psi, config.psi.metric)
    if (value !== null) {
      const r = aboveLevel(value, config.psi, state.slots.psi?.level ?? 0, config.hysteresis)
      const slot = settle(state.slots.psi, r.level, now, config.psi.for, false)
      slots.psi = slot
      if (slot.level > 0)
        hits.push({
          key: 'psi',
          source: 'psi',
          scope: 'system',
          level: slot.level,
          value,
          threshold: r.threshold,
          total: 0,
          unit: 'percent'
        })
      if (slot.pending > 0) consider(config.interval.min)
    }
  }

  for (const watch of config.cgroups) {
    const cg = readings.cgroups.find(c => c.path === watch.path)
    if (!cg) continue
    if (cg.limitBytes !== null) {
      const key = `cgroup:${watch.path}`
      const used = Math.max(0, cg.usageBytes - cg.inactiveFileBytes)
      const headroom = Math.max(0, cg.limitBytes - used)
      const r = belowLevel(
        headroom,
        cg.limitBytes,
        watch.available,
        state.slots[key]?.level ?? 0,
        config.hysteresis
      )
      const slot = settle(state.slots[key], r.level, now, config.for, true)
      slots[key] = slot
      if (slot.level > 0)
        hits.push({
          key,
          source: 'cgroup',
          scope: watch.path,
          level: slot.level,
          value: headroom,
          threshold: r.threshold,
          total: cg.limitBytes,
          unit: 'bytes'
        })
      const rate = fillRate(readings, prev, oldest, r => {
        const c = r.cgroups.find(x => x.path === watch.path)
        return c ? Math.max(0, c.usageBytes - c.inactiveFileBytes) : null
      })
      pace(distanceToAction(headroom, cg.limitBytes, watch.available), rate, watch.path)
    }
    if (watch.psi) {
      const value = psiValue(cg.psi, watch.psi.metric)
      if (value !== null) {
        const key = `cgroup-psi:${watch.path}`
        const r = aboveLevel(value, watch.psi, state.slots[key]?.level ?? 0, config.hysteresis)
        const slot = settle(state.slots[key], r.level, now, watch.psi.for, false)
        slots[key] = slot
        if (slot.level > 0)
          hits.push({
            key,
            source: 'cgroup-psi',
            scope: watch.path,
            level: slot.level,
            value,
            threshold: r.threshold,
            total: 0,
            unit: 'percent'
          })
        if (slot.pending > 0) consider(config.interval.min)
      }
    }
  }

  hits.sort(
    (a, b) => b.level - a.level || Number(b.scope !== 'system') - Number(a.scope !== 'system')
  )
  const level: Level = hits[0]?.level ?? 0
  if (level > 0) consider(config.interval.min)
  return {
    level,
    hits,
    intervalMs: Math.round(intervalMs),
    etaMs,
    etaScope,
    state: { slots, previous: readings, history: [...history, readings] }
  }
}
