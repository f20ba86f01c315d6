/**
 * @module oom_badness() per kernel profile and the /proc/<pid>/oom_score value built on it.
 *
 * Units: pages throughout (PAGE_SIZE 4096), except where a name says bytes. The three forms
 * (`profile.badness.form`) follow mm/oom_kill.c:
 * - 'scaled1000' (2.6.36–3.4): 0..1000 points, CAP_SYS_ADMIN minus 30, clamp to 1..1000;
 * - 'pagesClamped' (3.5–5.8): pages plus adj*(totalpages/1000), result <= 0 becomes 1,
 *   0 means ineligible; optional 3% root bonus;
 * - 'pagesSigned' (>= 5.9, 5.4.195+): same sum without any clamp, LONG_MIN = ineligible.
 *
 * `badnessPoints()` is the allocation-free hot path used by the victim scan; `oomBadness()` is
 * the declared interface returning the parts as well.
 */
import type { KernelProfile } from './profiles.ts'
import type { Mm, OomState, Process, Thread } from './types.ts'
import { OOM_SCORE_ADJ_MIN, PAGE_SIZE } from './types.ts'
import { mmRssRead } from './mm/rss-stat.ts'

/** The terms of a badness score (pages; see the module note for 'scaled1000'). */
export interface BadnessParts {
  /** get_mm_rss: anon + file + shmem resident pages. */
  rss: number
  /** MM_SWAPENTS. */
  swap: number
  /** Page-table term: nr_ptes (3.x), nr_ptes + nr_pmds (4.0–4.14), pgtables_bytes/PAGE_SIZE. */
  pgtables: number
  /**
   * The oom_score_adj term actually added: adj * trunc(totalpages/1000) for the page forms,
   * the raw oom_score_adj (in points) for 'scaled1000'.
   */
  adj: number
  /** Amount subtracted for CAP_SYS_ADMIN (>= 0): 3% of the base (3.x–4.18) or 30 points. */
  rootBonus: number
}

/** Why a task scored as ineligible. */
export type IneligibleReason = 'unkillable' | 'no-mm' | 'adj-min' | 'oom-skip' | 'vfork'

/** The result of oom_badness(): ineligible with a reason, or eligible with points and parts. */
export type Badness =
  | { eligible: false; reason: IneligibleReason }
  | { eligible: true; points: number; parts: BadnessParts }

/** LONG_MIN as the >= 5.9 kernel returns it for ineligible tasks (as a JS number). */
export const LONG_MIN = -9223372036854775808

/**
 * find_lock_task_mm(): the first thread of `p` that still holds the process's mm, with the mm.
 * A process with no thread list is treated as its own single thread (the leader).
 * Returns null when no thread has an mm (kthread, zombie, every thread past exit_mm).
 */
export function findLockTaskMm(
  p: Process,
  state: OomState
): { tid: number; comm: string; mm: Mm } | null {
  if (p.mmId === null) return null
  const mm = state.mms.get(p.mmId)
  if (mm === undefined) return null
  const threads = p.threads
  if (threads.length === 0) return { tid: p.pid, comm: p.comm, mm }
  for (let i = 0; i < threads.length; i++) {
    const t = threads[i] as Thread
    if (!t.mmReleased) return { tid: t.tid, comm: t.comm, mm }
  }
  return null
}

/** The mm found by find_lock_task_mm(), without allocating (hot path). */
function lockedMm(p: Process, state: OomState): Mm | null {
  if (p.mmId === null) return null
  const mm = state.mms.get(p.mmId)
  if (mm === undefined) return null
  const threads = p.threads
  if (threads.length === 0) return mm
  for (let i = 0; i < threads.length; i++) {
    if (!(threads[i] as Thread).mmReleased) return mm
  }
  return null
}

/** is_global_init(): the init process of the initial pid namespace (tgid 1). */
export function isGlobalInit(p: Process): boolean {
  return p.pid === 1
}

/**
 * oom_unkillable_task() in its >= 5.3 form: global init or a kernel thread. The <= 5.2 memcg and
 * mems checks depend on the OOM context and live in the victim scan.
 */
export function isUnkillableTask(p: Process): boolean {
  return p.kthread || isGlobalInit(p)
}

/** get_mm_rss(): MM_ANONPAGES + MM_FILEPAGES + MM_SHMEMPAGES (pages) as get_mm_counter() reads
 * them (mm/rss-stat.ts). Before MM_SHMEMPAGES (< 4.5) shmem pages were counted as file pages,
 * which gives the same sum. */
export function mmRss(mm: Mm): number {
  return mmRssRead(mm)
}

/** nr_ptes as the 3.x/4.0–4.14 kernels count it: page-table pages, floor(pgtables_bytes/4096). */
export function mmNrPtes(mm: Mm): number {
  return Math.floor(mm.pgtablesBytes / PAGE_SIZE)
}

/** The page-table term of oom_badness() for the profile (pages). */
export function pgtableTerm(mm: Mm, profile: KernelProfile): number {
  switch (profile.badness.pgtableTerm) {
    case 'nrPtes':
      // oom_badness(), 3.x: + mm->nr_ptes
      return mmNrPtes(mm)
    case 'nrPtesPmds':
      // oom_badness(), 4.0–4.14: + nr_ptes + mm_nr_pmds(mm)
      return mmNrPtes(mm) + (mm.nrPmds ?? 0)
    case 'pgtablesBytes':
      // oom_badness(), >= 4.15: + mm_pgtables_bytes(mm) / PAGE_SIZE
      return Math.floor(mm.pgtablesBytes / PAGE_SIZE)
  }
}

/** Reason a task is ineligible before any arithmetic, or null when it can be scored. */
function ineligibleReason(
  p: Process,
  mm: Mm | null,
  profile: KernelProfile
): IneligibleReason | null {
  // oom_badness(): oom_unkillable_task() first, then find_lock_task_mm().
  if (isUnkillableTask(p)) return 'unkillable'
  if (mm === null) return 'no-mm'
  if (p.oomScoreAdj === OOM_SCORE_ADJ_MIN) return 'adj-min'
  if (profile.badness.skipOomSkipAndVfork) {
    // oom_badness(), >= 4.9: MMF_OOM_SKIP or in_vfork() also make a task ineligible.
    if (mm.flags.oomSkip) return 'oom-skip'
    if (p.inVfork) return 'vfork'
  }
  return null
}

/** Marker `badnessPoints()` returns for an ineligible task on every form. */
export const INELIGIBLE = Number.NEGATIVE_INFINITY

/**
 * Allocation-free oom_badness(): the points, or `INELIGIBLE` (-Infinity) when the kernel would
 * return 0 ('scaled1000'/'pagesClamped') or LONG_MIN ('pagesSigned').
 */
export function badnessPoints(
  p: Process,
  state: OomState,
  totalPages: number,
  profile: KernelProfile
): number {
  return badnessPointsOf(
    p,
    p.mmId === null ? undefined : state.mms.get(p.mmId),
    totalPages,
    profile
  )
}

/**
 * `badnessPoints()` with the process's mm already looked up (`state.mms.get(p.mmId)`, or
 * undefined): the scan's hot path, which resolves mms through a dense index.
 */
export function badnessPointsOf(
  p: Process,
  mmOfId: Mm | undefined,
  totalPages: number,
  profile: KernelProfile
): number {
  // oom_badness(): oom_unkillable_task(), then find_lock_task_mm().
  if (p.kthread || p.pid === 1 || mmOfId === undefined) return INELIGIBLE
  const threads = p.threads
  if (threads.length > 0) {
    let held = false
    for (let i = 0; i < threads.length; i++) {
      if (!(threads[i] as Thread).mmReleased) {
        held = true
        break
      }
    }
    if (!held) return INELIGIBLE
  }
  const mm = mmOfId
  if (p.oomScoreAdj === OOM_SCORE_ADJ_MIN) return INELIGIBLE
  const rules = profile.badness
  // oom_badness(), >= 4.9: MMF_OOM_SKIP or in_vfork() make a task ineligible.
  if (rules.skipOomSkipAndVfork && (mm.flags.oomSkip || p.inVfork)) return INELIGIBLE
  const base = mmRss(mm) + mm.swapEnts + pgtableTerm(mm, profile)
  if (rules.form === 'scaled1000') return scaled1000(base, p, totalPages, rules.rootBonus).points
  let points = base - rootBonusPages(rules.rootBonus, base, p.capSysAdmin, totalPages)
  // oom_badness(): adj *= totalpages / 1000, integer division first.
  points += p.oomScoreAdj * Math.trunc(totalPages / 1000)
  // oom_badness(), <= 5.8: an eligible task never scores <= 0; >= 5.9: no clamp.
  if (rules.form === 'pagesClamped' && points <= 0) return 1
  return points
}

/**
 * The CAP_SYS_ADMIN bonus in pages for the page forms of oom_badness():
 * 'adjMinus30' (3.10.0–3.10.28, 3.13.0: adj -= 30 before adj *= totalpages / 1000, so
 * 30 * trunc(totalpages / 1000) pages); 'threePercent' (3.14, 3.10.33+ stable – 4.18: 3% of the
 * task's own pages, "mm, oom: base root bonus on current usage"); otherwise none.
 */
export function rootBonusPages(
  rule: KernelProfile['badness']['rootBonus'],
  base: number,
  capSysAdmin: boolean,
  totalPages: number
): number {
  if (!capSysAdmin) return 0
  if (rule === 'threePercent') return Math.floor((base * 3) / 100)
  if (rule === 'adjMinus30') return 30 * Math.trunc(totalPages / 1000)
  return 0
}

/** The 2.6.36–3.4 form: 0..1000 points. */
function scaled1000(
  base: number,
  p: Process,
  totalPages: number,
  rootBonus: KernelProfile['badness']['rootBonus']
): { points: number; bonus: number } {
  // oom_badness(), 2.6.36: a zero totalpages is treated as 1.
  const total = totalPages > 0 ? totalPages : 1
  let points = Math.floor((base * 1000) / total)
  let bonus = 0
  if (p.capSysAdmin) {
    if (rootBonus === 'minus30') bonus = 30
    else if (rootBonus === 'threePercent') bonus = Math.floor((points * 3) / 100)
  }
  points -= bonus
  points += p.oomScoreAdj
  // oom_badness(), 2.6.36–3.4: clamp to 1..1000.
  if (points <= 0) points = 1
  else if (points > 1000) points = 1000
  return { points, bonus }
}

/**
 * oom_badness(p, totalpages) for the profile: eligibility with the kernel's reason, or the
 * points and their terms. `totalPages` is the OOM domain size in pages (see constrained_alloc).
 * For the page forms the points are pages; for 'scaled1000' they are 0..1000.
 */
export function oomBadness(
  p: Process,
  state: OomState,
  totalPages: number,
  profile: KernelProfile
): Badness {
  const mm = lockedMm(p, state)
  const reason = ineligibleReason(p, mm, profile)
  if (reason !== null || mm === null) return { eligible: false, reason: reason ?? 'no-mm' }
  const rules = profile.badness
  const rss = mmRss(mm)
  const swap = mm.swapEnts
  const pgtables = pgtableTerm(mm, profile)
  const base = rss + swap + pgtables
  if (rules.form === 'scaled1000') {
    const { points, bonus } = scaled1000(base, p, totalPages, rules.rootBonus)
    return {
      eligible: true,
      points,
      parts: { rss, swap, pgtables, adj: p.oomScoreAdj, rootBonus: bonus }
    }
  }
  const rootBonus = rootBonusPages(rules.rootBonus, base, p.capSysAdmin, totalPages)
  const adj = p.oomScoreAdj * Math.trunc(totalPages / 1000)
  let points = base - rootBonus + adj
  if (rules.form === 'pagesClamped' && points <= 0) points = 1
  return { eligible: true, points, parts: { rss, swap, pgtables, adj, rootBonus } }
}

/**
 * What /proc/<pid>/oom_score prints for the profile (proc_oom_score()). totalpages is always
 * totalram_pages + total_swap_pages, with no cpuset or memcg constraint.
 */
export function procOomScore(p: Process, state: OomState, profile: KernelProfile): number {
  const totalPages = state.totalRamPages + state.totalSwapPages
  return oomScoreOfPoints(badnessPoints(p, state, totalPages, profile), totalPages, profile)
}

/**
 * What /proc/<pid>/oom_score prints for badness `points` (INELIGIBLE when oom_badness() refused
 * the task) over the global `totalPages`: for callers that already have the points.
 */
export function oomScoreOfPoints(
  points: number,
  totalPages: number,
  profile: KernelProfile
): number {
  const eligible = points !== INELIGIBLE
  const total = totalPages > 0 ? totalPages : 1
  switch (profile.oomScore.form) {
    case 'badness':
      // proc_oom_score(), 2.6.36–3.4: the 0..1000 badness itself.
      return eligible ? points : 0
    case 'scaled':
      // proc_oom_score(), 3.5–5.8: badness * 1000 / totalpages, unsigned, 0 when ineligible.
      return eligible ? Math.floor((points * 1000) / total) : 0
    case 'signedTwoThirds': {
      // proc_oom_score(), >= 5.9: (1000 + badness*1000/(long)totalpages) * 2 / 3, C division
      // truncating toward zero; LONG_MIN prints 0.
      if (!eligible) return 0
      return Math.trunc(((1000 + Math.trunc((points * 1000) / total)) * 2) / 3) + 0
    }
  }
}
