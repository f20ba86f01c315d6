/**
 * @module dump_tasks(): the per-task table, in each layout's exact printf widths (reference §6.3).
 * Values are pages except pgtables_bytes; the gap before oom_score_adj is a literal 9 spaces.
 */
import type { TaskRow } from '../oom-report.ts'
import type { KernelProfile } from '../profiles.ts'
import { padNum, short } from './printf.ts'

/** The literal gap before `%5hd` in every layout. */
const GAP = '         '

/** "Tasks state (memory values in pages):" (>= 4.19). */
export const TASKS_STATE_LINE = 'Tasks state (memory values in pages):'

const headers: Record<KernelProfile['format']['tasks'], string> = {
  rhel6: '[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name',
  '3x': '[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name',
  '4.0': '[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name',
  '4.15': '[ pid ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
  '4.19': '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
  '6.8':
    '[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name'
}

/** dump_tasks(), >= 4.19: the "Tasks state (memory values in pages):" line and pid as "[%7d]". */
const STATE_LINE_AND_WIDE_PID: Record<KernelProfile['format']['tasks'], boolean> = {
  rhel6: false,
  '3x': false,
  '4.0': false,
  '4.15': false,
  '4.19': true,
  '6.8': true
}

/** The header line(s) of dump_tasks for the profile's layout. */
export function renderTaskHeader(profile: KernelProfile): string[] {
  const layout = profile.format.tasks
  const h = headers[layout]
  return STATE_LINE_AND_WIDE_PID[layout] ? [TASKS_STATE_LINE, h] : [h]
}

/**
 * One dump_tasks row:
 * - rhel6: `[%5d] %5d %5d %8lu %8lu %3u     %3d         %5d %s`
 * - 3x:    `[%5d] %5d %5d %8lu %8lu %7ld %8lu         %5hd %s`
 * - 4.0:   `[%5d] %5d %5d %8lu %8lu %7ld %7ld %8lu         %5hd %s`
 * - 4.15:  `[%5d] %5d %5d %8lu %8lu %8ld %8lu         %5hd %s`
 * - 4.19:  `[%7d] %5d %5d %8lu %8lu %8ld %8lu         %5hd %s`
 * - 6.8:   `[%7d] %5d %5d %8lu %8lu %8lu %8lu %9lu %8ld %8lu         %5hd %s`
 */
export function renderTaskRow(row: TaskRow, profile: KernelProfile): string {
  const layout = profile.format.tasks
  const pidW = STATE_LINE_AND_WIDE_PID[layout] ? 7 : 5
  const lead = `[${padNum(row.pid, pidW)}] ${padNum(row.uid, 5)} ${padNum(row.tgid, 5)} ${padNum(row.totalVm, 8)} ${padNum(row.rss, 8)}`
  const tail = `${GAP}${padNum(short(row.oomScoreAdj), 5)} ${row.comm}`
  switch (layout) {
    case 'rhel6':
      // RHEL 6 dump_tasks: cpu and oom_adj columns, oom_score_adj as %5d.
      return `${lead} ${padNum(row.cpu ?? 0, 3)}     ${padNum(row.oomAdj ?? 0, 3)}${GAP}${padNum(row.oomScoreAdj, 5)} ${row.comm}`
    case '3x':
      return `${lead} ${padNum(row.nrPtes, 7)} ${padNum(row.swapEnts, 8)}${tail}`
    case '4.0':
      return `${lead} ${padNum(row.nrPtes, 7)} ${padNum(row.nrPmds, 7)} ${padNum(row.swapEnts, 8)}${tail}`
    case '4.15':
    case '4.19':
      return `${lead} ${padNum(row.pgtablesBytes, 8)} ${padNum(row.swapEnts, 8)}${tail}`
    case '6.8':
      return `${lead} ${padNum(row.rssAnon, 8)} ${padNum(row.rssFile, 8)} ${padNum(row.rssShmem, 9)} ${padNum(row.pgtablesBytes, 8)} ${padNum(row.swapEnts, 8)}${tail}`
  }
}

/** The whole table: header line(s) then one row per task, in the order given. */
export function renderTaskTable(rows: readonly TaskRow[], profile: KernelProfile): string[] {
  return [...renderTaskHeader(profile), ...rows.map(r => renderTaskRow(r, profile))]
}
