/**
 * @module What would have saved the victim: the oom_score_adj at which it stops being the
 * highest score (tie rule included), or the memory it would have had to shed, and who would
 * have been chosen instead. Pages.
 */
import type { KernelProfile } from '../kernel/profiles.ts'
import type { RankedRow } from './replay-score.ts'

/** What would have changed the outcome for the kernel's victim. */
export interface SavedBy {
  /** The highest oom_score_adj at which the victim would no longer have been chosen. */
  oomScoreAdj: number | null
  /** Pages the victim would have had to shed to fall below the runner-up. */
  shedPages: number | null
  /** The task that would have been chosen instead. */
  nextVictim: { pid: number; comm: string } | null
}

/** The smallest change that would have spared the chosen task (see SavedBy). */
export function savedBy(
  ranking: readonly RankedRow[],
  victimIdx: number,
  totalPages: number,
  profile: KernelProfile,
  keepFirst: boolean
): SavedBy | null {
  const v = ranking[victimIdx]
  if (!v?.eligible || v.points === null || v.parts === null) return null
  const others = ranking.filter((r, i) => i !== victimIdx && r.eligible && r.points !== null)
  const next = others.reduce<RankedRow | null>(
    (a, r) => (a === null || (r.points ?? 0) > (a.points ?? 0) ? r : a),
    null
  )
  if (!next || next.points === null)
    return { oomScoreAdj: v.oomScoreAdj > -1000 ? -1000 : null, shedPages: null, nextVictim: null }
  // The victim loses once its points fall to the runner-up's when a tie goes to the other task
  // (<= 5.2: the earlier one; >= 5.3: the later one), else once they fall below.
  const nextIdx = ranking.indexOf(next)
  const victimWinsTie = keepFirst ? victimIdx < nextIdx : victimIdx > nextIdx
  const need = v.points - next.points + (victimWinsTie ? 1 : 0)
  // Shedding memory only lowers the rss + swap + page-table part of the score.
  const base = v.parts.rss + v.parts.swap + v.parts.pgtables
  const shedPages = need <= base ? Math.max(0, need) : null
  let adj: number
  if (profile.badness.form === 'scaled1000') {
    adj = Math.max(-1000, v.oomScoreAdj - need)
  } else {
    const unit = Math.trunc(totalPages / 1000)
    if (unit > 0) adj = Math.max(-1000, v.oomScoreAdj - Math.ceil(need / unit))
    else adj = -1000
  }
  return { oomScoreAdj: adj, shedPages, nextVictim: { pid: next.pid, comm: next.comm } }
}
