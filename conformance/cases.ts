/**
 * @module Conformance cases: a seeded generator (sizes, counts, oom_score_adj values, which hog
 * grows, thread/fork/shared/CLONE_VM shapes) and hand-written cases for the corners (ties,
 * adj 1000, adj 999 against a larger RSS, limits under 1000 pages where the adj term vanishes,
 * multi-threaded victims, shared mm, forked children, shared memory).
 *
 * Sizes are KiB. A case is a pure value: `caseForSeed(seed)` always returns the same case, so a
 * disagreement can be replayed alone with `npm run conformance -- --seed N`.
 */
import { seededCases } from './seeded-cases.ts'
import type { HogShape } from './hog-process.ts'
import { makeRng, type Rng } from './prng.ts'

/** One hog in a case: its shape plus the oom_score_adj values the harness writes after ready. */
export interface HogSpec extends HogShape {
  /** oom_score_adj of the hog (0..1000: this machine cannot lower it below 0). */
  adj: number
  /** oom_score_adj for each forked child (defaults to the parent's, inherited). */
  childAdj: number[]
  /** Set through the legacy /proc/<pid>/oom_adj (-16..15) instead of `adj`. */
  oomAdj?: number
  /** SIGSTOPped once ready (state T through the OOM). */
  stopped?: boolean
  /** The sub-group of the case cgroup it runs in (`CaseSpec.groups`), else the case cgroup. */
  group?: string
}

/** A cgroup below the case cgroup (path relative to it, parents listed first). */
export interface SubGroupSpec {
  path: string
  /** Its own limit in KiB, if any. */
  limitKb?: number
}

/** A whole case. */
export interface CaseSpec {
  seed: number
  /** 'generated' or the hand-written case's label. */
  label: string
  /** memory.limit_in_bytes / memory.max in KiB. */
  limitKb: number
  hogs: HogSpec[]
  /** Index of the hog that grows until the kernel OOM-kills. */
  grower: number
  /** Growth step in KiB. */
  stepKb: number
  /** Stop after this many kills even if the grower survives. */
  maxKills: number
  /** Needs a cgroup v2 memory controller (memory.oom.group, memory.events). */
  cgroupVersion?: 2
  /** v2 memory.oom.group. */
  oomGroup?: boolean
  /** The generator kind (`--kind`), absent for the mixed generator and hand-written cases. */
  kind?: string
  /** Sub-groups of the case cgroup (a hierarchy; the limit above stays on the case cgroup). */
  groups?: SubGroupSpec[]
  /** v1 memory.oom_control oom_kill_disable set before the growth, cleared once the grower
   * stalls under OOM (conformance/oom-kill-disable.ts). */
  oomKillDisable?: boolean
}

/** First seed of the hand-written cases (generated cases use seeds below it). */
export const HAND_WRITTEN_BASE = 9001

/** Rough memory a hog charges to its cgroup besides its sizes (KiB): anon baseline, page tables,
 * kernel stack. Used to keep every case's baseline well below its limit. */
const PROCESS_OVERHEAD_KB = 420
const THREAD_OVERHEAD_KB = 90

export function hog(
  name: string,
  privateKb: number,
  adj = 0,
  extra: Partial<HogSpec> = {}
): HogSpec {
  return {
    name,
    privateKb,
    sharedKb: 0,
    forks: 0,
    childKb: 0,
    threads: 0,
    cloneVm: false,
    adj,
    childAdj: [],
    ...extra
  }
}

/** Memory the case charges before any growth (KiB, estimated). */
export function baselineKb(c: CaseSpec): number {
  let kb = 0
  for (const h of c.hogs) {
    const procs = 1 + h.forks + (h.cloneVm ? 1 : 0)
    kb += h.privateKb + h.sharedKb + h.forks * h.childKb
    kb += procs * PROCESS_OVERHEAD_KB + h.threads * THREAD_OVERHEAD_KB
  }
  return kb
}

export const round4 = (kb: number): number => Math.max(4, Math.round(kb / 4) * 4)

/** A size of lo..hi percent of `limitKb` (drawn from `rng`), rounded to whole pages. */
export function percentOfLimit(rng: Rng, limitKb: number, lo: number, hi: number): number {
  return round4((limitKb * rng.int(lo, hi)) / 100)
}

/**
 * A kind case: `hogs` plus a small grower (the last hog, `<prefix>g<seed % 100>`, in sub-group
 * `group` if given) that grows until the kernel kills. Draws the grower's size, then its step.
 */
export function withGrower(
  seed: number,
  kind: string,
  limitKb: number,
  hogs: HogSpec[],
  rng: Rng,
  opts: { prefix?: string; group?: string | undefined } = {}
): CaseSpec {
  const grower = hog(`${opts.prefix ?? kind.slice(0, 4)}g${seed % 100}`, round4(rng.int(256, 1024)))
  if (opts.group !== undefined) grower.group = opts.group
  hogs.push(grower)
  return {
    seed,
    label: kind,
    kind,
    limitKb,
    hogs,
    grower: hogs.length - 1,
    stepKb: round4(rng.int(128, 512)),
    maxKills: hogs.length
  }
}

/** A generated case for `seed`. */
export function generateCase(seed: number): CaseSpec {
  const rng = makeRng(seed * 2654435761)
  const kind = rng.next()
  // Limits: mostly 16–64 MiB, some 64–128 MiB, some under 1000 pages (< 4000 KiB).
  const tiny = kind < 0.15
  const limitKb = tiny
    ? rng.int(700, 980) * 4
    : kind < 0.3
      ? rng.int(64, 128) * 1024
      : rng.int(16, 64) * 1024
  const n = tiny ? rng.int(1, 3) : rng.int(1, 4)
  const hogs: HogSpec[] = []
  for (let i = 0; i < n; i++) {
    const adj = rng.chance(0.4) ? 0 : rng.chance(0.15) ? 1000 : rng.int(0, 1000)
    const h = hog(
      `hog${seed % 1000}_${i}`.slice(0, 12),
      round4(limitKb * (0.04 + rng.next() * 0.2)),
      adj
    )
    const shape = rng.next()
    if (shape < 0.15) h.threads = rng.int(1, 4)
    else if (shape < 0.3) {
      h.forks = rng.int(1, 2)
      h.childKb = round4(limitKb * rng.next() * 0.08)
      h.childAdj = Array.from({ length: h.forks }, () => (rng.chance(0.5) ? adj : rng.int(0, 1000)))
    } else if (shape < 0.4) {
      h.forks = 1
      h.sharedKb = round4(limitKb * rng.next() * 0.08)
      h.childKb = round4(limitKb * rng.next() * 0.04)
      h.childAdj = [adj]
    } else if (shape < 0.48 && !tiny) h.cloneVm = true
    hogs.push(h)
  }
  const c: CaseSpec = {
    seed,
    label: 'generated',
    limitKb,
    hogs,
    grower: rng.int(0, n - 1),
    stepKb: tiny ? 64 : round4(Math.min(2048, Math.max(256, limitKb / 48))),
    maxKills: 4
  }
  // Keep the baseline under 70% of the limit: shrink every size until it fits.
  while (baselineKb(c) > limitKb * 0.7) {
    for (const h of c.hogs) {
      h.privateKb = round4(h.privateKb * 0.7)
      h.childKb = h.childKb > 0 ? round4(h.childKb * 0.7) : 0
      h.sharedKb = h.sharedKb > 0 ? round4(h.sharedKb * 0.7) : 0
    }
    if (c.hogs.every(h => h.privateKb <= 4 && h.childKb <= 4 && h.sharedKb <= 4)) {
      c.hogs.splice(1)
      c.hogs[0]!.forks = 0
      c.hogs[0]!.threads = 0
      c.hogs[0]!.cloneVm = false
      c.hogs[0]!.sharedKb = 0
      c.hogs[0]!.childAdj = []
      c.grower = 0
      break
    }
  }
  return c
}

const MiB = 1024

/** The hand-written cases, seeds HAND_WRITTEN_BASE, HAND_WRITTEN_BASE + 1, ... */
export const handWritten: readonly Omit<CaseSpec, 'seed'>[] = [
  {
    // Two equal hogs, a small grower: on 6.18 the tie goes to the last one scanned (tieB).
    label: 'tie-equal-rss',
    limitKb: 32 * MiB,
    hogs: [hog('tieA', 13 * MiB), hog('tieB', 13 * MiB), hog('tieGrow', 256)],
    grower: 2,
    stepKb: 256,
    maxKills: 3
  },
  {
    // Three equal hogs with the same non-zero adj.
    label: 'tie-equal-adj',
    limitKb: 48 * MiB,
    hogs: [
      hog('tadjA', 12 * MiB, 300),
      hog('tadjB', 12 * MiB, 300),
      hog('tadjC', 12 * MiB, 300),
      hog('tadjG', 256)
    ],
    grower: 3,
    stepKb: 256,
    maxKills: 4
  },
  {
    // adj 1000 on a small hog beats a large hog with adj 0.
    label: 'adj-1000',
    limitKb: 48 * MiB,
    hogs: [hog('big0', 30 * MiB), hog('small1000', 2 * MiB, 1000), hog('grow0', 512)],
    grower: 2,
    stepKb: 512,
    maxKills: 3
  },
  {
    // adj 999 with 2 MiB more RSS than adj 1000: the unit is limit/1000 = 16 pages (64 KiB), so
    // the larger adj-999 hog wins.
    label: 'adj-999-larger-rss',
    limitKb: 64 * MiB,
    hogs: [hog('a999', 8 * MiB, 999), hog('a1000', 6 * MiB, 1000), hog('agrow', 512)],
    grower: 2,
    stepKb: 512,
    maxKills: 3
  },
  {
    // adj 999 and adj 1000 with equal RSS: one adj unit (16 pages) decides for adj 1000.
    label: 'adj-999-equal-rss',
    limitKb: 64 * MiB,
    hogs: [hog('b1000', 8 * MiB, 1000), hog('b999', 8 * MiB, 999), hog('bgrow', 512)],
    grower: 2,
    stepKb: 512,
    maxKills: 3
  },
  {
    // Limit under 1000 pages: totalpages/1000 = 0, so adj 1000 adds nothing and the larger RSS
    // (adj 0) is killed first while the adj-1000 hog grows.
    label: 'tiny-limit-adj-vanishes',
    limitKb: 900 * 4,
    hogs: [hog('tinyA', 64, 1000), hog('tinyB', 1800, 0)],
    grower: 0,
    stepKb: 64,
    maxKills: 3
  },
  {
    // A multi-threaded victim: one row per process, killed as a whole.
    label: 'threads-victim',
    limitKb: 24 * MiB,
    hogs: [hog('thr', 16 * MiB, 0, { threads: 6 }), hog('thrgrow', 1 * MiB)],
    grower: 1,
    stepKb: 512,
    maxKills: 3
  },
  {
    // CLONE_VM: two processes share one mm (MMF_MULTIPROCESS); killing one kills both.
    label: 'clone-vm-shared-mm',
    limitKb: 26 * MiB,
    hogs: [hog('vmA', 18 * MiB, 0, { cloneVm: true }), hog('vmgrow', 1 * MiB)],
    grower: 1,
    stepKb: 512,
    maxKills: 3
  },
  {
    // Forked children: their RSS includes the parent's copy-on-write pages.
    label: 'forked-children',
    limitKb: 26 * MiB,
    hogs: [
      hog('par', 8 * MiB, 0, { forks: 2, childKb: 6 * MiB, childAdj: [0, 200] }),
      hog('fgrow', 1 * MiB)
    ],
    grower: 1,
    stepKb: 512,
    maxKills: 4
  },
  {
    // Shared anonymous memory (shmem) mapped by a parent and its child.
    label: 'shared-shmem',
    limitKb: 22 * MiB,
    hogs: [
      hog('shm', 2 * MiB, 0, { sharedKb: 12 * MiB, forks: 1, childKb: 1 * MiB, childAdj: [0] }),
      hog('shmgrow', 1 * MiB)
    ],
    grower: 1,
    stepKb: 512,
    maxKills: 3
  },
  {
    // The grower is the biggest and is killed itself.
    label: 'grower-killed',
    limitKb: 24 * MiB,
    hogs: [hog('quiet', 4 * MiB), hog('hungry', 8 * MiB)],
    grower: 1,
    stepKb: 1 * MiB,
    maxKills: 2
  },
  {
    // cgroup v2 with memory.oom.group: the whole cgroup is killed (only where v2 memory exists).
    label: 'v2-oom-group',
    limitKb: 32 * MiB,
    hogs: [hog('grpA', 8 * MiB), hog('grpB', 4 * MiB), hog('grpG', 512)],
    grower: 2,
    stepKb: 512,
    maxKills: 3,
    cgroupVersion: 2,
    oomGroup: true
  }
]

const cases = seededCases(generateCase, handWritten, HAND_WRITTEN_BASE)

/** The case for a seed: a hand-written one in its range, else a generated one. */
export const caseForSeed = cases.caseForSeed

/** The default run: `count` generated cases (seeds first..first+count-1, default 1..count) and
 * every hand-written case. */
export const defaultCases = cases.defaultCases
