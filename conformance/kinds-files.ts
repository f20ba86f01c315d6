/**
 * @module Seeded case generators for the memory that is not a process's anon: a cgroup hierarchy
 * (`nested`), page cache read in (`pagecache-read`) or mapped (`pagecache-mmap`), a tmpfs file
 * nobody maps (`tmpfs`), and v1's oom_kill_disable toggled (`oom-kill-disable`). Registered in
 * kind-cases.ts, which numbers their seeds.
 *
 * Sizes are KiB.
 */
import {
  hog,
  percentOfLimit,
  round4,
  withGrower,
  type CaseSpec,
  type HogSpec,
  type SubGroupSpec
} from './cases.ts'
import type { Rng } from './prng.ts'

const MiB = 1024

/** A kind case with the grower named after the kind's first three letters (`nesg5`, `pagg1`). */
function caseOf(
  seed: number,
  kind: string,
  limitKb: number,
  hogs: HogSpec[],
  rng: Rng,
  group?: string
): CaseSpec {
  return withGrower(seed, kind, limitKb, hogs, rng, { prefix: kind.slice(0, 3), group })
}

/** Hierarchies of 2–3 levels under the limited case cgroup; `b` may carry a limit of its own
 * that its hogs stay under, so every OOM is the case cgroup's (the limited ancestor). */
function nested(seed: number, rng: Rng): CaseSpec {
  const limitKb = rng.int(32, 64) * MiB
  const deep = rng.chance(0.5)
  const groups: SubGroupSpec[] = [{ path: 'a' }, { path: 'b' }]
  if (deep) groups.push({ path: 'a/x' }, { path: 'a/y' })
  const leaves = deep ? ['a/x', 'a/y', 'b'] : ['a', 'b']
  const n = seed % 100
  const hogs = [
    hog(`ne${n}_0`, percentOfLimit(rng, limitKb, 50, 60), 0, { group: rng.pick(leaves) })
  ]
  const k = rng.int(1, 3)
  for (let i = 1; i <= k; i++)
    hogs.push(
      hog(`ne${n}_${i}`, percentOfLimit(rng, limitKb, 3, 7), 0, { group: rng.pick(leaves) })
    )
  const inB = hogs.filter(h => h.group === 'b').reduce((a, h) => a + h.privateKb + 1024, 0)
  if (rng.chance(0.5)) groups[1]!.limitKb = Math.min(limitKb, round4(inB + limitKb * 0.3))
  const c = caseOf(seed, 'nested', limitKb, hogs, rng, rng.pick(leaves.filter(l => l !== 'b')))
  c.groups = groups
  return c
}

/** `n` hogs of 4–10% of the limit, named prefix_1.. */
function small(rng: Rng, prefix: string, limitKb: number, n: number): HogSpec[] {
  return Array.from({ length: n }, (_, i) =>
    hog(`${prefix}_${i + 1}`, percentOfLimit(rng, limitKb, 4, 10))
  )
}

type Generator = (seed: number, rng: Rng) => CaseSpec

/** The generators by kind name. */
export const FILE_KINDS: Readonly<Record<string, Generator>> = {
  nested,
  // The biggest hog reads a file (20–35% of the limit) into the page cache, mapped by nobody:
  // reclaimable, so the kernel takes it back before it kills.
  'pagecache-read': (seed, rng) => {
    const limitKb = rng.int(32, 64) * MiB
    const n = seed % 100
    const hogs = [
      hog(`pr${n}_0`, percentOfLimit(rng, limitKb, 45, 55), 0, {
        readKb: percentOfLimit(rng, limitKb, 20, 35)
      }),
      ...small(rng, `pr${n}`, limitKb, rng.int(0, 2))
    ]
    return caseOf(seed, 'pagecache-read', limitKb, hogs, rng)
  },
  // A hog maps a file (10–25% of the limit) shared read-only and reads every page (rss_file).
  'pagecache-mmap': (seed, rng) => {
    const limitKb = rng.int(32, 64) * MiB
    const n = seed % 100
    const hogs = [
      hog(`pm${n}_0`, percentOfLimit(rng, limitKb, 40, 50), 0, {
        mapFileKb: percentOfLimit(rng, limitKb, 10, 25)
      }),
      ...small(rng, `pm${n}`, limitKb, rng.int(0, 2))
    ]
    if (rng.chance(0.5)) hogs[hogs.length - 1]!.mapFileKb = percentOfLimit(rng, limitKb, 4, 10)
    return caseOf(seed, 'pagecache-mmap', limitKb, hogs, rng)
  },
  // A hog writes a tmpfs file (10–20% of the limit) and closes it: charged, mapped by nobody,
  // not reclaimable without swap, and not freed by any kill.
  tmpfs: (seed, rng) => {
    const limitKb = rng.int(32, 64) * MiB
    const n = seed % 100
    const hogs = [
      hog(`tf${n}_0`, percentOfLimit(rng, limitKb, 40, 50), 0, {
        tmpfsKb: percentOfLimit(rng, limitKb, 10, 20)
      }),
      ...small(rng, `tf${n}`, limitKb, rng.int(0, 2))
    ]
    return caseOf(seed, 'tmpfs', limitKb, hogs, rng)
  },
  // v1 oom_kill_disable set: the grower stalls under OOM; cleared, the kill happens.
  'oom-kill-disable': (seed, rng) => {
    const limitKb = rng.int(24, 64) * MiB
    const n = seed % 100
    const hogs = [
      hog(`kd${n}_0`, percentOfLimit(rng, limitKb, 50, 60)),
      ...small(rng, `kd${n}`, limitKb, rng.int(0, 2))
    ]
    const c = caseOf(seed, 'oom-kill-disable', limitKb, hogs, rng)
    c.oomKillDisable = true
    return c
  }
}
