/**
 * @module The cgroup v2 memory knobs the engine's Memcg type does not carry: memory.high,
 * memory.low and memory.min, kept per world by memcg path.
 *
 * Units: pages.
 */
import type { World } from './world.ts'

/** cgroup v2 knobs the engine's Memcg does not carry (pages; null = max). */
export interface MemcgExtra {
  high: number | null
  low: number
  min: number
}

/** Sim-only memcg settings by path. */
export const memcgExtras = new WeakMap<World, Map<string, MemcgExtra>>()

/** The v2 knobs of a memcg (created with defaults on first use). */
export function extraOf(w: World, path: string): MemcgExtra {
  let m = memcgExtras.get(w)
  if (m === undefined) {
    m = new Map()
    memcgExtras.set(w, m)
  }
  let e = m.get(path)
  if (e === undefined) {
    e = { high: null, low: 0, min: 0 }
    m.set(path, e)
  }
  return e
}
