/**
 * @module Where one OOM event ends and the next begins: a new header, a second summary or
 * sacrifice line, a stage going backwards, a long pause between lines, or too many unrelated
 * lines in a row.
 */
import { Stage, warn } from './building.ts'
import type { Building } from './building.ts'
import type { LineInfo } from './classify.ts'

/** A report prints within seconds; a pause longer than `maxGap` means separate fragments. */
export function gapSplits(
  b: Building,
  time: number | null,
  wall: number | null,
  maxGap: number
): boolean {
  const last = b.lastWall
  if (wall !== null && last !== null && wall - last > maxGap) return true
  return time !== null && b.lastTime !== null && time - b.lastTime > maxGap
}

/** A Killed line for a pid this event already has one for. */
function isDuplicateKill(b: Building, info: LineInfo & { kind: 'killed' }): boolean {
  return b.event.killedLines.some(k => k.pid === info.killed.pid)
}

/** Does `info` (of stage `stage`) begin a new event rather than extend `b`? */
export function startsNew(b: Building, info: LineInfo, stage: Stage): boolean {
  if (info.kind === 'header' || info.kind === 'alloc-failure') return true
  if (info.kind === 'mem-start' && b.stage >= Stage.Memory && b.section === 'meminfo') return true
  if (info.kind === 'summary' && b.event.summary !== null) return true
  if (info.kind === 'sacrifice' && b.event.sacrifice !== null) return true
  if (info.kind === 'killed' && b.stage >= Stage.Killed) {
    // The first Killed line after a "Kill process" (even a wrapped one) belongs here.
    if (b.event.killedLines.length === 0 && !b.event.noKillable) return false
    return !(b.event.oomGroup !== null || isDuplicateKill(b, info))
  }
  if (stage === Stage.After) return false
  // __oom_kill_process(): "OOM victim N is already exiting" is printed inside a kill walk
  // (oom.group members, mm sharers), between the Killed lines of the same OOM.
  if (info.kind === 'already-exiting' && b.stage >= Stage.Killed) return false
  if (stage === Stage.Killed && b.stage >= Stage.Killed) {
    // A second Killed line: oom.group, or a duplicate, belongs here; anything else is new.
    if (info.kind === 'killed' && (b.event.oomGroup !== null || isDuplicateKill(b, info)))
      return false
    return true
  }
  if (stage < b.stage) {
    // Memory-block lines may follow each other in any order within the stage.
    if (b.stage === Stage.Tasks && stage === Stage.Memory && b.event.tasks === null) return false
    return true
  }
  if (b.stage >= Stage.Killed && stage >= Stage.Summary && stage <= Stage.Killed) return true
  return false
}

/** Count an unrelated line inside `b`; true when there have been enough to end the event. */
export function noiseEnds(b: Building, info: LineInfo, line: number, maxNoise: number): boolean {
  if (info.kind === 'elision') {
    b.elided = true
    warn(b, 'elided', line, 'lines were elided from the report here')
    return false
  }
  b.noise++
  if (b.section === 'tasks' && b.noise === 1 && b.stage === Stage.Tasks) b.section = 'none'
  const limit = b.stage >= Stage.Killed ? 20 : maxNoise
  return b.noise > limit
}
