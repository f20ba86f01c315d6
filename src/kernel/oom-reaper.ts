/**
 * @module The oom_reaper kthread (>= 4.6) as a step function on the simulated clock:
 * queue_oom_reaper()'s timer (OOM_REAPER_DELAY 2 s where the profile has it; a victim that exited
 * meanwhile is dropped), the LIFO oom_reaper_list, MAX_OOM_REAP_RETRIES (10) attempts 100 ms
 * apart, the mmap_read_trylock failure, which VMAs are unmapped per profile, the walk order,
 * MMF_UNSTABLE, MMF_OOM_SKIP always set at the end, and the two printk lines.
 *
 * Units: pages; times in ns. The pages the reaper unmaps are returned as data (`freed`) so the
 * simulator can give the anonymous ones back to the free lists.
 */
import type { Effect, PrintkRecord } from './oom-control.ts'
import { renderLineItems } from './line-items.ts'
import type { LineItem } from './line-items.ts'
import type { TraceEvent } from './events.ts'
import type { KernelProfile } from './profiles.ts'
import type { Mm, OomState, Vma } from './types.ts'
import { mmCounter } from './mm/rss-stat.ts'

/** MAX_OOM_REAP_RETRIES. */
export const MAX_OOM_REAP_RETRIES = 10
/** schedule_timeout_idle(HZ/10) between attempts, in ns. */
export const OOM_REAP_RETRY_NS = 100_000_000

/** A task handed to the reaper. */
export interface ReaperTask {
  pid: number
  comm: string
  mmId: number
}

/** The reaper's state, owned by the caller. */
export interface ReaperState {
  /** queue_oom_reaper() timers not yet fired, with their due time. */
  timers: (ReaperTask & { atNs: number })[]
  /** oom_reaper_list: pushed and popped at the head (index 0). */
  list: ReaperTask[]
  /** The task being reaped: attempts made and the time of the next step. */
  active: (ReaperTask & { attempts: number; nextNs: number; giveUp: boolean }) | null
}

/** An empty reaper. */
export function makeReaperState(): ReaperState {
  return { timers: [], list: [], active: null }
}

/** Accept a 'queue-reaper' effect from out_of_memory(). */
export function reaperEnqueue(
  rs: ReaperState,
  state: OomState,
  e: Extract<Effect, { type: 'queue-reaper' }>
): void {
  // The task queue_oom_reaper() was given (a thread of the victim), else the process.
  const comm = e.comm ?? state.processes.find(p => p.pid === e.pid)?.comm ?? '?'
  rs.timers.push({ pid: e.tid ?? e.pid, comm, mmId: e.mmId, atNs: e.atNs })
  rs.timers.sort((a, b) => a.atNs - b.atNs)
}

/** What one reaped mm gave back (pages unmapped per counter). */
export interface ReapedPages {
  pid: number
  mmId: number
  anon: number
  file: number
  shmem: number
  /** Pages actually freed to the allocator: the anonymous ones (file and shmem pages stay in
   * the page cache / shmem after unmapping). */
  freedPages: number
}

/** The result of one reaper step. */
export interface ReaperStepResult {
  events: TraceEvent[]
  printk: PrintkRecord[]
  freed: ReapedPages[]
  /** When the reaper next has something to do (null = idle). */
  nextWakeNs: number | null
}

/** When the reaper next has work, or null. */
export function reaperNextWakeNs(rs: ReaperState, nowNs: number): number | null {
  let next: number | null = null
  const consider = (t: number): void => {
    if (next === null || t < next) next = t
  }
  if (rs.timers[0] !== undefined) consider(rs.timers[0].atNs)
  if (rs.active !== null) consider(rs.active.nextNs)
  else if (rs.list.length > 0) consider(nowNs)
  return next
}

/** Whether __oom_reap_task_mm() unmaps this VMA under the profile. */
export function vmaReapable(vma: Vma, profile: KernelProfile): boolean {
  // <= 6.0 can_madv_lru_vma(): VM_LOCKED|VM_HUGETLB|VM_PFNMAP skipped; >= 6.1 mlocked is reaped.
  if (vma.hugetlb || vma.pfnmap) return false
  if (vma.locked && !profile.reaper.reapsMlocked) return false
  // Anonymous or private (!VM_SHARED) mappings only.
  return vma.anonymous || !vma.shared
}

/**
 * __oom_reap_task_mm(): set MMF_UNSTABLE and unmap every reapable VMA (forward, or reverse on
 * 6.18), lowering the mm counters. An mm without VMAs (built from a report) is treated as
 * private anonymous + private file memory, with its shmem in shared mappings.
 */
export function reapMm(
  mm: Mm,
  profile: KernelProfile
): { anon: number; file: number; shmem: number; vmas: number[] } {
  mm.flags.unstable = true
  let anon = 0
  let file = 0
  let shmem = 0
  const starts: number[] = []
  if (mm.vmas.length === 0) {
    anon = mm.anon
    file = mm.file
    mm.anon = 0
    mm.file = 0
    return { anon, file, shmem, vmas: starts }
  }
  const order = [...mm.vmas].sort((a, b) => a.start - b.start)
  if (profile.reaper.walk === 'reverse') order.reverse()
  for (const vma of order) {
    if (!vmaReapable(vma, profile)) continue
    starts.push(vma.start)
    anon += vma.anon
    file += vma.file
    shmem += vma.shmem
    vma.anon = 0
    vma.file = 0
    vma.shmem = 0
  }
  mm.anon = Math.max(0, mm.anon - anon)
  mm.file = Math.max(0, mm.file - file)
  mm.shmem = Math.max(0, mm.shmem - shmem)
  return { anon, file, shmem, vmas: starts }
}

/** What a reaper step collects, and how it prints. */
interface StepOutput {
  events: TraceEvent[]
  printk: PrintkRecord[]
  freed: ReapedPages[]
  print: (item: LineItem, t: number) => void
}

/**
 * Run the reaper up to `nowNs`: fire due timers, take tasks from the list and make the attempts
 * that are due. Records are stamped with the simulated time each thing happened.
 */
export function reaperStep(
  state: OomState,
  rs: ReaperState,
  ctx: { profile: KernelProfile; nowNs: number }
): ReaperStepResult {
  const profile = ctx.profile
  const printk: PrintkRecord[] = []
  const out: StepOutput = {
    events: [],
    printk,
    freed: [],
    print: (item, t) => {
      printk.push(...renderLineItems([item], profile, t))
    }
  }
  // The time of the last thing done: the reaper moves to the next task at once.
  let lastT = ctx.nowNs
  for (;;) {
    // Timers due before the active task's next step fire first.
    const timer = rs.timers[0]
    const activeAt = rs.active?.nextNs ?? Number.POSITIVE_INFINITY
    if (timer !== undefined && timer.atNs <= ctx.nowNs && timer.atNs <= activeAt) {
      rs.timers.shift()
      lastT = timer.atNs
      fireTimer(state, rs, timer, profile, out)
      continue
    }
    if (rs.active === null) {
      const next = rs.list.shift()
      if (next === undefined) break
      rs.active = { ...next, attempts: 0, nextNs: Math.min(lastT, ctx.nowNs), giveUp: false }
    }
    const a = rs.active
    if (a.nextNs > ctx.nowNs) break
    lastT = a.nextNs
    if (oomReapTask(state, a, profile, out)) rs.active = null
  }
  const { events, freed } = out
  return { events, printk, freed, nextWakeNs: reaperNextWakeNs(rs, ctx.nowNs) }
}

/**
 * A queue_oom_reaper() timer fires: wake_oom_reaper() puts the task at the head of
 * oom_reaper_list, and the reaper takes the head at once when it is idle.
 */
function fireTimer(
  state: OomState,
  rs: ReaperState,
  timer: ReaperTask & { atNs: number },
  profile: KernelProfile,
  out: StepOutput
): void {
  const mm = state.mms.get(timer.mmId)
  // wake_oom_reaper() timer (>= 5.18): a victim that already exited is dropped.
  if (profile.reaper.delayMs > 0 && (mm === undefined || mm.flags.oomSkip)) return
  rs.list.unshift({ pid: timer.pid, comm: timer.comm, mmId: timer.mmId })
  if (profile.reaper.delayMs > 0)
    out.events.push({ type: 'oom:wake_reaper', timeNs: timer.atNs, pid: timer.pid })
  if (rs.active === null) {
    const next = rs.list.shift()
    if (next !== undefined) rs.active = { ...next, attempts: 0, nextNs: timer.atNs, giveUp: false }
  }
}

/**
 * oom_reap_task(): one due step for the active task at `a.nextNs`. Returns true when the reaper
 * is done with it (reaped, exited, or given up after MAX_OOM_REAP_RETRIES), false when it waits
 * HZ/10 for another attempt.
 */
function oomReapTask(
  state: OomState,
  a: NonNullable<ReaperState['active']>,
  profile: KernelProfile,
  out: StepOutput
): boolean {
  const t = a.nextNs
  const mm = state.mms.get(a.mmId)
  if (mm === undefined) return true
  if (a.giveUp) {
    // oom_reap_task(): all attempts failed and the mm is still not MMF_OOM_SKIP.
    if (!mm.flags.oomSkip) {
      out.print({ kind: 'unable-to-reap', pid: a.pid, comm: a.comm }, t)
      // oom_reap_task(): 4.9–5.8 call only debug_show_all_locks(); >= 5.9 sched_show_task() first.
      const schedShowTask = profile.reaper.unableToReapDump === 'taskAndLocks'
      out.events.push({ type: 'oom.reap_failed', timeNs: t, pid: a.pid, schedShowTask })
    }
    mm.flags.oomSkip = true
    return true
  }
  a.attempts++
  if (oomReapTaskMm(mm, a, t, profile, out)) {
    // MMF_OOM_SKIP is always set when the reaper is done with an mm.
    mm.flags.oomSkip = true
    return true
  }
  // schedule_timeout_idle(HZ/10) after every failed attempt, the last one included.
  a.nextNs = t + OOM_REAP_RETRY_NS
  if (a.attempts >= MAX_OOM_REAP_RETRIES) a.giveUp = true
  return false
}

/**
 * oom_reap_task_mm(): one attempt. False when mmap_read_trylock() fails; true when exit_mmap()
 * got there first or the reapable VMAs were unmapped ("oom_reaper: reaped process ...").
 */
function oomReapTaskMm(
  mm: Mm,
  a: ReaperTask,
  t: number,
  profile: KernelProfile,
  out: StepOutput
): boolean {
  if (mm.mmapLockHeld) {
    // mmap_read_trylock() failed.
    out.events.push({ type: 'oom:skip_task_reaping', timeNs: t, pid: a.pid })
    return false
  }
  if (mm.flags.oomSkip) {
    // exit_mmap() got there first.
    out.events.push({ type: 'oom:skip_task_reaping', timeNs: t, pid: a.pid })
    return true
  }
  out.events.push({ type: 'oom:start_task_reaping', timeNs: t, pid: a.pid })
  const r = reapMm(mm, profile)
  const info = {
    pid: a.pid,
    comm: a.comm,
    anonRssKb: mmCounter(mm, 'anon') * 4,
    fileRssKb: mmCounter(mm, 'file') * 4,
    shmemRssKb: mmCounter(mm, 'shmem') * 4
  }
  out.print({ kind: 'reaped', info }, t)
  out.events.push({ type: 'oom:finish_task_reaping', timeNs: t, pid: a.pid })
  out.events.push({ type: 'oom.reaped', timeNs: t, pid: a.pid, freedPages: r.anon, vmas: r.vmas })
  out.freed.push({
    pid: a.pid,
    mmId: mm.id,
    anon: r.anon,
    file: r.file,
    shmem: r.shmem,
    freedPages: r.anon
  })
  return true
}
