/**
 * @module Whether the replay's choice is the task the kernel chose, and why not when it is not or
 * cannot be told: oom_kill_allocating_task, a partial table, no killable task, a report that
 * does not name the choice.
 */
import type { TaskRow } from '../kernel/oom-report.ts'
import type { KernelChoice } from './replay-calibrate.ts'
import type { RankedRow } from './replay-score.ts'
import type { OomEvent } from './oom-event.ts'

export interface Verdict {
  /** true / false, or null when it cannot be told. */
  agrees: boolean | null
  reason: string
  /** Both sides chose a task, so the ranking can say what would have spared the victim. */
  compared: boolean
}

/** The pid the kernel killed (from the Killed line), or null. */
export function killedPidOf(e: OomEvent): number | null {
  return e.victim?.source === 'killed' ? e.victim.pid : null
}

/** The report says the kernel killed the allocating task (vm.oom_kill_allocating_task). */
export function killsAllocatingTask(e: OomEvent): boolean {
  return [e.sacrifice?.message, ...e.killedLines.map(k => k.message)].some(
    m => m?.includes('oom_kill_allocating_task') === true
  )
}

/**
 * out_of_memory(): with vm.oom_kill_allocating_task=1 the kernel kills `current` (the task that
 * invoked the OOM killer) without ranking; the replay's choice is that task. Null otherwise.
 */
function allocatingVerdict(e: OomEvent): Verdict | null {
  if (!killsAllocatingTask(e)) return null
  const t = e.trigger
  const k = e.killedLines[0] ?? e.victim
  if (!t || !k)
    return {
      agrees: null,
      reason: 'vm.oom_kill_allocating_task is set, but the report does not name both tasks',
      compared: false
    }
  // find_lock_task_mm() may hand the kill to another thread of current: same tgid, same comm.
  const rows = e.tasks ?? []
  const tgidOf = (pid: number): number | undefined =>
    rows.find(r => r.pid === pid || r.tgid === pid)?.tgid
  const same =
    (t.pid !== null && (t.pid === k.pid || (tgidOf(t.pid) ?? -1) === tgidOf(k.pid))) ||
    t.comm === k.comm
  const who = `${t.pid ?? '?'} (${t.comm})`
  return {
    agrees: same,
    reason: same
      ? `vm.oom_kill_allocating_task is set: the engine picks the allocating task ${who}, as the kernel did`
      : `vm.oom_kill_allocating_task is set: the engine picks the allocating task ${who} but the kernel killed ${k.pid}`,
    compared: false
  }
}

/** Two rows that print the same mm: same comm and every memory column equal. */
function sameMm(a: TaskRow | undefined, b: TaskRow | undefined): boolean {
  if (!a || !b || a === b) return false
  return (
    a.comm === b.comm &&
    a.totalVm === b.totalVm &&
    a.rss === b.rss &&
    a.pgtablesBytes === b.pgtablesBytes &&
    a.swapEnts === b.swapEnts &&
    a.oomScoreAdj === b.oomScoreAdj
  )
}

/**
 * oom_evaluate_task(): a task running swapoff() (try_to_unuse()) or a KSM unmerge is the OOM
 * origin and is chosen before any ranking. The report shows it only as the task that invoked
 * the OOM killer being the one killed, named swapoff; null when that is not the case.
 */
function originVerdict(e: OomEvent): Verdict | null {
  const t = e.trigger
  const k = e.killedLines[0]
  if (!t || !k || t.comm !== 'swapoff' || (t.pid !== null && t.pid !== k.pid)) return null
  if (k.comm !== t.comm) return null
  return {
    agrees: true,
    reason: `the kernel killed ${k.pid} (swapoff), the task that invoked it: swapoff() marks itself the OOM origin (oom_task_origin()), which is chosen before any ranking`,
    compared: false
  }
}

/** Both sides chose: does the replay's row match the kernel's choice? */
function compare(
  rows: readonly TaskRow[],
  chosen: KernelChoice & { pid: number },
  killedPid: number | null,
  chosenIndex: number | null,
  win: RankedRow
): Verdict {
  const winRow = rows[chosenIndex ?? -1]
  const match = (pid: number): boolean =>
    winRow !== undefined && (winRow.pid === pid || winRow.tgid === pid)
  const agrees =
    match(chosen.pid) ||
    (killedPid !== null && match(killedPid)) ||
    (chosen.row >= 0 && chosen.row === chosenIndex)
  const twin = !agrees && chosen.row >= 0 && sameMm(rows[chosen.row], winRow)
  if (twin)
    return {
      agrees: true,
      reason: `the engine picks ${win.pid} (${win.comm}); the kernel chose ${chosen.pid}, whose row is the same in every column: one mm seen twice (a vfork child or a CLONE_VM task, which the kernel skips), so both are the same choice`,
      compared: false
    }
  let reason = agrees
    ? `the engine picks ${win.pid} (${win.comm}), as the kernel did`
    : `the engine picks ${win.pid} (${win.comm}) but the kernel chose ${chosen.pid}`
  if (!agrees && chosen.row < 0) reason += ` (${chosen.pid} is not among the rows)`
  return { agrees, reason, compared: true }
}

/** Compare the replay's winner `win` (row `chosenIndex`) with the kernel's choice. */
export function verdictOf(
  e: OomEvent,
  rows: readonly TaskRow[],
  chosen: KernelChoice,
  chosenIndex: number | null,
  win: RankedRow | null
): Verdict {
  const unsure = (reason: string): Verdict => ({ agrees: null, reason, compared: false })
  const allocating = allocatingVerdict(e) ?? originVerdict(e)
  if (allocating) return allocating
  if (e.tableStatus === 'partial')
    return unsure(
      'the task table is partial (filtered, elided or cut), so the ranking may miss the real winner'
    )
  if (e.noKillable)
    return {
      agrees: win === null,
      reason:
        win === null
          ? 'the kernel found no killable task, and neither does the replay'
          : `the kernel found no killable task, but the replay would pick ${win.pid} (${win.comm})`,
      compared: false
    }
  if (chosen.pid === null && e.panic !== null && e.killedLines.length === 0)
    return unsure(
      `the kernel panicked (${e.panic}) before choosing a task${win ? `; the engine would have picked ${win.pid} (${win.comm})` : ''}`
    )
  if (chosen.pid === null)
    return unsure(
      win
        ? `the report does not say which task the kernel chose (cut?); the engine would pick ${win.pid} (${win.comm})`
        : 'the report does not say which task the kernel chose'
    )
  if (win === null)
    return {
      agrees: false,
      reason: `the kernel chose ${chosen.pid}, but no task is eligible in the replay`,
      compared: false
    }
  return compare(rows, { ...chosen, pid: chosen.pid }, killedPidOf(e), chosenIndex, win)
}
