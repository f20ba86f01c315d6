/**
 * @module The sentences that say why the victim was chosen, what would have saved it, and what
 * memory.oom.group did: written once here, carried in the model (`explanation`) and shown by
 * both the text and the HTML page.
 */
import type { Replay } from './replay.ts'

/** The three sentences of one report (null when the report has nothing to say). */
export interface Explanation {
  why: string | null
  savedBy: string | null
  oomGroup: string | null
}

/** What the sentences are made from (a report of the model). */
interface Source {
  profile: string
  oomGroup: string | null
  replay: Replay
}

function kb(pages: number): string {
  return `${pages * 4} kB`
}

/** Why the replay's victim won: its margin over the runner-up, or the only eligible task. */
function why(r: Source): string | null {
  const rp = r.replay
  if (rp.victim && rp.margin !== null && rp.runnerUp)
    return `${rp.victim.pid} (${rp.victim.comm}) outscored ${rp.runnerUp.pid} (${rp.runnerUp.comm}) by ${rp.margin} points${r.profile.startsWith('rhel6') ? ' (of 1000)' : ` (a point is a page: ${kb(rp.margin)})`}`
  if (rp.victim) return `${rp.victim.pid} (${rp.victim.comm}) was the only eligible task`
  return null
}

/** What would have spared the victim (only when the replay could compare). */
function savedBy(r: Source): string | null {
  const rp = r.replay
  const w = rp.whatIf
  if (!w) return null
  const parts: string[] = []
  if (w.oomScoreAdj !== null) {
    parts.push(
      w.nextVictim
        ? `oom_score_adj ${w.oomScoreAdj} or lower on ${rp.victim?.pid ?? '?'} (then ${w.nextVictim.pid} (${w.nextVictim.comm}) would have been chosen)`
        : `oom_score_adj -1000 on ${rp.victim?.pid ?? '?'} (no other task was eligible: the OOM would then have found nobody to kill)`
    )
  }
  if (w.shedPages !== null && w.shedPages > 0) parts.push(`using ${kb(w.shedPages)} less memory`)
  return parts.length > 0 ? parts.join('; or ') : null
}

/** The sentences of `r`. */
export function explanationOf(r: Source): Explanation {
  return {
    why: why(r),
    savedBy: savedBy(r),
    oomGroup: r.oomGroup !== null ? `every task in ${r.oomGroup} was killed` : null
  }
}
