/**
 * @module Case generators for threaded triggers and concurrent growers (registered in
 * kind-cases.ts):
 * - `threaded-trigger`: the grower is a multi-threaded hog whose named non-leader thread makes
 *   every growth step (`hog -T -G`), so the kernel's report names that thread as the task that
 *   invoked the OOM killer (6.18 dump_header(): current->comm; dump_stack(): its pid, the tid);
 *   the other hogs have named threads too.
 * - `concurrent`: two or three hogs grow at once in 1 MiB steps, in lockstep (the harness steps
 *   each in turn) or free running (the co-growers grow on their own, `r KB`), beside 0–2 idle hogs.
 *
 * Sizes are KiB.
 */
import { hog, percentOfLimit, round4, type CaseSpec, type HogSpec } from './cases.ts'
import type { Rng } from './prng.ts'

const MiB = 1024

/** A thread of a bigger process triggers the OOM: the grower grows from a named thread. */
export function threadedTrigger(seed: number, rng: Rng): CaseSpec {
  const limitKb = rng.int(24, 64) * MiB
  const p = `tt${seed % 100}`
  const named = (threads: number): Partial<HogSpec> => ({ threads, namedThreads: threads > 0 })
  const hogs: HogSpec[] = [
    // The biggest, so the kernel takes it first while the grower's thread faults.
    hog(`${p}_0`, percentOfLimit(rng, limitKb, 50, 60), 0, named(rng.int(0, 6))),
    ...Array.from({ length: rng.int(0, 2) }, (_, i) =>
      hog(`${p}_${i + 1}`, percentOfLimit(rng, limitKb, 2, 5), 0, named(rng.int(0, 3)))
    ),
    hog(`${p}_g`, round4(rng.int(256, 2048)), 0, { ...named(rng.int(1, 4)), growThread: true })
  ]
  return {
    seed,
    label: 'threaded-trigger',
    kind: 'threaded-trigger',
    limitKb,
    hogs,
    grower: hogs.length - 1,
    stepKb: round4(rng.int(128, 512)),
    maxKills: hogs.length
  }
}

/** Two or three growers at once, 1 MiB at a time, lockstep or free running. */
export function concurrent(seed: number, rng: Rng): CaseSpec {
  const limitKb = rng.int(24, 64) * MiB
  const p = `cc${seed % 100}`
  const mode = rng.chance(0.5) ? 'lockstep' : 'free'
  const idle = Array.from({ length: rng.int(0, 2) }, (_, i) =>
    hog(`${p}_${i}`, percentOfLimit(rng, limitKb, 5, 20), rng.chance(0.3) ? rng.int(1, 500) : 0)
  )
  const growers = Array.from({ length: rng.int(2, 3) }, (_, i) =>
    hog(`${p}_g${i}`, percentOfLimit(rng, limitKb, 1, 10), 0, i === 0 ? {} : { coGrow: mode })
  )
  const hogs = [...idle, ...growers]
  return {
    seed,
    label: `concurrent (${mode})`,
    kind: 'concurrent',
    limitKb,
    hogs,
    grower: idle.length,
    stepKb: MiB,
    maxKills: hogs.length
  }
}

/** The generators by kind name, in the order their seed ranges follow kind-cases.ts's own. */
export const THREAD_KINDS = {
  'threaded-trigger': threadedTrigger,
  concurrent
} as const
