/**
 * @module Victim choice: a pure ranking of candidate processes. By default the engine's
 * oom_badness() under the running kernel's profile (so the daemon agrees with the kernel unless a
 * rule says otherwise); or by RSS, swap or growth. Never self, init, kernel threads or
 * oom_score_adj -1000. In cgroup mode the worst cgroup is chosen first, then its largest process.
 */
import { oomBadness } from '../kernel/oom-badness.ts'
import type { Badness } from '../kernel/oom-badness.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import { makeMm, makeProcess, makeState } from '../kernel/state-builders.ts'
import { OOM_SCORE_ADJ_MIN, PAGE_SIZE } from '../kernel/types.ts'
import type { DaemonConfig } from './config-schema.ts'
import type { ProcReading } from './readings.ts'
import { rssKb } from './readings.ts'
import { applyRules } from './rules.ts'

/** Why a process is never chosen. */
export type Exclusion =
  | 'self'
  | 'init'
  | 'kthread'
  | 'adj-min'
  | 'ignored'
  | 'root-user'
  | 'no-mm'
  | 'unkillable'
  | 'oom-skip'
  | 'vfork'

/** One row of the ranking (what the journal records for every candidate). */
export interface RankedCandidate {
  pid: number
  comm: string
  user: string
  memcg: string
  startTime: number
  oomScoreAdj: number
  /** The sort key (pages for badness/rss/swap, kB/s for growth); null when excluded. */
  score: number | null
  excluded: Exclusion | null
  /** Engine badness (always computed, for the record). */
  badness: Badness
  rssKb: number
  swapKb: number
  /** RSS growth since the previous scan, kB/s (0 when unknown). */
  growthKbPerS: number
  /** prefer/avoid sum (oom_score_adj units) and the matching rules. */
  ruleAdjust: number
  rules: string[]
}

/** The result of a choice. */
export interface Choice {
  ranking: RankedCandidate[]
  victim: RankedCandidate | null
  /** In cgroup mode, the cgroup chosen first (memcg path). */
  cgroup: string | null
}

export interface ChooseInput {
  candidates: readonly ProcReading[]
  /** RSS (kB) per pid at an earlier scan, and when (ms), for growth. */
  previousRss: ReadonlyMap<number, { rssKb: number; timeMs: number; startTime: number }>
  nowMs: number
  choose: DaemonConfig['choose']
  profile: KernelProfile
  /** The OOM domain in pages, constrained_alloc()'s totalpages (badness-domain.ts): RAM + swap
   * (system) or mem_cgroup_get_max(), the memcg limit plus its swap allowance (cgroup trigger). */
  totalPages: number
  selfPid: number
  /** Sessions of the daemon's hooks (each hook leads its own): their processes are never victims. */
  ownSessions?: ReadonlySet<number>
}

const KB_PER_PAGE = PAGE_SIZE / 1024

/** The engine's view of one process (pages), for oomBadness(). */
function engineBadness(p: ProcReading, totalPages: number, profile: KernelProfile): Badness {
  const proc = makeProcess({
    pid: p.pid,
    comm: p.comm,
    ppid: p.ppid,
    uid: p.uid,
    kthread: p.kthread,
    capSysAdmin: p.capSysAdmin,
    oomScoreAdj: p.oomScoreAdj,
    // A zombie or a process past exit_mm has no mm left to score.
    mmId: p.kthread || p.state === 'Z' || p.state === 'X' ? null : p.pid
  })
  const file = Math.floor(p.rssFileKb / KB_PER_PAGE)
  const shmem = Math.floor(p.rssShmemKb / KB_PER_PAGE)
  // oom_badness() sums get_mm_rss(); /proc/<pid>/stat prints that counter, so when we have it the
  // anon term is what makes the sum match it.
  const anon =
    p.rssPages !== undefined
      ? Math.max(0, p.rssPages - file - shmem)
      : Math.floor(p.rssAnonKb / KB_PER_PAGE)
  const mm = makeMm({
    id: p.pid,
    anon,
    file,
    shmem,
    swapEnts: Math.floor(p.swapKb / KB_PER_PAGE),
    pgtablesBytes: p.pteKb * 1024
  })
  const state = makeState({ processes: [proc], mms: [mm] })
  return oomBadness(proc, state, totalPages, profile)
}

/**
 * The daemon's own processes among the candidates: itself, its descendants at any depth (a
 * hook's grandchild too), and whatever runs in a hook's session.
 */
export function ownProcesses(input: ChooseInput): Set<number> {
  const parent = new Map(input.candidates.map(p => [p.pid, p.ppid]))
  const own = new Set<number>()
  for (const p of input.candidates) {
    if (p.session !== undefined && input.ownSessions?.has(p.session)) own.add(p.pid)
    let pid = p.pid
    for (let depth = 0; depth < 64 && pid > 1; depth++) {
      if (pid === input.selfPid) {
        own.add(p.pid)
        break
      }
      const up = parent.get(pid) ?? (pid === p.pid ? p.ppid : undefined)
      if (up === undefined) break
      pid = up
    }
  }
  return own
}

/** Rank candidates best-victim-first; excluded rows last, in pid order. */
export function rankCandidates(input: ChooseInput): RankedCandidate[] {
  const { choose, totalPages, profile } = input
  const own = ownProcesses(input)
  const perMille = Math.trunc(totalPages / 1000)
  const rows: RankedCandidate[] = input.candidates.map(p => {
    const badness = engineBadness(p, totalPages, profile)
    const verdict = applyRules(choose.rules, p)
    const rss = rssKb(p)
    const before = input.previousRss.get(p.pid)
    const dtS =
      before && before.startTime === p.startTime ? (input.nowMs - before.timeMs) / 1000 : 0
    const growth = before && dtS > 0 ? (rss - before.rssKb) / dtS : 0
    let excluded: Exclusion | null = null
    // Never the daemon itself, nor its own helpers (hooks and all they start).
    if (p.pid === input.selfPid || p.ppid === input.selfPid || own.has(p.pid)) excluded = 'self'
    else if (p.pid === 1) excluded = 'init'
    else if (p.kthread) excluded = 'kthread'
    else if (p.oomScoreAdj === OOM_SCORE_ADJ_MIN) excluded = 'adj-min'
    else if (verdict.ignored) excluded = 'ignored'
    else if (choose.ignoreRootUser && p.uid === 0) excluded = 'root-user'
    else if (!badness.eligible) excluded = badness.reason === 'adj-min' ? 'adj-min' : badness.reason
    let score: number | null = null
    if (excluded === null) {
      const adjustPages = verdict.adjust * perMille
      switch (choose.sortBy) {
        case 'badness':
          score = (badness.eligible ? badness.points : 0) + adjustPages
          break
        case 'rss':
          score = Math.floor(rss / KB_PER_PAGE) + adjustPages
          break
        case 'swap':
          score = Math.floor(p.swapKb / KB_PER_PAGE) + adjustPages
          break
        case 'growth':
          // Growth is a rate: prefer/avoid order by tier, growth within a tier.
          score = Math.sign(verdict.adjust) * 1e15 + growth
          break
      }
    }
    return {
      pid: p.pid,
      comm: p.comm,
      user: p.user,
      memcg: p.memcg,
      startTime: p.startTime,
      oomScoreAdj: p.oomScoreAdj,
      score,
      excluded,
      badness,
      rssKb: rss,
      swapKb: p.swapKb,
      growthKbPerS: Math.round(growth),
      ruleAdjust: verdict.adjust,
      rules: verdict.matched
    }
  })
  return rows.sort((a, b) => {
    if (a.score === null || b.score === null)
      return a.score === null ? (b.score === null ? a.pid - b.pid : 1) : -1
    // Equal scores: the larger RSS, then the younger process (higher start time).
    return b.score - a.score || b.rssKb - a.rssKb || b.startTime - a.startTime
  })
}

/** Rank and pick. In cgroup mode: the worst memcg by total RSS (or growth), then its top process. */
export function chooseVictim(input: ChooseInput): Choice {
  const ranking = rankCandidates(input)
  const eligible = ranking.filter(r => r.score !== null)
  if (input.choose.mode !== 'cgroup') return { ranking, victim: eligible[0] ?? null, cgroup: null }
  const groups = new Map<string, number>()
  for (const r of eligible) {
    const key = input.choose.sortBy === 'growth' ? r.growthKbPerS : r.rssKb
    groups.set(r.memcg, (groups.get(r.memcg) ?? 0) + key)
  }
  let worst: string | null = null
  let worstValue = Number.NEGATIVE_INFINITY
  for (const [memcg, value] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (value > worstValue) {
      worst = memcg
      worstValue = value
    }
  }
  const inside = eligible
    .filter(r => r.memcg === worst)
    .sort((a, b) => b.rssKb - a.rssKb || b.startTime - a.startTime)
  return { ranking, victim: inside[0] ?? null, cgroup: worst }
}
