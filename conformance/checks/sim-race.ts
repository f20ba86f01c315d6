/**
 * @module Check 2's exit-race rule for a case run: a kernel kill made before the previous
 * victim's memory was back (exit-race.ts: exit_mmap() sets MMF_OOM_SKIP before
 * tlb_finish_mmu() frees the pages) is counted apart, not compared.
 *
 * With one grower the evidence is the grower's row (exit-race.ts). With several growers
 * (`concurrent`) any of them may have taken the freed pages, so the evidence is every task's:
 * between the two reports all the tasks listed in both grew, together, by less than the
 * previous victim's anon-rss (less RACE_SLACK_PAGES). A kill after which one co-grower took
 * the victim's pages is no race and stays compared. And the simulator's growth after a race
 * kill (derived from the reports, growth-timeline.ts) is not the kernel's: it freed the victim's
 * memory before the next OOM, so the growers are elsewhere when its next OOM comes. A later
 * kill that differs is counted apart too, from the first one that differs (the ones before it
 * agreed and stay counted).
 */
import type { CaseRun } from '../case-run.ts'
import { RACE_SLACK_PAGES, raceExplained, raceNote } from '../exit-race.ts'
import type { KernelKill } from '../kernel-report.ts'

/** Pages every task listed in both reports grew between report j−1 and report j, or null. */
export function growthBetween(kills: readonly KernelKill[], j: number): number | null {
  const before = kills[j - 1]?.tasks
  const after = kills[j]?.tasks
  if (before == null || after == null) return null
  let grew = 0
  for (const r of after) {
    const b = before.find(t => t.pid === r.pid)
    if (b !== undefined) grew += Math.max(0, r.rss - b.rss)
  }
  return grew
}

/** Kill `j` (>= 1) of a case with several growers came before victim j−1's memory was back. */
export function allGrowersRace(kills: readonly KernelKill[], j: number): boolean {
  const prev = kills[j - 1]
  const grew = growthBetween(kills, j)
  if (prev === undefined || grew === null) return false
  return grew + RACE_SLACK_PAGES < Math.floor(prev.killed.anonRssKb / 4)
}

/**
 * The last kill at or before `from` (>= 1) that came before the previous victim's memory was
 * back, by every task's growth, or null. With several growers the simulator's growth after
 * such a kill is not the kernel's (it freed the victim's memory first), so a kill after it may
 * differ for that reason alone.
 */
function lastRaceUpTo(kills: readonly KernelKill[], from: number): number | null {
  for (let j = from; j >= 1; j--) if (allGrowersRace(kills, j)) return j
  return null
}

/** Kills from `from` on that check 2 counts apart as the exit race, with the note; or null. */
export function raceFrom(run: CaseRun, from: number): { explained: number; note: string } | null {
  const kills = run.kills.length
  if (from < 1 || from >= kills) return null
  const seed = `seed ${run.spec.seed}`
  if ((run.coGrowers ?? []).length === 0) {
    if (raceExplained(run, from, false) === 0) return null
    return { explained: kills - from, note: `${seed}: ${raceNote(run.kills, from, run.growerPid)}` }
  }
  const j = lastRaceUpTo(run.kills, from)
  if (j === null) return null
  const prev = run.kills[j - 1]!
  const after =
    j === from ? '' : `; kills ${j + 1}..${from} agreed, kill ${from + 1} on not compared`
  return {
    explained: kills - from,
    note:
      `${seed}: kill ${j + 1} came before victim ${prev.killed.pid}'s memory was back (exit_mmap() ` +
      `sets MMF_OOM_SKIP before tlb_finish_mmu() frees the pages): every task listed in both ` +
      `reports grew ${growthBetween(run.kills, j)} pages in all, victim anon-rss ` +
      `${prev.killed.anonRssKb} kB; kernel: ${run.kills[j]!.killedText}${after}`
  }
}
