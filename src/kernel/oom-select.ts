/**
 * @module select_bad_process() / oom_evaluate_task() per profile: which task the OOM killer
 * chooses, the abort rule for victims still in flight, oom_task_origin, and the tie rules.
 *
 * The scan is allocation-free per task unless a ranking is requested.
 */
import type { OomControl, RankedTask, SelectResult } from './oom-control.ts'
import type { ScanSkip } from './events.ts'
import { badnessPointsOf, INELIGIBLE, isUnkillableTask, oomBadness } from './oom-badness.ts'
import { cpusetEligible, memcgScanOrder } from './oom-constraint.ts'
import type { KernelProfile } from './profiles.ts'
import { findTask } from './task-will-free-mem.ts'
import type { Mm, OomState, Process, Thread } from './types.ts'
import { OOM_SCORE_ADJ_MIN } from './types.ts'

/** Points given to an oom_task_origin() task (ULONG_MAX / LONG_MAX in the kernel). */
export const ORIGIN_POINTS = Number.MAX_SAFE_INTEGER

/** Options of `selectBadProcess`. */
export interface SelectOptions {
  /** Build the per-task ranking (default true). The hot path passes false. */
  ranking?: boolean
}

/** The processes the scan walks: the memcg subtree (mem_cgroup_scan_tasks) or the task list. */
export function scanList(state: OomState, oc: OomControl): readonly Process[] {
  return oc.kind === 'memcg' && oc.memcg !== null
    ? memcgScanOrder(state, oc.memcg)
    : state.processes
}

import { denseMmIndex } from './mm-index.ts'
import { mmRssRead } from './mm/rss-stat.ts'

/** True when the mems check applies to this OOM (always <= 5.2; non-memcg OOMs >= 5.3). */
function checksMems(oc: OomControl, profile: KernelProfile): boolean {
  return profile.select.unkillableChecksMemcgAndMems || oc.kind !== 'memcg'
}

/**
 * select_bad_process(): scan the OOM domain and choose the task with the highest badness.
 * `oc.nodemask` must already be cleared unless the constraint is CONSTRAINT_MEMORY_POLICY (as
 * out_of_memory() does). `totalPages` is oc->totalpages.
 */
export function selectBadProcess(
  state: OomState,
  oc: OomControl,
  totalPages: number,
  profile: KernelProfile,
  opts: SelectOptions = {}
): SelectResult {
  const current = oc.currentPid === null ? null : (findTask(state, oc.currentPid)?.process ?? null)
  const ranking: RankedTask[] | null = opts.ranking === false ? null : []
  const list = scanList(state, oc)
  if (profile.select.scan === 'threads')
    return scanThreads(state, oc, list, current, totalPages, profile, ranking)
  // Hot path: no ranking, page-unit badness, no NUMA mems test to make.
  if (
    ranking === null &&
    profile.badness.form !== 'scaled1000' &&
    !(checksMems(oc, profile) && state.nodes.length > 1)
  ) {
    return scanProcessesFast(state, oc, list, totalPages, profile)
  }
  return scanProcesses(state, oc, list, current, totalPages, profile, ranking)
}

/** Page-table term selector for the hot path: 0 = bytes/PAGE_SIZE (or nr_ptes), 1 = + nr_pmds. */
const PGTABLE_PLUS_PMDS = 1

/**
 * The oom_badness() page sum of an eligible task (no adj term): rss + swap + page tables, less
 * the 3.x–4.18 CAP_SYS_ADMIN bonus. Small and monomorphic so the scan loop inlines it.
 */
function pagesBase(mm: Mm, pgMode: number, threePercent: boolean): number {
  // oom_badness(): get_mm_rss + MM_SWAPENTS + page tables (nr_ptes = pgtables_bytes / PAGE_SIZE;
  // a shift while the byte count fits in 31 bits).
  const pgBytes = mm.pgtablesBytes
  const pgPages = pgBytes >= 0 && pgBytes <= 0x7fffffff ? pgBytes >> 12 : Math.floor(pgBytes / 4096)
  const rss = mm.rssStat === undefined ? mm.anon + mm.file + mm.shmem : mmRssRead(mm)
  let points = rss + mm.swapEnts + pgPages
  // oom_badness(), 4.0–4.14: + mm_nr_pmds(mm).
  if (pgMode === PGTABLE_PLUS_PMDS) points += mm.nrPmds ?? 0
  // oom_badness(), 3.14–4.18: root processes get 3% off.
  if (threePercent) points -= Math.floor((points * 3) / 100)
  return points
}

/**
 * select_bad_process() without a ranking for the page-unit badness forms ('pagesClamped',
 * 'pagesSigned') when no cpuset/mempolicy test is needed (one node, or a >= 5.3 memcg OOM). Same
 * decisions as `scanProcesses`, with every per-profile branch hoisted out of the loop and no
 * allocation per task.
 */
function scanProcessesFast(
  state: OomState,
  oc: OomControl,
  list: readonly Process[],
  totalPages: number,
  profile: KernelProfile
): SelectResult {
  const rules = profile.badness
  const clamp = rules.form === 'pagesClamped'
  const keepFirst = profile.select.tie !== 'lastWins'
  const skipFlags = rules.skipOomSkipAndVfork
  const threePercent = rules.rootBonus === 'threePercent'
  // oom_badness(), 3.10.0–3.10.28: root gets adj -= 30 before the adj is scaled.
  const adjMinus30 = rules.rootBonus === 'adjMinus30'
  const pgMode = rules.pgtableTerm === 'nrPtesPmds' ? PGTABLE_PLUS_PMDS : 0
  const sysrq = oc.kind === 'sysrq'
  // oom_badness(): adj *= totalpages / 1000, integer division first.
  const adjUnit = Math.trunc(totalPages / 1000)
  const mms = state.mms
  const index = denseMmIndex(state, list.length)
  let chosen: Process | null = null
  // chosen_points starts at LONG_MIN (>= 5.9) or 0: either way the first eligible task is taken
  // (page-unit scores are > 0 when clamped), so -Infinity stands for the start value: no score is
  // below it, and the tie test below needs a chosen task. This keeps the common test to one
  // comparison per task (no "nothing chosen yet" branch).
  let chosenPoints = -Infinity
  for (let i = 0; i < list.length; i++) {
    const p = list[i] as Process
    // oom_unkillable_task(): kernel threads and global init.
    if (p.kthread || p.pid === 1) continue
    // oom_evaluate_task(): an earlier victim still holding its mm aborts the scan (not sysrq).
    const victimMmId = p.oomVictimMmId
    if (victimMmId !== null && !sysrq) {
      const vmm = mms.get(victimMmId)
      if (vmm === undefined || vmm.flags.oomSkip) continue
      return aborted(null, p.pid)
    }
    // oom_task_origin(): select with ULONG_MAX / LONG_MAX and keep scanning.
    if (p.oomOrigin) {
      chosen = p
      chosenPoints = ORIGIN_POINTS
      continue
    }
    // oom_badness(): OOM_SCORE_ADJ_MIN and a process without an mm are ineligible.
    const adj = p.oomScoreAdj
    if (adj === OOM_SCORE_ADJ_MIN) continue
    const mmId = p.mmId
    if (mmId === null) continue
    const mm = index !== null ? index[mmId] : mms.get(mmId)
    if (mm === undefined) continue
    const rootAdj = adjMinus30 && p.capSysAdmin ? adj - 30 : adj
    let points = pagesBase(mm, pgMode, threePercent && p.capSysAdmin) + rootAdj * adjUnit
    // oom_badness(), <= 5.8: an eligible task never scores <= 0; >= 5.9: no clamp.
    if (clamp && points <= 0) points = 1
    if (points < chosenPoints) continue
    // <= 5.2: a tie keeps the choice (3.x strict '>'; 3.14–5.2 leaders only, "prefer leaders").
    if (keepFirst && points === chosenPoints && chosen !== null) continue
    // The remaining oom_badness() tests (find_lock_task_mm(); >= 4.9 in_vfork() and
    // MMF_OOM_SKIP) only matter for a task that would be chosen: one scoring below the current
    // choice is passed over either way. Testing them last skips two object reads per task.
    const threads = p.threads
    const nThreads = threads.length
    if (nThreads === 1) {
      if ((threads[0] as Thread).mmReleased) continue
    } else if (nThreads > 1 && !anyThreadHoldsMm(threads)) continue
    if (skipFlags && (p.inVfork || mm.flags.oomSkip)) continue
    chosen = p
    chosenPoints = points
  }
  return finish(chosen, chosen?.pid ?? null, chosenPoints, totalPages, profile, null)
}

/** find_lock_task_mm() over several threads: some thread has not passed exit_mm. */
function anyThreadHoldsMm(threads: readonly Thread[]): boolean {
  for (let i = 0; i < threads.length; i++) if (!(threads[i] as Thread).mmReleased) return true
  return false
}

function rank(
  ranking: RankedTask[] | null,
  p: Process,
  comm: string,
  state: OomState,
  totalPages: number,
  profile: KernelProfile,
  extra?: { skip?: ScanSkip; origin?: boolean }
): void {
  if (ranking === null) return
  const badness = oomBadness(p, state, totalPages, profile)
  ranking.push(
    extra === undefined ? { pid: p.pid, comm, badness } : { pid: p.pid, comm, badness, ...extra }
  )
}

function finish(
  chosen: Process | null,
  chosenTid: number | null,
  points: number,
  totalPages: number,
  profile: KernelProfile,
  ranking: RankedTask[] | null
): SelectResult {
  // select_bad_process(), <= 5.2: chosen_points rescaled to 0..1000 for the sacrifice line.
  const scaledPoints =
    chosen === null
      ? 0
      : profile.select.scaleChosenPoints && profile.badness.form !== 'scaled1000'
        ? points === ORIGIN_POINTS
          ? originScaledPoints(totalPages, profile.kill.sacrificeScoreSigned === true)
          : Math.floor((points * 1000) / (totalPages > 0 ? totalPages : 1))
        : points
  return {
    chosen,
    chosenTid,
    aborted: false,
    points: chosen === null ? 0 : points,
    scaledPoints,
    ranking: ranking ?? []
  }
}

/**
 * The sacrifice line's score for an oom_task_origin() victim on <= 5.2 kernels: chosen_points is
 * ULONG_MAX, so `chosen_points * 1000` wraps modulo 2^64 to 2^64 - 1000 before the division by
 * totalpages, and the quotient is printed as a 32-bit int: "%u" (4.x) or "%d" (3.x, through an
 * unsigned int). select_bad_process() / mem_cgroup_out_of_memory(), 3.10–5.2.
 */
export function originScaledPoints(totalPages: number, signed: boolean): number {
  const total = BigInt(totalPages > 0 ? totalPages : 1)
  const wrapped = (BigInt(2) ** BigInt(64) - BigInt(1000)) / total
  return Number(signed ? BigInt.asIntN(32, wrapped) : BigInt.asUintN(32, wrapped))
}

function aborted(ranking: RankedTask[] | null, inFlightPid: number): SelectResult {
  return {
    chosen: null,
    chosenTid: null,
    aborted: true,
    inFlightPid,
    points: 0,
    scaledPoints: 0,
    ranking: ranking ?? []
  }
}

/** A process given without a thread list is scanned as its own single thread. */
const NO_THREAD_LIST: readonly (Thread | null)[] = [null]

/** oom_evaluate_task() over thread-group leaders (>= 4.9 structure). */
function scanProcesses(
  state: OomState,
  oc: OomControl,
  list: readonly Process[],
  current: Process | null,
  totalPages: number,
  profile: KernelProfile,
  ranking: RankedTask[] | null
): SelectResult {
  const signed = profile.badness.form === 'pagesSigned'
  const keepFirst = profile.select.tie !== 'lastWins'
  const mems = checksMems(oc, profile)
  const sysrq = oc.kind === 'sysrq'
  let chosen: Process | null = null
  // chosen_points starts at LONG_MIN (>= 5.9) or 0.
  let chosenPoints = signed ? INELIGIBLE : 0
  const index = denseMmIndex(state, list.length)
  for (let i = 0; i < list.length; i++) {
    const p = list[i] as Process
    // oom_evaluate_task(): unkillable tasks, then (non-memcg) cpuset/mempolicy eligibility.
    if (isUnkillableTask(p)) {
      if (ranking !== null) rank(ranking, p, p.comm, state, totalPages, profile)
      continue
    }
    if (mems && !cpusetEligible(p, state, oc.nodemask, current)) {
      if (ranking !== null) rank(ranking, p, p.comm, state, totalPages, profile, { skip: 'cpuset' })
      continue
    }
    // oom_evaluate_task(): an earlier victim still holding its mm aborts the scan (not sysrq).
    if (!sysrq && p.oomVictimMmId !== null) {
      const vmm = state.mms.get(p.oomVictimMmId)
      if (vmm === undefined || vmm.flags.oomSkip) {
        if (ranking !== null) {
          rank(ranking, p, p.comm, state, totalPages, profile, { skip: 'victim-oom-skip' })
        }
        continue
      }
      if (ranking !== null) rank(ranking, p, p.comm, state, totalPages, profile)
      return aborted(ranking, p.pid)
    }
    // oom_task_origin(): select with ULONG_MAX / LONG_MAX and keep scanning.
    if (p.oomOrigin) {
      if (ranking !== null) rank(ranking, p, p.comm, state, totalPages, profile, { origin: true })
      chosen = p
      chosenPoints = ORIGIN_POINTS
      continue
    }
    const mmId = p.mmId
    const mm = mmId === null ? undefined : index !== null ? index[mmId] : state.mms.get(mmId)
    const points = badnessPointsOf(p, mm, totalPages, profile)
    if (ranking !== null) rank(ranking, p, p.comm, state, totalPages, profile)
    if (points === INELIGIBLE || points < chosenPoints) continue
    // <= 5.2: a tie keeps the choice (leaders only, so "prefer leaders" means first wins).
    if (keepFirst && points === chosenPoints && chosen !== null) continue
    chosen = p
    chosenPoints = points
  }
  return finish(chosen, chosen?.pid ?? null, chosenPoints, totalPages, profile, ranking)
}

/**
 * select_bad_process() on an equal score: 'firstWins' (rhel6, 3.10–3.13: strict `points >
 * chosen_points`), 'keepLeader' (3.14–5.2: "Prefer thread group leaders for display purposes",
 * replaced only when the chosen thread is not a leader), 'lastWins' (>= 5.3).
 */
function keepsTie(
  tie: KernelProfile['select']['tie'],
  chosen: Process,
  chosenThread: Thread | null
): boolean {
  if (tie === 'firstWins') return true
  if (tie === 'lastWins') return false
  return chosenThread === null || chosenThread.tid === chosen.pid
}

/**
 * A PF_EXITING thread in the 3.x scan: the task will free memory soon, so the scan aborts unless
 * forced (sysrq); 2.6.32-642 select_bad_process() instead chooses current with 1000 points.
 */
function exitingVerdict(
  p: Process,
  t: Thread | null,
  current: Process | null,
  force: boolean,
  rhel6Exiting: boolean
): 'abort' | number | null {
  if (t === null || !t.exiting) return null
  if (rhel6Exiting && p === current) return 1000
  return force ? null : 'abort'
}

/** 3.x oom_scan_process_thread() + select_bad_process() over every thread. */
function scanThreads(
  state: OomState,
  oc: OomControl,
  list: readonly Process[],
  current: Process | null,
  totalPages: number,
  profile: KernelProfile,
  ranking: RankedTask[] | null
): SelectResult {
  const force = oc.kind === 'sysrq'
  const tie = profile.select.tie
  const rhel6Exiting = profile.outOfMemory.exitingCheck === 'fatalSignalOnly'
  const multiNode = state.nodes.length > 1
  const index = denseMmIndex(state, list.length)
  let chosen: Process | null = null
  let chosenThread: Thread | null = null
  let chosenPoints = 0
  for (let i = 0; i < list.length; i++) {
    const p = list[i] as Process
    const threads: readonly (Thread | null)[] = p.threads.length > 0 ? p.threads : NO_THREAD_LIST
    // oom_badness() is per thread group (find_lock_task_mm): computed once per process.
    let points: number | null = null
    for (let k = 0; k < threads.length; k++) {
      const t = threads[k] as Thread | null
      const comm = t?.comm ?? p.comm
      // oom_scan_process_thread(): zombies and unkillable tasks are passed over.
      if (isUnkillableTask(p) || (t !== null && t.mmReleased && t.exiting)) {
        if (ranking !== null) rank(ranking, p, comm, state, totalPages, profile)
        continue
      }
      if (multiNode && !cpusetEligible(p, state, oc.nodemask, current)) {
        if (ranking !== null) rank(ranking, p, comm, state, totalPages, profile, { skip: 'cpuset' })
        continue
      }
      // TIF_MEMDIE: a victim is already dying; abort unless forced (sysrq).
      if (p.memdie && !force) {
        if (ranking !== null) rank(ranking, p, comm, state, totalPages, profile)
        return aborted(ranking, p.pid)
      }
      if (p.mmId === null || (t !== null && t.mmReleased)) {
        if (ranking !== null) {
          rank(ranking, p, comm, state, totalPages, profile, { skip: 'no-mm-thread' })
        }
        continue
      }
      // oom_task_origin() (ULONG_MAX); PF_EXITING aborts, or (2.6.32-642) current gets 1000.
      const forced = p.oomOrigin
        ? ORIGIN_POINTS
        : exitingVerdict(p, t, current, force, rhel6Exiting)
      if (forced !== null) {
        if (ranking !== null) {
          rank(ranking, p, comm, state, totalPages, profile, p.oomOrigin ? { origin: true } : {})
        }
        if (forced === 'abort') return aborted(ranking, p.pid)
        chosen = p
        chosenThread = t
        chosenPoints = forced
        continue
      }
      const mm = index !== null ? index[p.mmId] : state.mms.get(p.mmId)
      points ??= badnessPointsOf(p, mm, totalPages, profile)
      if (ranking !== null) rank(ranking, p, comm, state, totalPages, profile)
      if (points === INELIGIBLE || points < chosenPoints) continue
      if (points === chosenPoints && chosen !== null && keepsTie(tie, chosen, chosenThread))
        continue
      chosen = p
      chosenThread = t
      chosenPoints = points
    }
  }
  const tid = chosen === null ? null : (chosenThread?.tid ?? chosen.pid)
  return finish(chosen, tid, chosenPoints, totalPages, profile, ranking)
}
