/**
 * @module The QEMU guest's cases: cgroup v2 `memory.max` (the host generator's cases with some
 * negative oom_score_adj, which the guest can set), nested limits, `memory.oom.group`,
 * `memory.high` below `memory.max`, global OOMs (hogs with adj from -1000 to 1000, several kills,
 * `oom_kill_allocating_task`, an mlocked victim the reaper must reap, `panic_on_oom`), and
 * cgroup v1 mounted in the guest. A case is a pure value of its seed.
 */
import { seededCases } from '../seeded-cases.ts'
import { generateCase, type HogSpec } from '../cases.ts'
import { makeRng } from '../prng.ts'

/** What a case exercises. */
export type GuestKind =
  | 'v2'
  | 'v2-nested'
  | 'v2-group'
  | 'v2-high'
  | 'global'
  | 'global-alloc'
  | 'global-mlock'
  | 'global-panic'
  | 'v1'

/** A cgroup the case creates (path below the hierarchy root, parents first). */
export interface GuestCgroup {
  path: string
  maxKb?: number
  highKb?: number
  oomGroup?: boolean
}

/** One hog and the cgroup it runs in ('/' = the root). */
export interface GuestHog extends HogSpec {
  cgroup: string
  mlock?: boolean
}

/** A whole guest case. */
export interface GuestCase {
  seed: number
  label: string
  kind: GuestKind
  cgroups: GuestCgroup[]
  hogs: GuestHog[]
  grower: number
  stepKb: number
  maxKills: number
  /** The cgroup whose memory.events oom_kill counts the case's kills (null: /proc/vmstat). */
  counterCgroup: string | null
}

/** First seed of the hand-written guest cases. */
export const GUEST_HAND_WRITTEN_BASE = 9101

const MiB = 1024

function hog(
  name: string,
  privateKb: number,
  adj: number,
  cgroup: string,
  extra: Partial<GuestHog> = {}
): GuestHog {
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
    cgroup,
    ...extra
  }
}

/** A generated v2 memory.max case: the host's generated case, some adj values negative. */
function v2Case(seed: number): GuestCase {
  const c = generateCase(seed)
  const rng = makeRng(seed * 7919 + 1)
  const hogs = c.hogs.map(h => {
    const adj = rng.chance(0.25) ? -rng.int(1, 1000) : h.adj
    return { ...h, adj, childAdj: h.childAdj.map(a => (a === h.adj ? adj : a)), cgroup: '/case' }
  })
  return {
    seed,
    label: 'v2-generated',
    kind: 'v2',
    cgroups: [{ path: '/case', maxKb: c.limitKb }],
    hogs,
    grower: c.grower,
    stepKb: c.stepKb,
    maxKills: Math.min(c.maxKills, 3),
    counterCgroup: '/case'
  }
}

/** A generated global OOM: 2..5 hogs in the root cgroup, adj -1000..1000. */
function globalCase(seed: number): GuestCase {
  const rng = makeRng(seed * 104729 + 3)
  const n = rng.int(2, 5)
  const hogs: GuestHog[] = []
  for (let i = 0; i < n; i++) {
    const r = rng.next()
    const adj = r < 0.3 ? 0 : r < 0.4 ? -1000 : r < 0.5 ? 1000 : rng.int(-1000, 1000)
    const kb = rng.int(4, 40) * MiB
    const extra: Partial<GuestHog> = {}
    const shape = rng.next()
    if (shape < 0.15) extra.threads = rng.int(1, 3)
    else if (shape < 0.25) {
      extra.forks = 1
      extra.childKb = rng.int(1, 8) * MiB
      extra.childAdj = [rng.chance(0.5) ? adj : rng.int(-500, 1000)]
    }
    hogs.push(hog(`g${seed % 100}_${i}`, kb, adj, '/', extra))
  }
  hogs.push(hog(`g${seed % 100}grow`, 1 * MiB, rng.int(-200, 200), '/'))
  return {
    seed,
    label: 'global-generated',
    kind: 'global',
    cgroups: [],
    hogs,
    grower: hogs.length - 1,
    stepKb: 4 * MiB,
    maxKills: rng.int(1, 3),
    counterCgroup: null
  }
}

/** A generated oom.group case: two leaves under a group parent. */
function groupCase(seed: number): GuestCase {
  const rng = makeRng(seed * 31337 + 5)
  const limit = rng.int(24, 64) * MiB
  const hogs = [
    hog(`q${seed % 100}a`, Math.round(limit * 0.25), rng.int(-500, 1000), '/grp/a', {
      forks: rng.int(0, 2),
      childKb: 1 * MiB
    }),
    hog(`q${seed % 100}b`, Math.round(limit * 0.2), rng.int(0, 1000), '/grp/b', {
      threads: rng.int(0, 2)
    }),
    hog(`q${seed % 100}g`, 512, 0, '/grp/b')
  ]
  for (const h of hogs) h.childAdj = Array.from({ length: h.forks }, () => h.adj)
  return {
    seed,
    label: 'v2-group-generated',
    kind: 'v2-group',
    cgroups: [
      { path: '/grp', maxKb: limit, oomGroup: true },
      { path: '/grp/a', oomGroup: true },
      { path: '/grp/b', oomGroup: rng.chance(0.5) }
    ],
    hogs,
    grower: 2,
    stepKb: 1 * MiB,
    maxKills: 1,
    counterCgroup: '/grp'
  }
}

/** The generated case for a seed: kinds rotate so every run covers v2, global and oom.group. */
export function generateGuestCase(seed: number): GuestCase {
  const k = seed % 5
  if (k === 1 || k === 3) return v2Case(seed)
  if (k === 2 || k === 4) return globalCase(seed)
  return groupCase(seed)
}

/** The hand-written guest cases, seeds GUEST_HAND_WRITTEN_BASE, +1, ... */
export const guestHandWritten: readonly Omit<GuestCase, 'seed'>[] = [
  {
    // Nested limits: the inner limit is hit first, the report names the inner memcg.
    label: 'v2-nested-inner',
    kind: 'v2-nested',
    cgroups: [
      { path: '/outer', maxKb: 64 * MiB },
      { path: '/outer/inner', maxKb: 24 * MiB },
      { path: '/outer/side' }
    ],
    hogs: [
      hog('nOut', 20 * MiB, 0, '/outer/side'),
      hog('nIn', 12 * MiB, 300, '/outer/inner'),
      hog('nGrow', 512, -300, '/outer/inner')
    ],
    grower: 2,
    stepKb: 1 * MiB,
    maxKills: 2,
    counterCgroup: '/outer'
  },
  {
    // Nested limits: the outer limit is hit while both inner groups are under their own.
    label: 'v2-nested-outer',
    kind: 'v2-nested',
    cgroups: [
      { path: '/outer', maxKb: 40 * MiB },
      { path: '/outer/a', maxKb: 32 * MiB },
      { path: '/outer/b', maxKb: 32 * MiB }
    ],
    hogs: [
      hog('oA', 16 * MiB, 100, '/outer/a'),
      hog('oB', 14 * MiB, 200, '/outer/b'),
      hog('oGrow', 512, 0, '/outer/b')
    ],
    grower: 2,
    stepKb: 1 * MiB,
    maxKills: 2,
    counterCgroup: '/outer'
  },
  {
    // memory.oom.group with many tasks: the group kill is spread over many Killed lines, and
    // members already exiting are reported as such.
    label: 'v2-group-many',
    kind: 'v2-group',
    cgroups: [{ path: '/many', maxKb: 48 * MiB, oomGroup: true }],
    hogs: [
      hog('mA', 8 * MiB, 0, '/many', { forks: 3, childKb: 2 * MiB, childAdj: [0, 0, 0] }),
      hog('mB', 6 * MiB, 500, '/many', { threads: 3 }),
      hog('mC', 4 * MiB, -1000, '/many'),
      hog('mGrow', 512, 0, '/many')
    ],
    grower: 3,
    stepKb: 1 * MiB,
    maxKills: 1,
    counterCgroup: '/many'
  },
  {
    // memory.high below memory.max: the grower is throttled by high reclaim, then reaches max.
    label: 'v2-high-then-max',
    kind: 'v2-high',
    cgroups: [{ path: '/high', maxKb: 32 * MiB, highKb: 28 * MiB }],
    hogs: [hog('hA', 10 * MiB, 0, '/high'), hog('hGrow', 512, 0, '/high')],
    grower: 1,
    stepKb: 2 * MiB,
    maxKills: 1,
    counterCgroup: '/high'
  },
  {
    // Global: adj -1000 (never killed) is the largest; then 1000, then the rest by size.
    label: 'global-adj-range',
    kind: 'global',
    cgroups: [],
    hogs: [
      hog('gMin', 60 * MiB, -1000, '/'),
      hog('gMax', 8 * MiB, 1000, '/'),
      hog('gNeg', 40 * MiB, -500, '/'),
      hog('gZero', 30 * MiB, 0, '/'),
      hog('gGrow', 1 * MiB, -900, '/')
    ],
    grower: 4,
    stepKb: 4 * MiB,
    maxKills: 3,
    counterCgroup: null
  },
  {
    // vm.oom_kill_allocating_task=1: the allocating task is killed without a selection.
    label: 'global-kill-allocating',
    kind: 'global-alloc',
    cgroups: [],
    hogs: [hog('aBig', 60 * MiB, 500, '/'), hog('aGrow', 1 * MiB, 0, '/')],
    grower: 1,
    stepKb: 4 * MiB,
    maxKills: 1,
    counterCgroup: null
  },
  {
    // An mlocked victim: the OOM reaper skips VM_LOCKED mappings.
    label: 'global-mlocked-victim',
    kind: 'global-mlock',
    cgroups: [],
    hogs: [hog('lBig', 50 * MiB, 800, '/', { mlock: true }), hog('lGrow', 1 * MiB, 0, '/')],
    grower: 1,
    stepKb: 4 * MiB,
    maxKills: 1,
    counterCgroup: null
  },
  {
    // cgroup v1 memory controller mounted in the guest (for comparison with the host's 6.18).
    label: 'v1-in-guest',
    kind: 'v1',
    cgroups: [{ path: '/v1case', maxKb: 32 * MiB }],
    hogs: [
      hog('v1A', 12 * MiB, 0, '/v1case'),
      hog('v1B', 8 * MiB, 600, '/v1case'),
      hog('v1Grow', 512, 0, '/v1case')
    ],
    grower: 2,
    stepKb: 1 * MiB,
    maxKills: 2,
    counterCgroup: '/v1case'
  },
  {
    // vm.panic_on_oom=1: the report, then the panic (the guest reboots: the last case of a boot).
    label: 'global-panic-on-oom',
    kind: 'global-panic',
    cgroups: [],
    hogs: [hog('pBig', 40 * MiB, 0, '/'), hog('pGrow', 1 * MiB, 0, '/')],
    grower: 1,
    stepKb: 4 * MiB,
    maxKills: 1,
    counterCgroup: null
  }
]

const cases = seededCases(generateGuestCase, guestHandWritten, GUEST_HAND_WRITTEN_BASE)

/** The case for a seed: a hand-written one in its range, else a generated one. */
export const guestCaseForSeed = cases.caseForSeed

/** The default run: `count` generated cases (seeds first..first+count-1, default 1..count) and
 * every hand-written case. */
export const defaultGuestCases = cases.defaultCases
