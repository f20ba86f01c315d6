/**
 * @module The trigger rules, each a small pure function: the stage of a "below" reading
 * (MemAvailable, SwapFree, cgroup headroom) or an "above" one (PSI avg10) with hysteresis, the
 * duration rule, fill rates over recent samples, and the distance to the next action threshold.
 */
import type { PsiStages, Stages } from './config-schema.ts'
import type { Psi, Readings } from './readings.ts'
import type { Level, TriggerSlot } from './trigger-types.ts'
import { thresholdBytes } from './units.ts'

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
export function fillRate(
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

/** Level of a "below" reading against stages, with hysteresis for stages already reached. */
export function belowLevel(
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
export function aboveLevel(
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
export function settle(
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

export function psiValue(psi: Psi | null, metric: 'some' | 'full'): number | null {
  if (!psi) return null
  const line = metric === 'full' ? psi.full : psi.some
  return line ? line.avg10 : null
}

/** The early wake-up sits this far below a cgroup's first stage: 10 % of the limit, at most. */
const EARLY_WAKE_FRACTION = 0.1
const EARLY_WAKE_MAX_BYTES = 512 * 1024 * 1024

/**
 * The `memory.usage_in_bytes` levels whose crossing the kernel signals for a watched v1 cgroup
 * (src/adapters/cgroup/memcg-threshold.ts): where its first stage begins were all of its usage
 * working set (usage >= working set, so the real crossing never comes sooner), and an early level
 * a margin below, from which the loop polls and measures the fill rate again. Below the early
 * level the cgroup needs no polling. Lowest first; empty when the first stage holds at any usage.
 */
export function cgroupWakeLevels(limit: number, stages: Stages): number[] {
  let headroom = 0
  for (const t of [stages.warn, stages.term, stages.kill])
    if (t) headroom = Math.max(headroom, thresholdBytes(t, limit))
  const stage = Math.floor(limit - headroom)
  if (stage <= 0) return []
  const early = stage - Math.floor(Math.min(limit * EARLY_WAKE_FRACTION, EARLY_WAKE_MAX_BYTES))
  return early > 0 ? [early, stage] : [stage]
}

/** Bytes from `value` down to the nearest term/kill threshold still above... below it, or 0. */
export function distanceToAction(value: number, total: number, stages: Stages): number {
  let best = Number.POSITIVE_INFINITY
  for (const t of [stages.term, stages.kill]) {
    if (!t) continue
    const thr = thresholdBytes(t, total)
    if (value > thr) best = Math.min(best, value - thr)
    else return 0
  }
  return best
}
