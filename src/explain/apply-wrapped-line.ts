/**
 * @module The second half of a kill or summary line that the log wrapped onto the next line:
 * joined back into the line it continues, and the "cut short" warning withdrawn when complete.
 */
import { warn } from './building.ts'
import type { Building } from './building.ts'
import type { LineInfo } from './classify.ts'

function applySummaryTail(
  b: Building,
  info: LineInfo & { kind: 'summary-tail' },
  line: number
): void {
  const e = b.event
  const sm = e.summary
  if (!sm) return
  const t = info.summary
  // The tail's fields win: a line cut inside a value comes back re-parsed whole (wrap-join.ts).
  sm.constraint = t.constraint ?? sm.constraint
  sm.oomMemcg = t.oomMemcg ?? sm.oomMemcg
  sm.task = t.task ?? sm.task
  sm.pid = t.pid ?? sm.pid
  sm.uid = t.uid ?? sm.uid
  sm.taskMemcg = t.taskMemcg ?? sm.taskMemcg
  sm.truncated = sm.uid === null
  if (!sm.truncated) e.warnings = e.warnings.filter(w => w.code !== 'summary-truncated')
  warn(b, 'line-wrapped', line, 'the summary line was wrapped onto the next line; joined')
}

function applyKillTail(b: Building, info: LineInfo & { kind: 'kill-tail' }, line: number): void {
  const e = b.event
  if (info.score !== null && e.sacrifice && e.sacrifice.score === null)
    e.sacrifice.score = info.score
  const k = e.killedLines[e.killedLines.length - 1]
  if (k && info.score === null) {
    Object.assign(k, info.fields, { message: k.message })
    e.warnings = e.warnings.filter(w => w.code !== 'killed-truncated')
  }
  warn(b, 'line-wrapped', line, 'a kill line was wrapped onto the next line; joined')
}

/** Apply the tail of a wrapped line; false when `info` is not one. */
export function applyWrappedLine(b: Building, info: LineInfo, line: number): boolean {
  if (info.kind === 'summary-tail') applySummaryTail(b, info, line)
  else if (info.kind === 'kill-tail') applyKillTail(b, info, line)
  else return false
  return true
}
