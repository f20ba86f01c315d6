/**
 * @module When to load the kill path (koffi: pidfd_open, pidfd_send_signal, process_mrelease)
 * before it is needed. An idle daemon does without it (lazy-control.ts); loading it takes 45–130
 * ms here, so it must be in place before a threshold is crossed, not at the crossing.
 *
 * Chosen rule: any stage reached (warn and up), or a crossing predicted within 10 s, or a scope's
 * available memory below twice its first line (warn, else term, else kill). The distance rule
 * covers a growth the predictor has not seen yet (a first sample already close); the ETA rule a
 * fast grower far from the line (10 s at 6000 MiB/s is further than any line on common hosts).
 * PSI is not used: on a shared host "some" stalls come and go without memory running out, and a
 * stall that matters shows as a stage first.
 */
import type { DaemonConfig } from './config-schema.ts'
import type { Readings } from './readings.ts'
import type { Evaluation } from './triggers.ts'
import { thresholdBytes } from './units.ts'

/** A predicted crossing closer than this loads the kill path. */
export const PREPARE_HORIZON_MS = 10_000
/** Available memory under this many times the first line loads the kill path. */
export const PREPARE_LINE_FACTOR = 2

type StageLines = DaemonConfig['memory']['available']

/** The highest configured line of a scope, in bytes (null when none is set). */
function firstLineBytes(stages: StageLines, totalBytes: number): number | null {
  const t = stages.warn ?? stages.term ?? stages.kill
  return t ? thresholdBytes(t, totalBytes) : null
}

function near(availableBytes: number, line: number | null): boolean {
  return line !== null && availableBytes < PREPARE_LINE_FACTOR * line
}

/** Is a kill close enough that the kill path should be loaded now? */
export function killPathNear(config: DaemonConfig, ev: Evaluation, readings: Readings): boolean {
  if (ev.level >= 1 || ev.etaMs < PREPARE_HORIZON_MS) return true
  const { meminfo } = readings
  if (config.memory.enabled && meminfo.memTotalKb > 0) {
    const line = firstLineBytes(config.memory.available, meminfo.memTotalKb * 1024)
    if (near(meminfo.memAvailableKb * 1024, line)) return true
  }
  for (const watch of config.cgroups) {
    const cg = readings.cgroups.find(c => c.path === watch.path)
    if (!cg || cg.limitBytes === null) continue
    const workingSet = Math.max(0, cg.usageBytes - cg.inactiveFileBytes)
    if (near(cg.limitBytes - workingSet, firstLineBytes(watch.available, cg.limitBytes)))
      return true
  }
  return false
}
