/**
 * @module Scoring the task rows of a report with the engine: each row becomes a Process with its
 * own mm, `oomBadness` scores it for the profile, and the profile's scan rule picks the winner
 * (strictly greater replaces; ties keep the earlier task <= 5.2, take the later one >= 5.3).
 */
import { oomBadness } from '../kernel/oom-badness.ts'
import type { Badness, BadnessParts } from '../kernel/oom-badness.ts'
import type { TaskRow } from '../kernel/oom-report.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import { addTask, makeState } from '../kernel/state-builders.ts'
import type { OomState, Process } from '../kernel/types.ts'

/** One task of the replayed ranking. */
export interface RankedRow {
  /** 1-based rank among eligible tasks; null when ineligible. */
  rank: number | null
  /** Position in the kernel's scan order (the task table's row order), from 0. */
  scanIndex: number
  pid: number
  tgid: number
  comm: string
  uid: number
  oomScoreAdj: number
  eligible: boolean
  /** Why the task could not be chosen. */
  ineligibleReason: string | null
  points: number | null
  parts: BadnessParts | null
  /** points scaled to 0..1000 of totalpages (what the <= 5.2 "score" shows). */
  score1000: number | null
}

/** Build the engine state from the rows: one process and mm per row, in scan order. */
export function stateOf(rows: readonly TaskRow[], totalPages: number): OomState {
  const state = makeState({ totalRamPages: totalPages, totalSwapPages: 0 })
  let mmId = 1
  for (const r of rows) {
    const anon = r.rssAnon + r.rssFile + r.rssShmem === r.rss ? r.rssAnon : r.rss
    const file = anon === r.rssAnon ? r.rssFile : 0
    const shmem = anon === r.rssAnon ? r.rssShmem : 0
    addTask(state, {
      pid: r.pid,
      comm: r.comm,
      uid: r.uid,
      // has_capability_noaudit(CAP_SYS_ADMIN) is not in the report; uid 0 is taken to have it.
      capSysAdmin: r.uid === 0,
      oomScoreAdj: r.oomScoreAdj,
      oomScoreAdjMin: r.oomScoreAdj,
      mmId: mmId++,
      anon,
      file,
      shmem,
      swapEnts: r.swapEnts,
      totalVm: r.totalVm,
      pgtablesBytes: r.pgtablesBytes,
      nrPmds: r.nrPmds
    })
  }
  return state
}

export function reasonText(b: Badness & { eligible: false }): string {
  switch (b.reason) {
    case 'adj-min':
      return 'oom_score_adj -1000: never chosen'
    case 'unkillable':
      return 'global init or a kernel thread: unkillable'
    case 'no-mm':
      return 'no memory of its own (exiting)'
    case 'oom-skip':
      return 'already reaped (MMF_OOM_SKIP)'
    case 'vfork':
      return 'vfork child sharing its parent memory'
  }
}

/** Every row scored, and the index of the row the kernel would pick. */
export interface Scored {
  ranking: RankedRow[]
  chosenIndex: number | null
}

/** Score every row and pick the winner with the profile's scan/tie rule. */
export function scoreRows(
  rows: readonly TaskRow[],
  totalPages: number,
  profile: KernelProfile,
  skip: ReadonlyMap<number, string> = new Map()
): Scored {
  const state = stateOf(rows, totalPages)
  const procs = state.processes
  const ranking: RankedRow[] = []
  // select_bad_process(): strictly greater replaces; on a tie <= 5.2 keeps the (leader) already
  // chosen, >= 5.3 takes the later one; the 0..1000 form only replaces on strictly greater.
  const keepFirst = profile.select.tie !== 'lastWins' || profile.badness.form === 'scaled1000'
  let chosen: number | null = null
  let best = -Infinity
  for (let i = 0; i < procs.length; i++) {
    const p = procs[i] as Process
    const r = rows[i] as TaskRow
    // oom_evaluate_task(): an mm with MMF_OOM_SKIP (set by the oom_reaper) is passed over.
    const skipped = skip.get(r.tgid ?? r.pid) ?? skip.get(r.pid)
    const b = oomBadness(p, state, totalPages, profile)
    const eligible = b.eligible && skipped === undefined
    const row: RankedRow = {
      rank: null,
      scanIndex: i,
      pid: r.pid,
      tgid: r.tgid,
      comm: r.comm,
      uid: r.uid,
      oomScoreAdj: r.oomScoreAdj,
      eligible,
      ineligibleReason: skipped ?? (b.eligible ? null : reasonText(b)),
      points: eligible ? b.points : null,
      parts: eligible ? b.parts : null,
      score1000:
        eligible && totalPages > 0
          ? profile.badness.form === 'scaled1000'
            ? b.points
            : Math.floor((b.points * 1000) / totalPages)
          : null
    }
    ranking.push(row)
    if (!eligible) continue
    if (chosen === null || b.points > best || (b.points === best && !keepFirst)) {
      chosen = i
      best = b.points
    }
  }
  // Rank: by points, ties in the order the kernel would have preferred them.
  const order = ranking
    .map((r, i) => ({ r, i }))
    .filter(x => x.r.eligible)
    .sort((a, b) => {
      const d = (b.r.points ?? 0) - (a.r.points ?? 0)
      if (d !== 0) return d
      return keepFirst ? a.i - b.i : b.i - a.i
    })
  order.forEach((x, k) => (x.r.rank = k + 1))
  return { ranking, chosenIndex: chosen }
}

/** The score the <= 5.2 "Kill process ... score N" line would print for `points`. */
export function printedScoreOf(points: number, totalPages: number, profile: KernelProfile): number {
  if (profile.badness.form === 'scaled1000') return points
  return Math.floor((points * 1000) / Math.max(totalPages, 1))
}

/** Which row is the kernel's choice (pid or, for a thread pid, its tgid). */
export function findRow(rows: readonly TaskRow[], pid: number): number {
  let at = rows.findIndex(r => r.pid === pid)
  if (at < 0) at = rows.findIndex(r => r.tgid === pid)
  return at
}
