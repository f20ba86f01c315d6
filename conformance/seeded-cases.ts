/**
 * @module How a conformance backend numbers its cases: generated cases take seeds 1.., the
 * hand-written ones a range of their own from `base`. Shared by the host and QEMU backends.
 */

/** A backend's case list: the case for a seed, and the default run. */
export interface SeededCases<C> {
  /** The case for a seed: a hand-written one in its range, else a generated one. */
  caseForSeed: (seed: number) => C
  /** `count` generated cases (seeds first..first+count-1) and every hand-written case. */
  defaultCases: (count: number, first?: number) => C[]
}

export function seededCases<C extends { seed: number }>(
  generate: (seed: number) => C,
  handWritten: readonly Omit<C, 'seed'>[],
  base: number
): SeededCases<C> {
  const caseForSeed = (seed: number): C => {
    const hw = handWritten[seed - base]
    return hw !== undefined ? (structuredClone({ ...hw, seed }) as C) : generate(seed)
  }
  const defaultCases = (count: number, first = 1): C[] => {
    const out: C[] = []
    for (let s = first; s < first + count; s++) out.push(generate(s))
    for (let i = 0; i < handWritten.length; i++) out.push(caseForSeed(base + i))
    return out
  }
  return { caseForSeed, defaultCases }
}
