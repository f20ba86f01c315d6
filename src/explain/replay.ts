/**
 * @module Replay of the kernel's victim selection for one parsed report: rebuild totalpages (the
 * memcg limit plus swap allowance, or RAM plus swap), turn the task rows into engine processes,
 * score every task with the engine's `oomBadness`, rank them with the profile's tie rule and
 * compare the engine's choice with the task the kernel named. Says why when the report holds too
 * little to replay instead of guessing. Pages throughout unless a name ends in Kb.
 */
import type { TaskRow } from '../kernel/oom-report.ts'
import { variant } from '../kernel/profiles.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import { findRow, printedScoreOf, scoreRows } from './replay-score.ts'
import type { RankedRow } from './replay-score.ts'
import { estimateTotal, totalPagesOf } from './replay-total.ts'
import type { OomEvent } from './types.ts'
import { savedBy } from './saved-by.ts'
import type { SavedBy } from './saved-by.ts'

export type { RankedRow, SavedBy }

/** The replay of one event. */
export interface Replay {
  profile: string
  totalPages: number | null
  /** How totalpages was obtained. */
  totalPagesSource: string
  /** The engine's choice (the table row's pid). */
  victim: { pid: number; comm: string } | null
  /** Whether the engine's choice is the task the kernel chose/killed; null = cannot tell. */
  agrees: boolean | null
  reason: string
  /** Every row: the eligible ones by rank, then the protected ones in scan order. */
  ranking: RankedRow[]
  /** Points of the winner minus the runner-up (pages, or points for the 0..1000 form). */
  margin: number | null
  runnerUp: { pid: number; comm: string; points: number } | null
  /** Score printed by the kernel ("score N or sacrifice child") and the one the replay gives. */
  printedScore: number | null
  replayScore: number | null
  /** The kernel killed a child of the chosen task (sacrifice-child kernels). */
  childSacrificed: { chosen: number; killed: number } | null
  whatIf: SavedBy | null
  notes: string[]
}

/** Replay one event with `profile`. */
export function replayEvent(e: OomEvent, profile: KernelProfile): Replay {
  const notes: string[] = []
  const base: Replay = {
    profile: profile.name,
    totalPages: null,
    totalPagesSource: '',
    victim: null,
    agrees: null,
    reason: '',
    ranking: [],
    margin: null,
    runnerUp: null,
    printedScore: e.sacrifice?.score ?? null,
    replayScore: null,
    childSacrificed: null,
    whatIf: null,
    notes
  }
  if (e.kind !== 'oom') return { ...base, reason: 'not an OOM kill (page allocation failure)' }
  const rows = e.tasks ?? []
  if (e.tableStatus === 'none')
    return {
      ...base,
      reason: 'the report has no task table (oom_dump_tasks off, or not in the text)'
    }
  if (e.tableStatus === 'header-only' || rows.length === 0)
    return { ...base, reason: 'the task table has a header but no rows (filtered output)' }
  if (
    e.tableLayout === '2.6-old' ||
    (e.trigger !== null && e.trigger.oomScoreAdj === null && e.trigger.oomAdj !== null)
  )
    return {
      ...base,
      reason:
        'a kernel before 2.6.36: its badness() heuristic (total_vm, CPU time, nice, children) is not modelled'
    }
  const t = totalPagesOf(e)
  let total = t.total
  let source = t.source
  let prof = profile
  // The victim's score printed on <= 5.0 kernels pins totalpages when swap size is unknown.
  const kernelChosen = e.sacrifice?.pid ?? e.summary?.pid ?? e.victim?.pid ?? null
  // The chosen pid may be a thread missing from the table (3.x scans threads): fall back to the
  // Killed pid, which names the thread-group member that still had the mm.
  let chosenRow = kernelChosen === null ? -1 : findRow(rows, kernelChosen)
  if (chosenRow < 0 && e.victim !== null) chosenRow = findRow(rows, e.victim.pid)
  const printed = e.sacrifice?.score ?? null
  const scoreOk = (tp: number, pr: KernelProfile): boolean => {
    if (printed === null || chosenRow < 0) return true
    const s = scoreRows(rows, tp, pr)
    const pts = s.ranking[chosenRow]?.points
    return pts != null && printedScoreOf(pts, tp, pr) === printed
  }
  if (printed !== null && chosenRow >= 0 && (total === null || !scoreOk(total, prof))) {
    const fixed = calibrate(rows, chosenRow, printed, total, t.swapUnknown, prof, scoreOk)
    if (fixed) {
      if (fixed.total !== total) {
        source = `${source}; adjusted to ${fixed.total} pages to match the printed score ${printed}`
        notes.push(
          `totalpages was inferred from the printed score ${printed} (swap size not shown)`
        )
      }
      if (fixed.profile !== prof) notes.push(fixed.note)
      total = fixed.total
      prof = fixed.profile
    }
  }
  if (total === null) {
    // No limit or RAM size in the text: the memory in use is a lower bound. The ranking only
    // depends on it through the oom_score_adj term, so say how far that can be trusted.
    const est = estimateTotal(rows)
    if (est <= 0)
      return {
        ...base,
        totalPagesSource: t.source,
        reason: `cannot rebuild totalpages: ${t.source}`
      }
    total = est
    source = `estimated ${est} pages from the memory in use (${t.source})`
    const adjs = new Set(rows.filter(r => r.oomScoreAdj !== -1000).map(r => r.oomScoreAdj))
    notes.push(
      adjs.size <= 1
        ? 'totalpages is estimated, but every eligible task has the same oom_score_adj, so the ranking does not depend on it'
        : 'totalpages is estimated from the memory in use; oom_score_adj terms are approximate'
    )
  }
  if (t.swapUnknown && !source.includes('adjusted'))
    notes.push(
      'swap size is not in the report; totalpages leaves it out, so oom_score_adj terms may be understated'
    )
  if (rows.some(r => r.uid === 0) && prof.badness.rootBonus !== 'none')
    notes.push('root-owned tasks are assumed to hold CAP_SYS_ADMIN (3% / 30-point bonus)')
  const scored = scoreRows(rows, total, prof)
  const ranking = scored.ranking
  const keepFirst = prof.select.tieKeepsLeader || prof.badness.form === 'scaled1000'
  const win = scored.chosenIndex === null ? null : (ranking[scored.chosenIndex] ?? null)
  const out: Replay = {
    ...base,
    profile: prof.name,
    totalPages: total,
    totalPagesSource: source,
    ranking: [
      ...ranking.filter(r => r.rank !== null).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0)),
      ...ranking.filter(r => r.rank === null)
    ],
    victim: win ? { pid: win.pid, comm: win.comm } : null
  }
  const sorted = ranking.filter(r => r.rank !== null).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))
  const second = sorted[1]
  if (win && second && win.points !== null && second.points !== null) {
    out.margin = win.points - second.points
    out.runnerUp = { pid: second.pid, comm: second.comm, points: second.points }
  }
  if (chosenRow >= 0) {
    const cr = ranking[chosenRow]
    if (cr?.points != null && printed !== null)
      out.replayScore = printedScoreOf(cr.points, total, prof)
  }
  if (out.replayScore !== null && printed !== null && out.replayScore !== printed)
    notes.push(
      `the kernel printed score ${printed}, the replay gives ${out.replayScore}: some input of the score (swap entries, totalpages) is not in the report`
    )
  // Compare with the kernel.
  const killedPid = e.victim?.source === 'killed' ? e.victim.pid : null
  if (e.sacrifice && killedPid !== null && killedPid !== e.sacrifice.pid) {
    const k = findRow(rows, killedPid)
    const c = findRow(rows, e.sacrifice.pid)
    if (k < 0 || k !== c) out.childSacrificed = { chosen: e.sacrifice.pid, killed: killedPid }
  }
  const allocating = [e.sacrifice?.message, ...e.killedLines.map(k => k.message)].some(
    m => m?.includes('oom_kill_allocating_task') === true
  )
  if (allocating) {
    // out_of_memory(): vm.oom_kill_allocating_task=1 kills current without any ranking.
    out.agrees = null
    out.reason =
      'vm.oom_kill_allocating_task is set: the kernel killed the allocating task without ranking; the ranking shows who badness would have chosen'
  } else if (e.tableStatus === 'partial') {
    out.agrees = null
    out.reason =
      'the task table is partial (filtered, elided or cut), so the ranking may miss the real winner'
  } else if (e.noKillable) {
    out.agrees = win === null
    out.reason =
      win === null
        ? 'the kernel found no killable task, and neither does the replay'
        : `the kernel found no killable task, but the replay would pick ${win.pid} (${win.comm})`
  } else if (kernelChosen === null) {
    out.agrees = null
    out.reason = win
      ? `the report does not say which task the kernel chose (cut?); the engine would pick ${win.pid} (${win.comm})`
      : 'the report does not say which task the kernel chose'
  } else if (win === null) {
    out.agrees = false
    out.reason = `the kernel chose ${kernelChosen}, but no task is eligible in the replay`
  } else {
    const winRow = rows[scored.chosenIndex ?? -1]
    const match = (pid: number): boolean =>
      winRow !== undefined && (winRow.pid === pid || winRow.tgid === pid)
    const agrees =
      match(kernelChosen) ||
      (killedPid !== null && match(killedPid)) ||
      (chosenRow >= 0 && chosenRow === scored.chosenIndex)
    out.agrees = agrees
    out.reason = agrees
      ? `the engine picks ${win.pid} (${win.comm}), as the kernel did`
      : `the engine picks ${win.pid} (${win.comm}) but the kernel chose ${kernelChosen}`
    if (!agrees && chosenRow < 0) out.reason += ` (${kernelChosen} is not among the rows)`
    const victimIdx = scored.chosenIndex ?? -1
    out.whatIf = savedBy(ranking, victimIdx, total, prof, keepFirst)
  }
  return out
}

/** Find a totalpages (and root-bonus rule) under which the replay reproduces the printed score. */
function calibrate(
  rows: readonly TaskRow[],
  chosenRow: number,
  printed: number,
  total: number | null,
  swapUnknown: boolean,
  profile: KernelProfile,
  ok: (tp: number, p: KernelProfile) => boolean
): { total: number; profile: KernelProfile; note: string } | null {
  const candidates: { p: KernelProfile; note: string }[] = [{ p: profile, note: '' }]
  if (profile.badness.rootBonus === 'threePercent')
    candidates.push({
      p: variant(profile, {
        name: `${profile.name}-no-root-bonus`,
        description: `${profile.description}; without the 3% CAP_SYS_ADMIN bonus`,
        badness: { rootBonus: 'none' }
      }),
      note: 'the printed score shows no 3% CAP_SYS_ADMIN bonus (the task lacked the capability, e.g. in a container, or the kernel had dropped the bonus): replayed without it'
    })
  for (const c of candidates) {
    if (total !== null && ok(total, c.p)) return { total, profile: c.p, note: c.note }
  }
  if (total !== null && !swapUnknown) return null
  // Unknown swap: solve points*1000/T = printed for T >= total, a few fixed-point rounds.
  if (profile.badness.form === 'scaled1000') return null
  for (const c of candidates) {
    let tp = total ?? 1000
    for (let round = 0; round < 6; round++) {
      const s = scoreRows(rows, tp, c.p)
      const pts = s.ranking[chosenRow]?.points
      if (pts == null || pts <= 0 || printed <= 0) break
      const lo = Math.floor((pts * 1000) / (printed + 1)) + 1
      const hi = Math.floor((pts * 1000) / printed)
      const next = Math.max(total ?? 0, Math.floor((lo + hi) / 2))
      if (ok(next, c.p)) return { total: next, profile: c.p, note: c.note }
      if (next === tp) break
      tp = next
    }
  }
  return null
}
