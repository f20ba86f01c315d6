/**
 * @module select_bad_process() / oom_evaluate_task() per profile: which task the OOM killer
 * chooses, the abort rule for victims still in flight, oom_task_origin, and the tie rules.
 *
 * The scan is allocation-free per task unless a ranking is requested.
 */
import type { OomControl, RankedTask, SelectResult } from './engine-types.ts'
import type { ScanSkip } from './events.ts'
import { badnessPointsOf, INELIGIBLE, isUnkillableTask, oomBadness } from './oom-badness.ts'
import { cpusetEligible, memcgScanOrder } from './oom-constraint.ts'
import type { KernelProfile } from './profiles.ts'
import { findTask } from './task-will-free-mem.ts'
import { VersionedMap } from './engine-versioned-map.ts'
import type { Mm, OomState, Process, Thread } from './types.ts'

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

/** Above this many processes the scan resolves mms through a dense index built per call. */
const DENSE_INDEX_MIN = 2048

/**
 * A dense array `index[mmId] = mm` for small integer ids (one Map walk, cache friendly), or null
 * when the ids are not suitable. Equivalent to `state.mms.get(id)` for every id.
 */
function denseMmIndex(state: OomState, count: number): (Mm | undefined)[] | null {
  if (count < DENSE_INDEX_MIN) return null
  const mms = state.mms
  if (mms instanceof VersionedMap) {
    const cached = indexCache.get(mms)
    if (cached !== undefined && cached.version === mms.version) return cached.index
    const index = buildDenseIndex(mms, count)
    if (index !== null) indexCache.set(mms, { version: mms.version, index })
    return index
  }
  return buildDenseIndex(mms, count)
}

/** Dense indexes of VersionedMaps, valid while the map's version is unchanged. */
const indexCache = new WeakMap<object, { version: number; index: (Mm | undefined)[] }>()

function buildDenseIndex(mms: Map<number, Mm>, count: number): (Mm | undefined)[] | null {
  // Grown in id order (V8 keeps it a flat array for dense ids); an id missing from the Map
  // reads as undefined, exactly as Map.get.
  const limit = 4 * (mms.size + count) + 65536
  const index: (Mm | undefined)[] = []
  let ok = true
  mms.forEach((mm, id) => {
    if (id >= 0 && id < limit && Number.isInteger(id)) index[id] = mm
    else ok = false
  })
  return ok ? index : null
}

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
  return profile.select.scan === 'threads'
    ? scanThreads(state, oc, list, current, totalPages, profile, ranking)
    : scanProcesses(state, oc, list, current, totalPages, profile, ranking)
}

function rank(
  ranking: RankedTask[] | null,
  p: Process,
  comm: string,
  state: OomState,
  totalPages: number,
  profile: KernelProfile,
  extra: { skip?: ScanSkip; origin?: boolean } = {}
): void {
  if (ranking === null) return
  ranking.push({ pid: p.pid, comm, badness: oomBadness(p, state, totalPages, profile), ...extra })
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
        ? Math.floor((points * 1000) / (totalPages > 0 ? totalPages : 1))
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
  const keepLeader = profile.select.tieKeepsLeader
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
    // <= 5.2: "Prefer thread group leaders for display purposes": a tie keeps the leader chosen.
    if (keepLeader && points === chosenPoints && chosen !== null) continue
    chosen = p
    chosenPoints = points
  }
  return finish(chosen, chosen?.pid ?? null, chosenPoints, totalPages, profile, ranking)
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
  let chosen: Process | null = null
  let chosenThread: Thread | null = null
  let chosenPoints = 0
  for (const p of list) {
    const threads: readonly (Thread | null)[] = p.threads.length > 0 ? p.threads : [null]
    for (const t of threads) {
      const comm = t?.comm ?? p.comm
      const noMm = p.mmId === null || (t !== null && t.mmReleased)
      // oom_scan_process_thread(): zombies and unkillable tasks are passed over.
      if (isUnkillableTask(p) || (t !== null && t.mmReleased && t.exiting)) {
        rank(ranking, p, comm, state, totalPages, profile)
        continue
      }
      if (!cpusetEligible(p, state, oc.nodemask, current)) {
        rank(ranking, p, comm, state, totalPages, profile, { skip: 'cpuset' })
        continue
      }
      // TIF_MEMDIE: a victim is already dying; abort unless forced (sysrq).
      if (p.memdie && !force) {
        rank(ranking, p, comm, state, totalPages, profile)
        return aborted(ranking, p.pid)
      }
      if (noMm) {
        rank(ranking, p, comm, state, totalPages, profile, { skip: 'no-mm-thread' })
        continue
      }
      if (p.oomOrigin) {
        rank(ranking, p, comm, state, totalPages, profile, { origin: true })
        chosen = p
        chosenThread = t
        chosenPoints = ORIGIN_POINTS
        continue
      }
      // PF_EXITING: the task will free memory soon; abort unless forced.
      if (t !== null && t.exiting && !force) {
        rank(ranking, p, comm, state, totalPages, profile)
        return aborted(ranking, p.pid)
      }
      const points = badnessPointsOf(
        p,
        p.mmId === null ? undefined : state.mms.get(p.mmId),
        totalPages,
        profile
      )
      rank(ranking, p, comm, state, totalPages, profile)
      if (points === INELIGIBLE || points < chosenPoints) continue
      // "Prefer thread group leaders for display purposes."
      if (points === chosenPoints && chosen !== null) {
        const leaderChosen = chosenThread === null || chosenThread.tid === chosen.pid
        if (leaderChosen) continue
      }
      chosen = p
      chosenThread = t
      chosenPoints = points
    }
  }
  const tid = chosen === null ? null : (chosenThread?.tid ?? chosen.pid)
  return finish(chosen, tid, chosenPoints, totalPages, profile, ranking)
}
