/**
 * @module The child parked in vfork() that a report cannot name. It shares its parent's mm, so
 * its task row prints the parent's numbers (every memory column and oom_score_adj equal; its
 * own pid, maybe its own comm), and the kernel passes it over (oom_badness(), >= 4.9: in_vfork()
 * gives LONG_MIN; profile `badness.skipOomSkipAndVfork`). Scored from the rows alone the two tie,
 * and with 6.18's tie rule (oom_evaluate_task(): `points < chosen_points` skips, so an equal
 * score replaces, >= 5.3; profile `select.tie` 'lastWins') the later row, the child, wins.
 *
 * What the report does tell: the rows are scanned in the order they are printed (dump_tasks()
 * and select_bad_process() walk the same mem_cgroup_scan_tasks() / for_each_process() order),
 * and the Killed line names the kernel's choice. When the kernel chose a row that the replay
 * ties with later rows printing the same memory, under 'lastWins', those later rows were passed
 * over: by in_vfork() (a vfork child, created after its parent, so scanned after it), or an mm
 * already marked MMF_OOM_SKIP; the replay skips them and agrees. Where the tie rule would keep
 * the earlier row ('firstWins'/'keepLeader', <= 5.2), where the profile does not skip vfork
 * children (< 4.9), or where one of the rows is the task that invoked the OOM killer (its
 * counters moved between the selection and the dump), the report cannot tell which row was
 * passed over or why: the replay says so instead of picking.
 */
import type { TaskRow } from '../kernel/oom-report.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import type { KernelChoice } from './replay-calibrate.ts'
import type { RankedRow } from './replay-score.ts'

/** Skip these rows and score again; or say that the report cannot tell. */
export type VforkDecision = { skip: Map<number, string>; note: string } | { unsure: string }

/** Two rows of different processes that print the same memory (one mm seen twice, or twins). */
function sameMemory(a: TaskRow, b: TaskRow): boolean {
  return (
    a.tgid !== b.tgid &&
    a.totalVm === b.totalVm &&
    a.rss === b.rss &&
    a.rssAnon === b.rssAnon &&
    a.rssFile === b.rssFile &&
    a.rssShmem === b.rssShmem &&
    a.pgtablesBytes === b.pgtablesBytes &&
    a.nrPtes === b.nrPtes &&
    a.swapEnts === b.swapEnts &&
    a.oomScoreAdj === b.oomScoreAdj
  )
}

const who = (r: { pid: number; comm: string }): string => `${r.pid} (${r.comm})`

/**
 * When the replay's winner (row `chosenIndex`) is not the kernel's choice but prints the same
 * memory with the same points: the rows to skip, or why the report cannot tell. Null otherwise.
 */
export function vforkTwins(
  rows: readonly TaskRow[],
  ranking: readonly RankedRow[],
  chosen: KernelChoice,
  chosenIndex: number | null,
  ctx: { profile: KernelProfile; triggerPid: number | null }
): VforkDecision | null {
  const k = chosen.row
  if (chosenIndex === null || k < 0 || k === chosenIndex) return null
  const kRow = rows[k]
  const kRank = ranking[k]
  const win = ranking[chosenIndex]
  if (kRow === undefined || kRank?.eligible !== true || win === undefined) return null
  if (kRank.points !== win.points || !sameMemory(kRow, rows[chosenIndex]!)) return null
  const { profile, triggerPid } = ctx
  const twins = ranking.filter(
    (r, i) => r.eligible && r.points === kRank.points && sameMemory(kRow, rows[i]!)
  )
  const later = twins.filter(r => r.scanIndex > k)
  const lastWins = profile.select.tie === 'lastWins' && profile.badness.form !== 'scaled1000'
  const moving = [kRank, ...twins].some(r => r.pid === triggerPid)
  if (!lastWins || !profile.badness.skipOomSkipAndVfork || moving || chosenIndex < k)
    return {
      unsure:
        `cannot tell: ${who(win)} prints the same memory as the kernel's choice ${who(kRank)}, and ` +
        `the kernel's tie rule would have taken ${who(win)}; one of them was passed over (a vfork ` +
        `child on the other's mm, in_vfork(), or counters that moved between the selection and ` +
        `the dump), which the report does not show`
    }
  const reason =
    `passed over by the kernel: it prints the same memory as ${who(kRank)}, later in the scan, ` +
    `and would have won the tie; a vfork child on its mm (in_vfork()) or an mm marked MMF_OOM_SKIP`
  return {
    skip: new Map(later.map(r => [r.pid, reason])),
    note:
      `${later.map(who).join(', ')} ${later.length > 1 ? 'print' : 'prints'} the same memory as ` +
      `${who(kRank)}, later in the scan, yet the kernel chose ${who(kRank)}: with equal scores the ` +
      `later task would have replaced it (oom_evaluate_task()), so the kernel passed ` +
      `${later.length > 1 ? 'them' : 'it'} over: a child parked in vfork() shares its parent's mm ` +
      `(in_vfork(), oom_badness() >= 4.9)`
  }
}
