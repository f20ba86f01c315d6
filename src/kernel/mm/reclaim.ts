/**
 * @module Page reclaim (mm/vmscan.c, simplified): shrink the file and anon LRUs of the allowed
 * zones, dropping clean page cache and swapping out anonymous and shmem pages when swap and
 * swappiness allow. Used by direct reclaim, kswapd and memcg reclaim.
 *
 * Units: pages. Dirty and writeback pages are not reclaimable until the flusher cleans them.
 */
import type { Zone } from './zone.ts'
import { freeToBuddy } from './zone.ts'
import { freeSwapPages } from './model.ts'
import { emit, placementOf, proportional, usageOf, type CachedFile, type World } from './world.ts'
import { memcgExtras } from './memcg-extras.ts'
import { rssUnmapped } from './rss-stat-fault.ts'

/** SWAP_CLUSTER_MAX. */
export const SWAP_CLUSTER_MAX = 32

/** Who may be reclaimed and how. */
export interface ReclaimControl {
  /** Zone positions reclaim may take pages from. */
  zones: readonly number[]
  nrToReclaim: number
  /** __GFP_IO: may swap; __GFP_FS: may write dirty file pages (not modelled beyond this). */
  mayIo: boolean
  /** Limit to one memcg subtree (memcg reclaim), or null for global. */
  memcg: string | null
  /** Reason for the trace: 'direct', 'kswapd', 'memcg'. */
  reason: string
  swappiness: number
  /** Second pass: memory.low protection is ignored (memory.min never is). */
  ignoreLow?: boolean
}

/**
 * memory.min / memory.low (cgroup v2): a memcg (or an ancestor below the reclaim root) whose
 * usage is within its protection is skipped by reclaim from above it.
 */
function isProtected(w: World, path: string, rc: ReclaimControl): boolean {
  const extras = memcgExtras.get(w)
  if (extras === undefined) return false
  for (const [p, e] of extras) {
    if (p === '/' || (e.min === 0 && e.low === 0)) continue
    if (!inSubtree(path, p) || (rc.memcg !== null && inSubtree(rc.memcg, p))) continue
    const m = w.oom.memcgs.get(p)
    if (m === undefined) continue
    if (m.usage <= e.min) return true
    if (m.usage <= e.low) {
      if (!rc.ignoreLow) return true
      m.events.low++
      m.eventsLocal.low++
    }
  }
  return false
}

function inSubtree(path: string, root: string | null): boolean {
  if (root === null || root === '/') return true
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`)
}

function masked(values: readonly number[], allowed: readonly number[]): number[] {
  const out = new Array<number>(values.length).fill(0)
  for (const i of allowed) out[i] = values[i] ?? 0
  return out
}

function sum(a: readonly number[]): number {
  let s = 0
  for (const x of a) s += x
  return s
}

/** Pages zone_reclaimable_pages() counts: file LRU, plus anon when swap is available. */
export function zoneReclaimablePages(w: World, z: Zone): number {
  const file = z.stats.activeFile + z.stats.inactiveFile
  const anon = freeSwapPages(w.mem) > 0 ? z.stats.activeAnon + z.stats.inactiveAnon : 0
  return file + anon
}

/** Drop `pages` cached pages of `f` (perZone per zone position): free them, fix the counters. */
export function releaseFilePages(w: World, f: CachedFile, perZone: number[], pages: number): void {
  for (let i = 0; i < perZone.length; i++) {
    const n = perZone[i] ?? 0
    if (n === 0) continue
    f.zones[i] = (f.zones[i] ?? 0) - n
    const z = w.zones[i]
    if (z === undefined) continue
    if (f.kind === 'disk') {
      const fromInactive = Math.min(n, z.stats.inactiveFile)
      z.stats.inactiveFile -= fromInactive
      z.stats.activeFile -= n - fromInactive
    } else {
      const fromInactive = Math.min(n, z.stats.inactiveAnon)
      z.stats.inactiveAnon -= fromInactive
      z.stats.activeAnon -= n - fromInactive
    }
    freeToBuddy(z, n, 'M')
  }
  f.cached -= pages
  const node = w.mem.nodes[0]
  if (node !== undefined) {
    node.counters.filePages -= pages
    if (f.kind === 'tmpfs') node.counters.shmem -= pages
  }
  const u = usageOf(w, f.memcg)
  if (f.kind === 'tmpfs') u.shmem -= pages
  else u.file -= pages
  uncharge(w, f.memcg, pages)
}

/** Lower memcg usage up the hierarchy. */
export function uncharge(w: World, path: string, pages: number): void {
  for (const m of w.oom.memcgs.values()) {
    if (inSubtree(path, m.path)) m.usage = Math.max(0, m.usage - pages)
  }
}

/**
 * Pages of `f` mapped by an mm a live task uses. Those are referenced (the task runs its text
 * and libraries): shrink_folio_list() -> folio_check_references() activates a referenced mapped
 * folio instead of freeing it (split LRU since 2.6.28; with MGLRU, 6.1+, the page-table walk
 * promotes it), so reclaim keeps them resident and the task's rss_file stays as it was. A
 * mapping whose pages were touched once and not since (`unreferencedBy`) does not hold them:
 * the first scan clears the young PTE (folio_referenced()) and keeps the folio, the next frees
 * it (6.18 folio_check_references(): FOLIOREF_KEEP, then FOLIOREF_RECLAIM).
 */
function referencedMapped(w: World, f: CachedFile): number {
  let most = 0
  for (const [mmId, mapped] of f.mappedBy) {
    if (mapped <= most || f.unreferencedBy?.has(mmId) === true) continue
    if (w.oom.processes.some(p => p.mmId === mmId && !p.sigkillPending)) most = mapped
  }
  return most
}

/** Drop clean, unmapped-first page cache of disk files. Returns pages freed. */
function reclaimFile(w: World, rc: ReclaimControl, want: number): number {
  let freed = 0
  for (const pass of ['unmapped', 'mapped'] as const) {
    for (const f of w.files.values()) {
      if (freed >= want) return freed
      if (
        f.kind !== 'disk' ||
        f.mlocked ||
        !inSubtree(f.memcg, rc.memcg) ||
        isProtected(w, f.memcg, rc)
      )
        continue
      let maxMapped = 0
      for (const v of f.mappedBy.values()) maxMapped = Math.max(maxMapped, v)
      const clean = f.cached - f.dirty - f.writeback
      const keep = pass === 'unmapped' ? maxMapped : referencedMapped(w, f)
      const avail = Math.max(0, clean - keep)
      const inZones = sum(masked(f.zones, rc.zones))
      const take = Math.min(want - freed, avail, inZones)
      if (take <= 0) continue
      const perZone = proportional(masked(f.zones, rc.zones), take)
      releaseFilePages(w, f, perZone, take)
      if (pass === 'mapped') {
        // Unmapping lowers the mappers' MM_FILEPAGES.
        const remaining = f.cached
        for (const [mmId, mapped] of f.mappedBy) {
          if (mapped > remaining) {
            const mm = w.oom.mms.get(mmId)
            if (mm !== undefined) {
              rssUnmapped(w, mm, 'file', Math.min(mm.file, mapped - remaining))
              mm.file = Math.max(0, mm.file - (mapped - remaining))
            }
            f.mappedBy.set(mmId, remaining)
          }
        }
        const node = w.mem.nodes[0]
        if (node !== undefined) node.counters.mapped = Math.max(0, node.counters.mapped - take)
      }
      freed += take
    }
  }
  return freed
}

/** Swap out anonymous pages of mms (largest first, deterministic). Returns pages freed. */
function reclaimAnon(w: World, rc: ReclaimControl, want: number): number {
  let freed = 0
  const dev = w.mem.swap.filter(d => d.active).sort((a, b) => b.priority - a.priority)
  const mms = [...w.oom.mms.values()].sort((a, b) => b.anon - a.anon || a.id - b.id)
  for (const mm of mms) {
    if (freed >= want) break
    const owner = w.oom.processes.find(p => p.mmId === mm.id)
    if (owner === undefined || !inSubtree(owner.memcg, rc.memcg) || isProtected(w, owner.memcg, rc))
      continue
    const memcg = w.oom.memcgs.get(owner.memcg)
    if (memcg?.swapLimit != null && memcg.swapUsage >= memcg.swapLimit) continue
    // Locked VMAs are unevictable.
    const locked = mm.vmas.reduce((a, v) => a + (v.locked ? v.anon : 0), 0)
    const pl = placementOf(w, mm.id)
    const zonesAllowed = masked(pl.anonZones, rc.zones)
    let swapRoom = dev.reduce((a, d) => a + d.pages - d.used, 0)
    if (memcg?.swapLimit != null) swapRoom = Math.min(swapRoom, memcg.swapLimit - memcg.swapUsage)
    const take = Math.min(want - freed, mm.anon - locked, sum(zonesAllowed), swapRoom)
    if (take <= 0) continue
    const perZone = proportional(zonesAllowed, take)
    for (let i = 0; i < perZone.length; i++) {
      const n = perZone[i] ?? 0
      if (n === 0) continue
      pl.anonZones[i] = (pl.anonZones[i] ?? 0) - n
      const z = w.zones[i]
      if (z === undefined) continue
      const fromInactive = Math.min(n, z.stats.inactiveAnon)
      z.stats.inactiveAnon -= fromInactive
      z.stats.activeAnon = Math.max(0, z.stats.activeAnon - (n - fromInactive))
      freeToBuddy(z, n, 'M')
    }
    let left = take
    for (const d of dev) {
      const n = Math.min(left, d.pages - d.used)
      d.used += n
      left -= n
    }
    mm.anon -= take
    mm.swapEnts += take
    // Spread over the VMAs with anon pages, last first.
    let rest = take
    for (let i = mm.vmas.length - 1; i >= 0 && rest > 0; i--) {
      const v = mm.vmas[i]
      if (v === undefined || v.locked) continue
      const n = Math.min(rest, v.anon)
      v.anon -= n
      rest -= n
    }
    const u = usageOf(w, owner.memcg)
    u.anon -= take
    u.swap += take
    uncharge(w, owner.memcg, take)
    for (const m of w.oom.memcgs.values()) if (inSubtree(owner.memcg, m.path)) m.swapUsage += take
    w.stats.swapOuts += take
    freed += take
  }
  return freed
}

/** shrink_node(), 6.1: reclaim progress on a node resets its kswapd_failures (a hopeless
 * node's kswapd may wake again). */
function reviveNodes(w: World, zones: readonly number[]): void {
  for (const zi of zones) {
    const z = w.zones[zi]
    const n = z === undefined ? undefined : w.mem.nodes.find(x => x.id === z.node)
    if (n !== undefined) n.kswapd.failures = 0
  }
}

/**
 * shrink_node() for the allowed zones: file pages first, anon pages in proportion to
 * swappiness when swap has room (get_scan_count, simplified). Returns pages reclaimed.
 */
export function shrinkZones(w: World, rc: ReclaimControl): number {
  const want = Math.max(rc.nrToReclaim, 0)
  if (want === 0) return 0
  const canSwap = rc.mayIo && rc.swappiness > 0 && freeSwapPages(w.mem) > 0
  // Anon share of the target: swappiness / 200 when both lists can give.
  const anonWant = canSwap ? Math.ceil((want * rc.swappiness) / 200) : 0
  let freed = reclaimFile(w, rc, want - anonWant)
  if (canSwap) freed += reclaimAnon(w, rc, want - freed)
  if (freed < want) freed += reclaimFile(w, rc, want - freed)
  if (freed === 0 && rc.ignoreLow !== true && memcgExtras.get(w) !== undefined) {
    // Nothing unprotected was left: reclaim again below memory.low (mem_cgroup_protected).
    const again = { ...rc, ignoreLow: true }
    freed += reclaimFile(w, again, want - (canSwap ? anonWant : 0))
    if (canSwap) freed += reclaimAnon(w, again, want - freed)
    if (freed < want) freed += reclaimFile(w, again, want - freed)
  }
  w.stats.reclaimedPages += freed
  if (freed > 0) reviveNodes(w, rc.zones)
  if (freed > 0 || rc.reason !== 'kswapd')
    emit(w, `reclaim.${rc.reason}`, { memcg: rc.memcg, want, reclaimed: freed })
  return freed
}
