/**
 * @module How complete an event's task table is: none, header only, full, or partial (elided,
 * cut, filtered, the victim missing from the rows), with a warning saying why.
 */
import { warn } from './building.ts'
import type { Building } from './building.ts'
import type { OomEvent } from './oom-event.ts'

function rowMatches(e: OomEvent, pid: number): boolean {
  return (e.tasks ?? []).some(r => r.pid === pid || r.tgid === pid)
}

/** Why a table with rows is incomplete (empty when it looks whole). */
function partialReasons(b: Building): string[] {
  const e = b.event
  const reasons: string[] = []
  if (b.elided) reasons.push('lines were elided')
  if (!b.tableClosed) reasons.push('the text ends or moves on right after the rows')
  const chosen = e.sacrifice?.pid ?? e.summary?.pid ?? null
  const victimPid = e.victim?.pid ?? null
  if (
    victimPid !== null &&
    !rowMatches(e, victimPid) &&
    (chosen === null || !rowMatches(e, chosen))
  )
    reasons.push(`the victim ${victimPid} is not among the rows`)
  // >= 4.19 always prints "Tasks state (memory values in pages):" right before the header.
  if (
    b.tableHeaderSeen &&
    !b.tasksStateSeen &&
    (e.tableLayout === '4.19' || e.tableLayout === '6.8')
  )
    reasons.push('the "Tasks state" line printed before such a table is missing (filtered output?)')
  if (!b.headerSeen && e.constraint === 'CONSTRAINT_NONE' && (e.tasks?.length ?? 0) < 3)
    reasons.push('a global OOM without its header and with fewer than 3 rows')
  return reasons
}

/** Set the event's tableStatus (after its victim and constraint are known). */
export function settleTable(b: Building): void {
  const e = b.event
  const first = e.lines.first
  const rows = e.tasks?.length ?? 0
  if (e.tasks === null) e.tableStatus = b.tableHeaderSeen ? 'header-only' : 'none'
  else if (rows === 0) e.tableStatus = 'header-only'
  else e.tableStatus = 'full'
  if (e.tableStatus === 'header-only')
    warn(
      b,
      'table-header-only',
      first,
      'the task table header is there but its rows are not (filtered output?)'
    )
  if (e.tableStatus !== 'full') return
  const reasons = partialReasons(b)
  if (reasons.length > 0) {
    e.tableStatus = 'partial'
    warn(b, 'table-partial', first, `the task table is incomplete: ${reasons.join('; ')}`)
  }
}
