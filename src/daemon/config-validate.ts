/**
 * @module What a start checks beyond the schema, shared by the start, SIGHUP reloads and
 * `--check` (so `--check` passing means the daemon starts): the stages of each trigger in order
 * (warn before term before kill), and a metrics address the listener will accept.
 */
import { UserError } from '../errors.ts'
import type { DaemonConfig, PsiStages, Stages } from './config-schema.ts'
import { checkListen } from './listen.ts'
import { formatThreshold, thresholdBytes } from './units.ts'
import type { Threshold } from './units.ts'

/** Totals a percentage is taken of (kB; null when unknown, e.g. a cgroup not created yet). */
export interface ValidationTotals {
  memTotalKb: number | null
  swapTotalKb: number | null
}

/** Bytes of a threshold, or null when a percentage has no known total. */
function bytesOf(t: Threshold, totalKb: number | null): number | null {
  if (t.kind === 'bytes') return t.value
  return totalKb === null ? null : thresholdBytes(t, totalKb * 1024)
}

/** `a` must be above `b` (both "below" thresholds: the earlier stage has more headroom). */
function above(a: Threshold, b: Threshold, totalKb: number | null): boolean | null {
  if (a.kind === b.kind) return a.value > b.value
  const x = bytesOf(a, totalKb)
  const y = bytesOf(b, totalKb)
  return x === null || y === null ? null : x > y
}

function checkStages(key: string, s: Stages, totalKb: number | null): void {
  const pairs: [string, Threshold | undefined, string, Threshold | undefined][] = [
    ['warn', s.warn, 'term', s.term],
    ['warn', s.warn, 'kill', s.kill],
    ['term', s.term, 'kill', s.kill]
  ]
  for (const [an, a, bn, b] of pairs) {
    if (!a || !b || above(a, b, totalKb) !== false) continue
    throw new UserError(
      `${key}: ${an} (${formatThreshold(a)}) must leave more headroom than ${bn} (${formatThreshold(b)})`
    )
  }
}

function checkPsi(key: string, p: PsiStages): void {
  const order: [string, number | undefined][] = [
    ['warn', p.warn],
    ['term', p.term],
    ['kill', p.kill]
  ]
  const given = order.filter((e): e is [string, number] => e[1] !== undefined)
  for (let i = 1; i < given.length; i++) {
    const [an, a] = given[i - 1]!
    const [bn, b] = given[i]!
    if (a >= b) throw new UserError(`${key}: ${an} (${a}%) must be below ${bn} (${b}%)`)
  }
}

/** Throw a UserError for the first thing a start would refuse or get wrong. */
export function validateConfig(config: DaemonConfig, totals: ValidationTotals): void {
  checkStages('memory.available', config.memory.available, totals.memTotalKb)
  checkStages('memory.swapFree', config.memory.swapFree, totals.swapTotalKb)
  config.cgroups.forEach((c, i) => {
    checkStages(`cgroups.${i}.available`, c.available, null)
    if (c.psi) checkPsi(`cgroups.${i}.psi`, c.psi)
  })
  if (config.psi) checkPsi('psi', config.psi)
  if (config.interval.min > config.interval.max)
    throw new UserError('interval.min is larger than interval.max')
  if (config.metrics.enabled) checkListen(config.metrics.listen, config.metrics.allowNonLoopback)
}
