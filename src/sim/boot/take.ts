/**
 * @module Memory handed out at boot, memblock-like: straight from the buddy lists, highest zone
 * first, then counted in zone statistics and charged to a memcg and its ancestors.
 */
import type { Zone } from '../../kernel/mm/zone.ts'
import { takeFromBuddy } from '../../kernel/mm/zone.ts'
import type { World } from '../../kernel/mm/world.ts'

/** Take `pages` at boot, highest zone first, keeping above the high watermark while it can. */
export function bootTake(w: World, pages: number, mt: 'U' | 'M' | 'E' = 'U'): number[] {
  const placed = new Array<number>(w.zones.length).fill(0)
  let rest = pages
  const order = w.zones
    .map((z, i) => ({ z, i }))
    .sort((a, b) => b.z.idx - a.z.idx || a.z.node - b.z.node)
  for (const { z, i } of order) {
    if (rest <= 0) break
    const room = Math.max(0, z.free - z.wmarkHigh)
    const n = Math.min(rest, room)
    if (n <= 0) continue
    const got = takeFromBuddy(z, n, 0, mt)
    placed[i] = got
    rest -= got
  }
  if (rest > 0) {
    for (const { z, i } of order) {
      const n = Math.min(rest, z.free)
      const got = takeFromBuddy(z, n, 0, mt)
      placed[i] = (placed[i] ?? 0) + got
      rest -= got
    }
  }
  return placed
}

/** Count pages placed per zone in one zone statistic. */
export function addStat(w: World, placed: readonly number[], key: keyof Zone['stats']): void {
  placed.forEach((n, i) => {
    const z = w.zones[i]
    if (z !== undefined) z.stats[key] += n
  })
}

/** '/a/b' -> ['/a/b', '/a', '/']. */
export function ancestorsPaths(path: string): string[] {
  const out: string[] = []
  let p = path
  for (;;) {
    out.push(p)
    if (p === '/' || p === '') break
    const cut = p.lastIndexOf('/')
    p = cut <= 0 ? '/' : p.slice(0, cut)
  }
  return out
}

/** Add `pages` to the usage of a memcg and of every ancestor that is declared. */
export function chargeUp(w: World, path: string, pages: number): void {
  for (const mg of ancestorsPaths(path)) {
    const mc = w.oom.memcgs.get(mg)
    if (mc !== undefined) mc.usage += pages
  }
}
