/**
 * @module Copy-on-write sharing of anonymous pages after fork, modelled with counts (never per
 * page). A family (the kernel's anon_vma tree of a forked process and its descendants) holds
 * `pages` physical anonymous pages, charged once (to the memcg that faulted them) and placed
 * once in the zones; each sharer (an mm) maps `mapped` of them, and those count in its
 * MM_ANONPAGES (rss) as well. `mappings` is the sum over sharers (the total map count).
 *
 * Which pages a sharer maps is not tracked, so the model assumes the mappings overlap as much as
 * the counts allow: pages are freed only when the map count drops below the pages held
 * (`pages = min(pages, mappings)`), i.e. when the last sharer of a page unmaps it (exit,
 * munmap, the OOM reaper). A write by one sharer (do_wp_page) copies the pages it still shares
 * with others (`min(write, mapped, mappings - mapped)`), allocating and charging new private
 * pages; writes to pages nobody else maps reuse them.
 *
 * Units: pages. Zone positions index `World.zones`.
 */
import type { Mm } from '../types.ts'
import { uncharge } from './reclaim.ts'
import { freePages } from './pcp-alloc.ts'
import { placementOf, proportional, usageOf, type World } from './world.ts'
import type { CowFamily, CowState } from './cow-state.ts'

export type { CowFamily, CowState } from './cow-state.ts'

/** The world's COW state (created on first use). */
export function cowState(w: World): CowState {
  if (w.cow === undefined) w.cow = { families: new Map(), byMm: new Map(), nextId: 1 }
  return w.cow
}

/** Shared (COW) anonymous pages an mm maps; part of its `anon`. */
export function cowShared(w: World, mmId: number): number {
  return w.cow?.byMm.get(mmId)?.sharers.get(mmId) ?? 0
}

/** The family an mm belongs to, if any. */
export function cowFamilyOf(w: World, mmId: number): CowFamily | undefined {
  return w.cow?.byMm.get(mmId)
}

/**
 * copy_page_range() at fork for anonymous memory: `dst` starts sharing `pages` of `src`'s
 * anonymous pages (all of them for a fork). Private pages of `src` move into the family (they
 * become shared, their charge stays on `srcMemcg`) as far as the family does not already hold
 * enough. Raises `dst.anon` by `pages`; the caller sets its VMAs' counters.
 */
export function cowShare(w: World, src: Mm, srcMemcg: string, dst: Mm, pages: number): number {
  const n = Math.max(0, Math.min(pages, src.anon))
  if (n === 0) return 0
  const cs = cowState(w)
  let fam = cs.byMm.get(src.id)
  if (fam === undefined) {
    fam = {
      id: cs.nextId++,
      memcg: srcMemcg,
      pages: 0,
      zones: new Array<number>(w.zones.length).fill(0),
      sharers: new Map([[src.id, 0]]),
      mappings: 0
    }
    cs.families.set(fam.id, fam)
    cs.byMm.set(src.id, fam)
  }
  const srcMapped = fam.sharers.get(src.id) ?? 0
  // Pages the family does not hold yet come from src's private pages.
  const move = Math.min(Math.max(0, n - fam.pages), src.anon - srcMapped)
  if (move > 0) {
    const pl = placementOf(w, src.id)
    const take = proportional(pl.anonZones, move)
    take.forEach((k, i) => {
      pl.anonZones[i] = (pl.anonZones[i] ?? 0) - k
      fam.zones[i] = (fam.zones[i] ?? 0) + k
    })
    fam.pages += move
    fam.sharers.set(src.id, srcMapped + move)
    fam.mappings += move
  }
  const prev = fam.sharers.get(dst.id) ?? 0
  fam.sharers.set(dst.id, prev + n)
  fam.mappings += n
  cs.byMm.set(dst.id, fam)
  dst.anon += n
  return n
}

/**
 * A sharer stops mapping `pages` of its shared pages (zap_pte_range on munmap, exit or the
 * OOM reaper): the map count drops, and pages nobody maps any more go back to their zones and
 * are uncharged from the family's memcg. Does not touch `mm.anon` (the caller lowers it).
 * Returns the pages actually freed.
 */
export function cowUnmap(w: World, mmId: number, pages: number): number {
  const cs = w.cow
  const fam = cs?.byMm.get(mmId)
  if (cs === undefined || fam === undefined) return 0
  const mapped = fam.sharers.get(mmId) ?? 0
  const n = Math.max(0, Math.min(pages, mapped))
  fam.sharers.set(mmId, mapped - n)
  fam.mappings -= n
  const freed = settle(w, fam)
  if (mapped - n === 0) {
    fam.sharers.delete(mmId)
    cs.byMm.delete(mmId)
  }
  if (fam.sharers.size === 0) cs.families.delete(fam.id)
  return freed
}

/**
 * do_wp_page() for `pages` written by a sharer: how many of them must be copied (the ones some
 * other sharer still maps). The caller allocates and charges that many private pages, then
 * calls `cowBroken` with the number it got.
 */
export function cowCopiesNeeded(w: World, mmId: number, pages: number): number {
  const fam = w.cow?.byMm.get(mmId)
  if (fam === undefined) return 0
  const mapped = fam.sharers.get(mmId) ?? 0
  return Math.max(0, Math.min(pages, mapped, fam.mappings - mapped))
}

/** `copies` shared pages of a sharer became private copies: lower its share of the family. */
export function cowBroken(w: World, mmId: number, copies: number): number {
  return cowUnmap(w, mmId, copies)
}

/** Free the family pages no sharer maps any more (pages > mappings). */
function settle(w: World, fam: CowFamily): number {
  const excess = fam.pages - Math.max(0, fam.mappings)
  if (excess <= 0) return 0
  const take = proportional(fam.zones, excess)
  for (let i = 0; i < take.length; i++) {
    const k = take[i] ?? 0
    if (k === 0) continue
    fam.zones[i] = (fam.zones[i] ?? 0) - k
    const z = w.zones[i]
    if (z === undefined) continue
    const fromInactive = Math.min(k, z.stats.inactiveAnon)
    z.stats.inactiveAnon -= fromInactive
    z.stats.activeAnon = Math.max(0, z.stats.activeAnon - (k - fromInactive))
    freePages(w, z, k, 'M')
  }
  fam.pages -= excess
  usageOf(w, fam.memcg).anon -= excess
  uncharge(w, fam.memcg, excess)
  return excess
}
