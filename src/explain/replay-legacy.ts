/**
 * @module Replay of a report from a kernel before 2.6.36 (`badness.form` 'totalVm'): what the
 * report allows and no more. Its task table prints total_vm and oom_adj, the two inputs of the
 * old badness() that a row carries; the others (children, CPU and run time, nice, capabilities,
 * cpuset) are never printed, so the verdict is "unknown" with that list, and the table-only
 * ranking is shown as what it is.
 */
import {
  LEGACY_UNPRINTED_INPUTS,
  OOM_DISABLE,
  shiftByOomAdj
} from '../kernel/oom-badness-legacy.ts'
import type { TaskRow } from '../kernel/oom-report.ts'
import { kernelChoiceOf } from './replay-calibrate.ts'
import type { RankedRow } from './replay-score.ts'
import type { OomEvent } from './oom-event.ts'

/** The fields of a replay that the legacy replay fills. */
export interface LegacyReplay {
  ranking: RankedRow[]
  reason: string
  totalPagesSource: string
  replayScore: number | null
  notes: string[]
}

/** select_bad_process(), 2.6.26: kernel threads, init and OOM_DISABLE tasks are skipped. */
function skipReason(r: TaskRow): string | null {
  if (r.pid === 1) return 'init (select_bad_process() skips it)'
  if (r.oomAdj === OOM_DISABLE) return 'oom_adj -17 (OOM_DISABLE)'
  return null
}

/** One row scored from the table alone: total_vm shifted by oom_adj. */
function rowOf(r: TaskRow, scanIndex: number): RankedRow {
  const skip = skipReason(r)
  return {
    rank: null,
    scanIndex,
    pid: r.pid,
    tgid: r.tgid,
    comm: r.comm,
    uid: r.uid,
    oomScoreAdj: r.oomScoreAdj,
    eligible: skip === null,
    ineligibleReason: skip,
    points: skip === null ? shiftByOomAdj(r.totalVm, r.oomAdj ?? 0) : null,
    parts: null,
    score1000: null
  }
}

/** Rank the eligible rows: highest first, the earlier row on a tie (strict '>'). */
function rankRows(rows: RankedRow[]): void {
  const order = rows
    .filter(r => r.points !== null)
    .sort((a, b) => (b.points ?? 0) - (a.points ?? 0) || a.scanIndex - b.scanIndex)
  order.forEach((r, i) => (r.rank = i + 1))
}

/** Replay `e` with the pre-2.6.36 badness() as far as its table goes. */
export function replayLegacy(e: OomEvent): LegacyReplay {
  const rows = e.tasks ?? []
  const ranking = rows.map(rowOf)
  rankRows(ranking)
  const chosen = kernelChoiceOf(e, rows)
  const top = ranking.find(r => r.rank === 1)
  const mine = chosen.row >= 0 ? (ranking[chosen.row] ?? null) : null
  const notes: string[] = []
  const tableScore = mine?.points ?? null
  if (tableScore !== null && chosen.printed !== null)
    notes.push(
      tableScore === chosen.printed
        ? `the printed score ${chosen.printed} is total_vm shifted by oom_adj: no child, time, nice, capability or cpuset term changed it`
        : `the kernel printed score ${chosen.printed}; total_vm shifted by oom_adj gives ${tableScore}: the difference comes from terms the report does not print`
    )
  const lead =
    top === undefined
      ? 'no task in the table is eligible'
      : `from total_vm and oom_adj alone the first would be ${top.pid} (${top.comm})`
  return {
    ranking,
    reason: `cannot tell: the badness() of kernels before 2.6.36 also weighs ${LEGACY_UNPRINTED_INPUTS.join(', ')}, which the report does not print; ${lead}`,
    totalPagesSource: 'not used: badness() before 2.6.36 counts total_vm, not a share of memory',
    replayScore: tableScore,
    notes
  }
}
