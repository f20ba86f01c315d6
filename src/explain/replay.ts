/**
 * @module Replay of the kernel's victim selection for one parsed report: rebuild totalpages (the
 * memcg limit plus swap allowance, or RAM plus swap), turn the task rows into engine processes,
 * score every task with the engine's `oomBadness`, rank them with the profile's tie rule and
 * compare the engine's choice with the task the kernel named. Says why when the report holds too
 * little to replay instead of guessing (totalpages: `replay-calibrate.ts`; the comparison:
 * `replay-verdict.ts`). Pages throughout unless a name ends in Kb.
 */
import type { KernelProfile } from '../kernel/profiles.ts'
import { kernelChoiceOf, settleTotal } from './replay-calibrate.ts'
import type { KernelChoice } from './replay-calibrate.ts'
import { findRow, printedScoreOf, scoreRows } from './replay-score.ts'
import type { RankedRow, Scored } from './replay-score.ts'
import { replayLegacy } from './replay-legacy.ts'
import { killedPidOf, killsAllocatingTask, verdictOf } from './replay-verdict.ts'
import type { Verdict } from './replay-verdict.ts'
import { vforkTwins } from './replay-vfork.ts'
import { savedBy } from './saved-by.ts'
import type { SavedBy } from './saved-by.ts'
import type { OomEvent } from './oom-event.ts'

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

/** Why `e` cannot be replayed at all, or null. */
function cannotReplay(e: OomEvent): string | null {
  if (e.kind !== 'oom') return 'not an OOM kill (page allocation failure)'
  if (e.tableStatus === 'none')
    return 'the report has no task table (oom_dump_tasks off, or not in the text)'
  if (e.tableStatus === 'header-only' || (e.tasks ?? []).length === 0)
    return 'the task table has a header but no rows (filtered output)'
  return null
}

/** A replay with nothing found yet. */
function emptyReplay(e: OomEvent, profile: KernelProfile, notes: string[]): Replay {
  return {
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
}

/** The kernel killed a child of the task it chose (sacrifice-child kernels), or null. */
function childSacrificedOf(e: OomEvent): Replay['childSacrificed'] {
  const killedPid = killedPidOf(e)
  const rows = e.tasks ?? []
  if (!e.sacrifice || killedPid === null || killedPid === e.sacrifice.pid) return null
  const k = findRow(rows, killedPid)
  const c = findRow(rows, e.sacrifice.pid)
  return k < 0 || k !== c ? { chosen: e.sacrifice.pid, killed: killedPid } : null
}

/** The ranked rows first, by rank; then the protected ones in scan order. */
function byRank(ranking: readonly RankedRow[]): RankedRow[] {
  const ranked = ranking.filter(r => r.rank !== null).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))
  return [...ranked, ...ranking.filter(r => r.rank === null)]
}

/** The replay's score of the kernel's choice on the printed scale, noting a mismatch. */
function replayScoreOf(
  ranking: readonly RankedRow[],
  chosen: KernelChoice,
  total: number,
  profile: KernelProfile,
  notes: string[]
): number | null {
  const points = chosen.row >= 0 ? ranking[chosen.row]?.points : null
  if (points == null || chosen.printed === null) return null
  const score = printedScoreOf(points, total, profile)
  if (score !== chosen.printed)
    notes.push(
      `the kernel printed score ${chosen.printed}, the replay gives ${score}: some input of the score (swap entries, totalpages) is not in the report`
    )
  return score
}

/** The allocating task, which vm.oom_kill_allocating_task kills without ranking, or null. */
function allocatingVictim(e: OomEvent): Replay['victim'] {
  if (!killsAllocatingTask(e) || !e.trigger) return null
  const pid = e.trigger.pid ?? e.killedLines[0]?.pid
  return pid === undefined ? null : { pid, comm: e.trigger.comm }
}

/** Table layouts without a swapents column: oom_badness()'s swap term is not in the text. */
const NO_SWAP_COLUMN = new Set(['rhel6', '2.6-old'])

/**
 * A disagreement the table cannot settle: with a term of the score missing from the rows (the
 * swap entries on RHEL6), the replay's ranking is not the kernel's, so it cannot tell (and
 * offers no advice).
 */
function missingTerm(e: OomEvent, v: Verdict): Verdict {
  if (v.agrees !== false || !NO_SWAP_COLUMN.has(e.tableLayout ?? '')) return v
  return {
    agrees: null,
    reason: `cannot tell: the ${e.tableLayout ?? ''} task table has no swap column, and oom_badness() counts swap entries (${v.reason})`,
    compared: false
  }
}

/**
 * Score the rows; when the replay's winner only ties with the kernel's choice on a row printing
 * the same memory (a vfork child the report cannot name: replay-vfork.ts), skip the rows the
 * kernel passed over and score again, or say that the report cannot tell.
 */
function scoreWithVforkTwins(
  e: OomEvent,
  c: {
    total: number
    profile: KernelProfile
    chosen: KernelChoice
    skip: ReadonlyMap<number, string>
  },
  notes: string[]
): Scored & { unsure: string | null } {
  const rows = e.tasks ?? []
  const scored = scoreRows(rows, c.total, c.profile, c.skip)
  const ctx = { profile: c.profile, triggerPid: e.trigger?.pid ?? null }
  const twins = vforkTwins(rows, scored.ranking, c.chosen, scored.chosenIndex, ctx)
  if (twins === null) return { ...scored, unsure: null }
  if ('unsure' in twins) return { ...scored, unsure: twins.unsure }
  notes.push(twins.note)
  const skip = new Map([...c.skip, ...twins.skip])
  return { ...scoreRows(rows, c.total, c.profile, skip), unsure: null }
}

/** Replay one event with `profile`. */
export function replayEvent(
  e: OomEvent,
  profile: KernelProfile,
  skip: ReadonlyMap<number, string> = new Map()
): Replay {
  const notes: string[] = []
  const base = emptyReplay(e, profile, notes)
  const why = cannotReplay(e)
  if (why !== null) return { ...base, reason: why }
  if (profile.badness.form === 'totalVm') {
    const legacy = replayLegacy(e)
    return {
      ...base,
      ...legacy,
      ranking: byRank(legacy.ranking),
      notes: [...notes, ...legacy.notes]
    }
  }
  const rows = e.tasks ?? []
  const chosen = kernelChoiceOf(e, rows)
  const settled = settleTotal(e, rows, chosen, profile, notes)
  if ('reason' in settled) return { ...base, ...settled }
  const { total, profile: prof } = settled
  const scored = scoreWithVforkTwins(e, { total, profile: prof, chosen, skip }, notes)
  const ranking = scored.ranking
  const win = scored.chosenIndex === null ? null : (ranking[scored.chosenIndex] ?? null)
  const ordered = byRank(ranking)
  const second = ordered[1]?.rank != null ? ordered[1] : undefined
  const close = win && second && win.points !== null && second.points !== null
  const verdict =
    scored.unsure !== null
      ? { agrees: null, reason: scored.unsure, compared: false }
      : missingTerm(e, verdictOf(e, rows, chosen, scored.chosenIndex, win))
  const keepFirst = prof.select.tie !== 'lastWins' || prof.badness.form === 'scaled1000'
  return {
    ...base,
    profile: prof.name,
    totalPages: total,
    totalPagesSource: settled.source,
    ranking: ordered,
    victim:
      allocatingVictim(e) ??
      (win && scored.unsure === null ? { pid: win.pid, comm: win.comm } : null),
    margin: close ? (win.points ?? 0) - (second.points ?? 0) : null,
    runnerUp: close ? { pid: second.pid, comm: second.comm, points: second.points ?? 0 } : null,
    replayScore: replayScoreOf(ranking, chosen, total, prof, notes),
    childSacrificed: childSacrificedOf(e),
    agrees: verdict.agrees,
    reason: verdict.reason,
    whatIf: verdict.compared
      ? savedBy(ranking, scored.chosenIndex ?? -1, total, prof, keepFirst)
      : null
  }
}
