/**
 * @module The totalpages and profile a replay scores with: from the report's memory figures
 * (`replay-total.ts`), pinned by the victim's printed score on <= 5.0 kernels when swap size is
 * unknown (and without the CAP_SYS_ADMIN bonus when the score shows none), or estimated from the
 * memory in use as a last resort. Pages throughout.
 */
import type { TaskRow } from '../kernel/oom-report.ts'
import { variant } from '../kernel/profiles.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import { findRow, printedScoreOf, scoreRows } from './replay-score.ts'
import { estimateTotal, totalPagesOf } from './replay-total.ts'
import type { OomEvent } from './oom-event.ts'

/** The task the kernel chose, as the report names it. */
export interface KernelChoice {
  /** The chosen pid (sacrifice, summary or Killed line), or null. */
  pid: number | null
  /** Its row in the task table, or -1. */
  row: number
  /** "score N or sacrifice child" (<= 5.0), or null. */
  printed: number | null
}

/** The kernel's choice in `rows`. */
export function kernelChoiceOf(e: OomEvent, rows: readonly TaskRow[]): KernelChoice {
  const pid = e.sacrifice?.pid ?? e.summary?.pid ?? e.victim?.pid ?? null
  // The chosen pid may be a thread missing from the table (3.x scans threads): fall back to the
  // Killed pid, which names the thread-group member that still had the mm.
  let row = pid === null ? -1 : findRow(rows, pid)
  if (row < 0 && e.victim !== null) row = findRow(rows, e.victim.pid)
  return { pid, row, printed: e.sacrifice?.score ?? null }
}

/** What the replay scores with, or why it cannot. */
export type Settled =
  | { total: number; source: string; profile: KernelProfile }
  | { reason: string; totalPagesSource: string }

/** Settle totalpages and the profile for `rows`, adding what is uncertain to `notes`. */
export function settleTotal(
  e: OomEvent,
  rows: readonly TaskRow[],
  chosen: KernelChoice,
  profile: KernelProfile,
  notes: string[]
): Settled {
  const t = totalPagesOf(e)
  let total = t.total
  let source = t.source
  let prof = profile
  const { printed, row } = chosen
  const scoreOk = (tp: number, pr: KernelProfile): boolean => {
    if (printed === null || row < 0) return true
    const pts = scoreRows(rows, tp, pr).ranking[row]?.points
    return pts != null && printedScoreOf(pts, tp, pr) === printed
  }
  // The victim's score printed on <= 5.0 kernels pins totalpages when swap size is unknown.
  if (printed !== null && row >= 0 && (total === null || !scoreOk(total, prof))) {
    const fixed = calibrate(rows, row, printed, total, t.swapUnknown, prof, scoreOk)
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
      return { totalPagesSource: t.source, reason: `cannot rebuild totalpages: ${t.source}` }
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
  return { total, source, profile: prof }
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
