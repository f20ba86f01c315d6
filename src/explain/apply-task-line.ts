/**
 * @module The task table (`dump_tasks()`) in the event under construction: the "Tasks state"
 * banner, the column header (which fixes the layout) and each row.
 */
import { warn } from './building.ts'
import type { Building } from './building.ts'
import type { LineInfo } from './classify.ts'
import { guessLayout, LAYOUT_COLUMNS, rowFromRaw } from './parse-tasks.ts'
import type { TableLayout } from './oom-event.ts'

/** One task row, in the header's layout or one guessed from the row. */
function applyRow(b: Building, info: LineInfo & { kind: 'row' }, line: number): void {
  const e = b.event
  b.section = 'tasks'
  let layout: TableLayout | null = e.tableLayout
  if (layout === null) {
    layout = guessLayout(info.row, null)
    if (layout !== null) {
      e.tableLayout = layout
      warn(
        b,
        'table-header-missing',
        line,
        `task rows without their header; guessed the ${layout} layout`
      )
    }
  }
  if (layout === null) {
    warn(b, 'row-unparsed', line, 'a task row with an unknown column layout')
    return
  }
  const cols = LAYOUT_COLUMNS[layout]
  if (info.row.numbers.length < cols.length)
    warn(
      b,
      'row-truncated',
      line,
      `task row ${info.row.pid} has ${info.row.numbers.length} of ${cols.length} columns`
    )
  e.tasks ??= []
  e.tasks.push(rowFromRaw(info.row, cols))
}

/** A row completed by the line it was wrapped onto: it replaces the half parsed before. */
function applyJoinedRow(b: Building, info: LineInfo & { kind: 'row-joined' }, line: number): void {
  const e = b.event
  const pid = info.row.pid
  if (e.tasks?.[e.tasks.length - 1]?.pid === pid) e.tasks.pop()
  e.warnings = e.warnings.filter(
    w => !(w.code === 'row-truncated' && w.message.startsWith(`task row ${pid} `))
  )
  applyRow(b, { kind: 'row', row: info.row }, line)
  warn(b, 'line-wrapped', line, `task row ${pid} was wrapped onto the next line; joined`)
}

/** Apply a task-table line; false when `info` is not one. */
export function applyTaskLine(b: Building, info: LineInfo, line: number): boolean {
  const e = b.event
  switch (info.kind) {
    case 'tasks-state':
      b.section = 'tasks'
      b.tasksStateSeen = true
      return true
    case 'table-header':
      if (b.tableHeaderSeen && e.tasks && e.tasks.length > 0)
        warn(b, 'table-repeated', line, 'a second task table header inside one report')
      b.tableHeaderSeen = true
      b.section = 'tasks'
      e.tableLayout = info.header.layout
      e.tasks ??= []
      return true
    case 'row':
      applyRow(b, info, line)
      return true
    case 'row-joined':
      applyJoinedRow(b, info, line)
      return true
    default:
      return false
  }
}
