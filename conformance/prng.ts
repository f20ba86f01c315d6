/**
 * @module A small seeded PRNG (mulberry32) for the case generator: the same seed gives the same
 * case on every machine and Node version.
 */

/** A deterministic random source. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number
  /** true with probability p. */
  chance(p: number): boolean
  /** One element of a non-empty array. */
  pick<T>(xs: readonly T[]): T
}

/** mulberry32 seeded with a 32-bit integer. */
export function makeRng(seed: number): Rng {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: p => next() < p,
    pick: xs => xs[Math.floor(next() * xs.length)]!
  }
}
