/**
 * @module Lines a mailer or a terminal wrapped inside a field: a task row whose comm (or last
 * columns) went onto the next line, an `oom-kill:` summary cut in the middle of a value. The
 * continuation is a line without the log prefix that classifies as nothing; joined to the line
 * before, it re-parses whole and replaces what that line gave.
 */
import type { LineInfo } from './classify.ts'
import { LAYOUT_COLUMNS, parseRawRow } from './parse-tasks.ts'
import type { RawRow } from './parse-tasks.ts'
import { parseSummaryLine } from './parse-kill.ts'
import type { TableLayout } from './oom-event.ts'

/** The line before, as the parser saw it. */
export interface PrevLine {
  text: string
  info: LineInfo
  prefixed: boolean
}

/** TASK_COMM_LEN is 16: a comm is at most 15 characters (and may hold spaces). */
const COMM_ONLY = /^\S.{0,14}$/

/** A row that stopped before its comm or before its last columns, with the line that ends it. */
function joinRow(row: RawRow, prevText: string, text: string, layout: TableLayout | null) {
  const columns = layout === null ? 0 : LAYOUT_COLUMNS[layout].length
  const tail = text.trim()
  if (row.comm === '' && row.numbers.length >= columns && COMM_ONLY.test(tail))
    return parseRawRow(`${prevText.replace(/\s+$/, '')} ${tail}`)
  if (row.comm === '' && row.numbers.length < columns && /^\s*-?\d/.test(text)) {
    const joined = parseRawRow(`${prevText.replace(/\s+$/, '')} ${tail}`)
    return joined !== null && joined.numbers.length >= columns ? joined : null
  }
  return null
}

/**
 * The joined line for a continuation `text` (no prefix, classified as nothing), or null when it
 * does not continue `prev`.
 */
export function joinWrapped(
  prev: PrevLine | null,
  text: string,
  prefixed: boolean,
  layout: TableLayout | null
): LineInfo | null {
  if (prev === null || prefixed || text.trim() === '') return null
  // A prefixed report's continuation lost the prefix; an unprefixed paste has none to lose.
  if (prev.info.kind === 'row' || prev.info.kind === 'row-joined') {
    const row = prev.info.row
    const joined = joinRow(row, prev.text, text, layout)
    return joined === null ? null : { kind: 'row-joined', row: joined }
  }
  if (prev.info.kind === 'summary' && prev.info.summary.truncated) {
    // Cut anywhere, even inside a value ("task_memcg=/system.sl" + "ice/x.service,task=...").
    const whole = parseSummaryLine(prev.text.replace(/\r?$/, '') + text.trim())
    if (whole === null || whole.truncated) return null
    return { kind: 'summary-tail', summary: whole }
  }
  return null
}
