/**
 * @module Who the kernel would kill on this host now: every process scored with the engine's
 * oom_badness() under the running kernel's profile, its predicted /proc oom_score next to the
 * kernel's own, the global victim, and the victim of each memory cgroup that has a limit.
 *
 * Units: pages for memory (PAGE_SIZE 4096), points as the profile's oom_badness() returns them.
 */
import type { Badness } from '../kernel/oom-badness.ts'
import { INELIGIBLE, oomBadness, oomScoreOfPoints } from '../kernel/oom-badness.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import { findProfile, profileForRelease, profiles } from '../kernel/profiles.ts'
import type { OomControl } from '../kernel/oom-control.ts'
import { memcgMax } from '../kernel/oom-constraint.ts'
import { scanList, selectBadProcess } from '../kernel/oom-select.ts'
import type { OomState, Process } from '../kernel/types.ts'
import { buildOomState } from './host-state.ts'
import type { HostReading, ProcessSample } from './scan.ts'

/** One process in the ranking. */
export interface RankedProcess {
  pid: number
  comm: string
  user: string
  uid: number
  state: string
  kthread: boolean
  memcg: string
  /** get_mm_rss, MM_SWAPENTS and the page-table term (pages). */
  rssPages: number
  swapPages: number
  pgtablesPages: number
  oomScoreAdj: number
  /** oom_badness() for a global OOM (totalpages = RAM + swap). */
  badness: Badness
  /** The points, null when ineligible. */
  points: number | null
  predictedOomScore: number
  kernelOomScore: number | null
  /** Killed first in a global OOM. */
  globalVictim: boolean
  /** Limited memory cgroups (own or ancestor) in which this process is the next victim. */
  victimIn: string[]
}

/** The pick of one OOM domain. */
export interface Verdict {
  /** totalpages of the domain (pages). */
  totalPages: number
  victim: { pid: number; comm: string; points: number } | null
  /** Eligible candidates in the domain. */
  candidates: number
}

/** A memory cgroup with a limit, and who its OOM would kill. */
export interface CgroupVerdict extends Verdict {
  path: string
  limitPages: number
  usagePages: number
  /** limit - usage (pages, may be negative while reclaim catches up). */
  headroomPages: number
  swapLimitPages: number | null
  oomKillDisable: boolean
  oomGroup: boolean
  oomKills: number
}

/** The whole answer of `oomkit scores`. */
export interface Ranking {
  profile: string
  release: string | null
  ramPages: number
  swapPages: number
  /** Processes, highest badness first (ineligible last, by pid). */
  processes: RankedProcess[]
  global: Verdict & {
    /**
     * What a global OOM would do: kill the victim, panic (vm.panic_on_oom != 0; 1 still kills
     * for cpuset/mempolicy/memcg-constrained OOMs), or kill whichever task is allocating
     * (vm.oom_kill_allocating_task, when that task is eligible).
     */
    action: 'kill' | 'panic' | 'kill-allocating-task'
  }
  cgroups: CgroupVerdict[]
  /** Host context: MemAvailable (kB), PSI memory avg10 (%), /proc/vmstat oom_kill. */
  memAvailableKb: number | null
  psiSomeAvg10: number | null
  psiFullAvg10: number | null
  vmOomKill: number
  vanished: number[]
}

/**
 * The profile for a reading: `override` (a profile name or release) when given, else from
 * uname -r; null when the override names nothing.
 */
export function chooseProfile(reading: HostReading, override?: string): KernelProfile | null {
  if (override !== undefined) return findProfile(override) ?? null
  if (reading.release !== null) return profileForRelease(reading.release)
  return profiles['6.18'] ?? null
}

/** Is `path` the group `root` or below it? */
export function inSubtree(path: string, root: string): boolean {
  if (root === '/' || root === '') return true
  return path === root || path.startsWith(root + '/')
}

/**
 * select_bad_process() over one OOM domain (the engine's scan, processes in task-list order, or
 * the memcg subtree for a memcg OOM), with an allocation from no particular task. `eligible`
 * (oom_badness() eligibility by process, which does not depend on totalpages) lets a scan over
 * processes run without its per-task ranking: the candidates are then counted from it.
 */
export function pickVictim(
  state: OomState,
  memcg: string | null,
  totalPages: number,
  profile: KernelProfile,
  eligible?: ReadonlySet<Process>
): Verdict {
  const oc: OomControl = {
    kind: memcg === null ? 'global' : 'memcg',
    memcg,
    gfpMask: 0,
    order: 0,
    nodemask: null,
    currentPid: null
  }
  const byProcess = eligible !== undefined && profile.select.scan !== 'threads'
  let r = selectBadProcess(state, oc, totalPages, profile, { ranking: !byProcess })
  // An aborted scan ranks only the tasks up to the victim in flight: counted from its ranking.
  if (byProcess && r.aborted) r = selectBadProcess(state, oc, totalPages, profile)
  let candidates = 0
  if (byProcess && !r.aborted) {
    // One ranking entry per process of the domain (select_bad_process() over thread groups).
    for (const p of scanList(state, oc)) if (eligible.has(p)) candidates++
  } else candidates = r.ranking.filter(t => t.badness.eligible).length
  return {
    totalPages,
    victim:
      r.chosen && !r.aborted ? { pid: r.chosen.pid, comm: r.chosen.comm, points: r.points } : null,
    candidates
  }
}

/**
 * What an unconstrained OOM does on this host: check_panic_on_oom() panics for panic_on_oom 2,
 * and for 1 when the OOM is not constrained; out_of_memory() kills current first when
 * oom_kill_allocating_task is set.
 */
export function globalAction(state: OomState): Ranking['global']['action'] {
  if (state.sysctl.panicOnOom !== 0) return 'panic'
  if (state.sysctl.oomKillAllocatingTask) return 'kill-allocating-task'
  return 'kill'
}

/** Options for `rankHost`. */
export interface RankOptions {
  /** Only processes in this memory cgroup subtree (and only cgroups in it). */
  cgroup?: string
}

/** Score every process of a reading under `profile`. */
export function rankHost(
  reading: HostReading,
  profile: KernelProfile,
  options: RankOptions = {}
): Ranking {
  const state = buildOomState(reading)
  return rankState(state, reading, profile, options)
}

/** oom_badness() of every process for a global OOM: the ranking's scores and who is eligible. */
function globalBadness(
  state: OomState,
  totalPages: number,
  profile: KernelProfile
): { badness: Map<Process, Badness>; eligible: Set<Process> } {
  const badness = new Map<Process, Badness>()
  const eligible = new Set<Process>()
  for (const p of state.processes) {
    const b = oomBadness(p, state, totalPages, profile)
    badness.set(p, b)
    if (b.eligible) eligible.add(p)
  }
  return { badness, eligible }
}

/** `rankHost` on an already built state (the state's process order = the reading's). */
export function rankState(
  state: OomState,
  reading: HostReading,
  profile: KernelProfile,
  options: RankOptions = {}
): Ranking {
  const scope = options.cgroup ?? '/'
  const totalPages = state.totalRamPages + state.totalSwapPages
  const { badness, eligible } = globalBadness(state, totalPages, profile)
  const global = pickVictim(state, null, totalPages, profile, eligible)
  const cgroups: CgroupVerdict[] = []
  const victimIn = new Map<number, string[]>()
  for (const m of state.memcgs.values()) {
    if (m.limit === null || !inSubtree(m.path, scope)) continue
    // constrained_alloc(): a memcg OOM's totalpages is mem_cgroup_get_max() ?: 1.
    const domain = memcgMax(state, m) || 1
    const v = pickVictim(state, m.path, domain, profile, eligible)
    if (v.victim) victimIn.set(v.victim.pid, [...(victimIn.get(v.victim.pid) ?? []), m.path])
    cgroups.push({
      ...v,
      path: m.path,
      limitPages: m.limit,
      usagePages: m.usage,
      headroomPages: m.limit - m.usage,
      swapLimitPages: m.swapLimit,
      oomKillDisable: m.oomKillDisable,
      oomGroup: m.oomGroup,
      oomKills: m.events.oom_kill
    })
  }
  const samples = new Map<number, ProcessSample>(reading.processes.map(s => [s.pid, s]))
  const ranked: RankedProcess[] = []
  for (const p of state.processes) {
    if (!inSubtree(p.memcg, scope)) continue
    const s = samples.get(p.pid)
    const b = badness.get(p) ?? oomBadness(p, state, totalPages, profile)
    const mm = p.mmId === null ? undefined : state.mms.get(p.mmId)
    ranked.push({
      pid: p.pid,
      comm: p.comm,
      user: reading.users.get(p.uid) ?? String(p.uid),
      uid: p.uid,
      state: s?.state ?? '?',
      kthread: p.kthread,
      memcg: p.memcg,
      rssPages: mm ? mm.anon + mm.file + mm.shmem : 0,
      swapPages: mm?.swapEnts ?? 0,
      pgtablesPages: b.eligible ? b.parts.pgtables : mm ? Math.floor(mm.pgtablesBytes / 4096) : 0,
      oomScoreAdj: p.oomScoreAdj,
      badness: b,
      points: b.eligible ? b.points : null,
      // The same global oom_badness() as proc_oom_score() takes: its points, not a second pass.
      predictedOomScore: oomScoreOfPoints(b.eligible ? b.points : INELIGIBLE, totalPages, profile),
      kernelOomScore: s?.kernelOomScore ?? null,
      globalVictim: global.victim?.pid === p.pid,
      victimIn: victimIn.get(p.pid) ?? []
    })
  }
  ranked.sort((a, b) => {
    if (a.points === null || b.points === null) {
      if (a.points !== b.points) return a.points === null ? 1 : -1
      return a.pid - b.pid
    }
    return b.points - a.points || a.pid - b.pid
  })
  return {
    profile: profile.name,
    release: reading.release,
    ramPages: state.totalRamPages,
    swapPages: state.totalSwapPages,
    processes: ranked,
    global: { ...global, action: globalAction(state) },
    cgroups,
    memAvailableKb: reading.meminfo.MemAvailable ?? null,
    psiSomeAvg10: reading.psi?.some.avg10 ?? null,
    psiFullAvg10: reading.psi?.full?.avg10 ?? null,
    vmOomKill: state.vmOomKill,
    vanished: reading.vanished
  }
}
