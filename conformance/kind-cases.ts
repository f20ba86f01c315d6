/**
 * @module Seeded case generators for one kind of real-machine shape each (`npm run conformance
 * -- --kind K --cases N`): equal-size ties, multi-threaded hogs, a parked vfork child, a stopped
 * process, the legacy oom_adj knob. Each seed gives the same case everywhere; a case's seed is
 * KIND_BASE * (kind index + 1) + n, so `--seed` replays it alone.
 *
 * Sizes are KiB.
 */
import { hog, percentOfLimit, round4, withGrower, type CaseSpec, type HogSpec } from './cases.ts'
import { THREAD_KINDS } from './kinds-threads.ts'
import { makeRng, type Rng } from './prng.ts'
import { FILE_KINDS } from './kinds-files.ts'

/** Seeds of kind cases start here (below the hand-written cases' 9001, far above generated). */
export const KIND_BASE = 100_000

const MiB = 1024

/** A limit and the size of the hog the kind is about: the biggest, 50–65% of the limit, so
 * the kernel chooses it (or, for a vfork child, its parent) before the grower outgrows it. */
function subjectSize(rng: Rng): { limitKb: number; big: number } {
  const limitKb = rng.int(24, 64) * MiB
  return { limitKb, big: percentOfLimit(rng, limitKb, 50, 65) }
}

/** `n` small hogs (2–6% of the limit each) named prefix_1.. with `extra` each. */
function smallHogs(
  rng: Rng,
  prefix: string,
  limitKb: number,
  n: number,
  extra: (i: number) => Partial<HogSpec> = () => ({})
): HogSpec[] {
  return Array.from({ length: n }, (_, i) =>
    hog(`${prefix}_${i + 1}`, percentOfLimit(rng, limitKb, 2, 6), 0, extra(i + 1))
  )
}

type Generator = (seed: number, rng: Rng) => CaseSpec

/** The generators by kind name. */
export const KINDS: Readonly<Record<string, Generator>> = {
  // Equal RSS and equal adj, 80% of the limit between them: the tie goes to the scan order
  // (6.18: the last scanned wins).
  ties: (seed, rng) => {
    const n = rng.int(2, 4)
    const limitKb = rng.int(24, 64) * MiB
    const each = round4((limitKb * 0.78) / n)
    const adj = rng.chance(0.5) ? 0 : rng.int(1, 999)
    const hogs = Array.from({ length: n }, (_, i) => hog(`tie${seed % 100}_${i}`, each, adj))
    return withGrower(seed, 'ties', limitKb, hogs, rng)
  },
  // A big multi-threaded hog and small ones, some threaded: one row per process, killed as a whole.
  threads: (seed, rng) => {
    const { limitKb, big } = subjectSize(rng)
    const hogs = [
      hog(`thr${seed % 100}_0`, big, 0, { threads: rng.int(1, 8) }),
      ...smallHogs(rng, `thr${seed % 100}`, limitKb, rng.int(0, 2), () => ({
        threads: rng.int(0, 3)
      }))
    ]
    return withGrower(seed, 'threads', limitKb, hogs, rng)
  },
  // The biggest hog has a vfork child parked before exec: the scan skips the child (in_vfork),
  // kills the parent, and the child, sharing its mm, dies with it.
  vfork: (seed, rng) => {
    const { limitKb, big } = subjectSize(rng)
    const hogs = [
      hog(`vf${seed % 100}_0`, big, 0, { vfork: true }),
      ...smallHogs(rng, `vf${seed % 100}`, limitKb, rng.int(0, 2))
    ]
    return withGrower(seed, 'vfork', limitKb, hogs, rng)
  },
  // The biggest hog is SIGSTOPped: the OOM killer does not care, SIGKILL ends it all the same.
  stopped: (seed, rng) => {
    const { limitKb, big } = subjectSize(rng)
    const hogs = [
      hog(`st${seed % 100}_0`, big, 0, { stopped: true }),
      ...smallHogs(rng, `st${seed % 100}`, limitKb, rng.int(0, 2), () => ({
        stopped: rng.chance(0.5)
      }))
    ]
    return withGrower(seed, 'stopped', limitKb, hogs, rng)
  },
  // The legacy knob: oom_adj 0..15 written, oom_score_adj = oom_adj * 1000 / 17 (15: 1000);
  // hogs of similar size, so the adj decides.
  'oom-adj': (seed, rng) => {
    const n = rng.int(2, 3)
    const limitKb = rng.int(24, 64) * MiB
    const hogs = Array.from({ length: n }, (_, i) =>
      hog(`oa${seed % 100}_${i}`, percentOfLimit(rng, limitKb, 15, 25), 0, {
        oomAdj: rng.chance(0.2) ? 15 : rng.int(0, 14)
      })
    )
    return withGrower(seed, 'oom-adj', limitKb, hogs, rng)
  },
  ...THREAD_KINDS,
  ...FILE_KINDS
}

/** The kind names, in the order their seed ranges are numbered. */
export const KIND_NAMES: readonly string[] = Object.keys(KINDS)

/** The case of `kind` numbered `n` (1..): seed KIND_BASE * (kind index + 1) + n. */
export function kindCase(kind: string, n: number): CaseSpec {
  const at = KIND_NAMES.indexOf(kind)
  const gen = KINDS[kind]
  if (at < 0 || gen === undefined)
    throw new Error(`unknown kind ${kind} (${KIND_NAMES.join(', ')})`)
  const seed = KIND_BASE * (at + 1) + n
  const c = gen(seed, makeRng(seed * 2654435761))
  // Their rows are measured (rows.ts): every hog settles its rss counters (hog -S).
  for (const h of c.hogs) h.settleRss = true
  return c
}

/** The kind case for a seed in a kind's range, else null. */
export function kindCaseForSeed(seed: number): CaseSpec | null {
  const at = Math.floor(seed / KIND_BASE) - 1
  const kind = KIND_NAMES[at]
  return kind === undefined || seed % KIND_BASE === 0 ? null : kindCase(kind, seed % KIND_BASE)
}
