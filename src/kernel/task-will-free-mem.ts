/**
 * @module task_will_free_mem() and its 3.x predecessor, plus the task lookups out_of_memory()
 * needs (current by pid/tid, processes sharing an mm, mm_users).
 */
import type { KernelProfile } from './profiles.ts'
import type { Mm, OomState, Process, Thread } from './types.ts'

/** The process owning pid/tid `id` and that thread (the leader's first thread for a tgid). */
export function findTask(
  state: OomState,
  id: number
): { process: Process; thread: Thread | null } | null {
  for (const p of state.processes) {
    if (p.pid === id)
      return { process: p, thread: p.threads.find(t => t.tid === id) ?? p.threads[0] ?? null }
  }
  for (const p of state.processes) {
    const t = p.threads.find(x => x.tid === id)
    if (t !== undefined) return { process: p, thread: t }
  }
  return null
}

/** The mm `p` still uses through some thread (null when it has none). */
export function liveMm(p: Process, state: OomState): Mm | null {
  if (p.mmId === null) return null
  const mm = state.mms.get(p.mmId)
  if (mm === undefined) return null
  if (p.threads.length === 0) return mm
  return p.threads.some(t => !t.mmReleased) ? mm : null
}

/** Processes other than `p` whose threads use mm `mmId` (process_shares_mm), in task order. */
export function mmSharers(state: OomState, mmId: number, except: Process | null): Process[] {
  const out: Process[] = []
  for (const q of state.processes) {
    if (q === except || q.mmId !== mmId) continue
    if (q.threads.length === 0 || q.threads.some(t => !t.mmReleased)) out.push(q)
  }
  return out
}

/** mm_users: every live thread of every process using the mm. */
export function mmUsers(state: OomState, mmId: number): number {
  let n = 0
  for (const q of state.processes) {
    if (q.mmId !== mmId) continue
    if (q.threads.length === 0) n++
    else for (const t of q.threads) if (!t.mmReleased) n++
  }
  return n
}

/**
 * __task_will_free_mem(): not dumping core, and either a group exit in progress or a
 * single-threaded group whose task is PF_EXITING.
 */
export function processWillExit(p: Process, thread: Thread | null): boolean {
  if (p.coreDumping) return false
  if (p.groupExit) return true
  const t = thread ?? p.threads[0] ?? null
  // thread_group_empty(task) && PF_EXITING
  return p.threads.length <= 1 && t !== null && t.exiting
}

/**
 * task_will_free_mem(task) (>= 4.8): the task has an mm without MMF_OOM_SKIP, is exiting, and so
 * is every other process sharing the mm (trivially true when mm_users <= 1).
 */
export function taskWillFreeMem(state: OomState, p: Process, thread: Thread | null): boolean {
  // task_will_free_mem(): task->mm of the task itself (current, or the chosen leader); a task
  // past exit_mm is "not going to free anything" even if other threads still hold the mm.
  if (thread !== null && thread.mmReleased) return false
  const mm = liveMm(p, state)
  if (mm === null) return false
  if (!processWillExit(p, thread)) return false
  if (mm.flags.oomSkip) return false
  if (mmUsers(state, mm.id) <= 1) return true
  for (const q of mmSharers(state, mm.id, p)) if (!processWillExit(q, null)) return false
  return true
}

/**
 * The "already exiting" test for the profile: task_will_free_mem() (>= 4.8) or the 3.x rule —
 * for current, a pending fatal signal or PF_EXITING; for a chosen victim, PF_EXITING only.
 */
export function isExitingForOom(
  state: OomState,
  p: Process,
  thread: Thread | null,
  role: 'current' | 'victim',
  profile: KernelProfile
): boolean {
  if (profile.outOfMemory.exitingCheck === 'taskWillFreeMem')
    return taskWillFreeMem(state, p, thread)
  const t = thread ?? p.threads[0] ?? null
  const pfExiting = t !== null && t.exiting
  // out_of_memory(), 3.x: fatal_signal_pending(current) || current->flags & PF_EXITING;
  // 2.6.32-642 (rhel6): fatal_signal_pending(current) only.
  const rhel6 = profile.outOfMemory.exitingCheck === 'fatalSignalOnly'
  if (role === 'current') return (pfExiting && !rhel6) || p.sigkillPending || p.groupExit
  // oom_kill_process(), 3.x: p->flags & PF_EXITING
  return pfExiting
}
