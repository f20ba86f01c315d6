/**
 * @module Check 2's exit-race rule for a case run: a kernel kill made before the previous
 * victim's memory was back (exit-race.ts: exit_mmap() sets MMF_OOM_SKIP before
 * tlb_finish_mmu() frees the pages) is counted apart, not compared.
 *
 * With one grower the evidence is the grower's row (exit-race.ts). With several growers
 * (`concurrent`) any of them may have taken the freed pages, so the evidence is every task's:
 * between the two reports all the tasks listed in both grew, together, by less than the
 * previous victim's anon-rss (less RACE_SLACK_PAGES). A kill after which one co-grower took
 * the victim's pages is no race and stays compared.
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

/** Kills from `from` on that check 2 counts apart as the exit race, with the note; or null. */
export function raceFrom(run: CaseRun, from: number): { explained: number; note: string } | null {
  const several = (run.coGrowers ?? []).length > 0
  const kills = run.kills.length
  if (from < 1 || from >= kills) return null
  const race = several ? allGrowersRace(run.kills, from) : raceExplained(run, from, false) > 0
  if (!race) return null
  const note = several
    ? `${raceNote(run.kills, from, run.growerPid)}; every task listed in both reports grew ` +
      `${growthBetween(run.kills, from)} pages in all`
    : raceNote(run.kills, from, run.growerPid)
  return { explained: kills - from, note: `seed ${run.spec.seed}: ${note}` }
}
