/**
 * @module The show_mem() data only 2.6.32 / 3.x kernels print (profile.format.showMem.layout
 * 'zoneLru'): per-zone LRU, dirty and slab counters, the per-cpu pagesets under "per-cpu:",
 * and the pfn walk's shared / non-shared page counts.
 */
import type { ShowMem, ZoneLegacyInfo } from '../oom-report.ts'
import type { Zone } from './zone.ts'
import { mappedPages } from './show-mem.ts'
import { envOf, type World } from './world.ts'

const kb = (pages: number): number => pages * 4

/**
 * zone_batchsize(), 2.6.32–3.x: a 1/1024 of the zone (managed pages from 3.9, present before),
 * at most 512 KB, a quarter of that, at least 1, then rounddown_pow_of_two(b + b/2) - 1.
 * pageset_set_batch(): high = 6 * batch, batch printed as max(1, batch).
 */
export function zoneBatch(pages: number): { high: number; batch: number } {
  let b = Math.min(Math.floor(pages / 1024), (512 * 1024) / 4096)
  b = Math.max(1, Math.floor(b / 4))
  const n = b + Math.floor(b / 2)
  b = 2 ** Math.floor(Math.log2(n)) - 1
  return { high: 6 * b, batch: Math.max(1, b) }
}

/** The per-cpu rows: the allocating (last) CPU holds the local pcp pages, CPU 0 the rest. */
function pcpRows(z: Zone, cpus: number, pages: number): ZoneLegacyInfo['pcp'] {
  const { high, batch } = zoneBatch(pages)
  const rows: ZoneLegacyInfo['pcp'] = []
  for (let cpu = 0; cpu < cpus; cpu++) {
    let count = 0
    if (cpu === cpus - 1) count = z.localPcp
    else if (cpu === 0) count = Math.max(0, z.pcp - z.localPcp)
    rows.push({ cpu, high, batch, count })
  }
  return rows
}

/**
 * One zone's 3.x counters. The model keeps dirty, writeback, shmem, mapped and isolated pages
 * per node: they are shown on the node's highest populated zone, where user pages come from.
 */
function legacyOf(w: World, z: Zone, top: boolean, cpus: number): ZoneLegacyInfo {
  const node = w.mem.nodes.find(n => n.id === z.node)
  const c = node?.counters
  const nodeKb = (v: number | undefined): number => (top ? kb(v ?? 0) : 0)
  const zoneManaged = w.profile.format.showMem.zoneManaged
  return {
    isolatedAnonKb: nodeKb(c?.isolatedAnon),
    isolatedFileKb: nodeKb(c?.isolatedFile),
    dirtyKb: nodeKb(c?.dirty),
    writebackKb: nodeKb(c?.writeback),
    mappedKb: nodeKb(z.node === 0 ? mappedPages(w) : 0),
    shmemKb: nodeKb(c?.shmem),
    slabReclaimableKb: kb(z.stats.slabReclaimable),
    slabUnreclaimableKb: kb(z.stats.slabUnreclaimable),
    unstableKb: 0,
    writebackTmpKb: 0,
    pagesScanned: 0,
    allUnreclaimable: (node?.kswapd.failures ?? 0) >= 16,
    pcp: pcpRows(z, cpus, zoneManaged ? z.managedPages : z.presentPages)
  }
}

/**
 * Fills the 3.x-only fields of `sm` (built by buildShowMem for the same world): each zone's
 * legacy counters and pagesets, and show_mem()'s pfn-walk counts (<= 3.11): pages with more than
 * one reference add their extra references to "shared" (here: file pages mapped by more than
 * one process, each extra mapping), the other in-use pages are "non-shared".
 */
export function addLegacyShowMem(w: World, sm: ShowMem): ShowMem {
  const cpus = envOf(w).cpus
  for (const info of sm.zones) {
    const z = w.zones.find(x => x.node === info.node && x.type === info.name)
    if (z === undefined) continue
    const top = !w.zones.some(x => x.node === z.node && x.idx > z.idx && x.presentPages > 0)
    info.legacy = legacyOf(w, z, top, cpus)
    // struct zone's lowmem_reserve[MAX_NR_ZONES]: 4 entries on x86_64 before ZONE_DEVICE (4.3).
    info.lowmemReserve = info.lowmemReserve.slice(0, w.profile.format.showMem.lowmemReserveEntries)
  }
  let shared = 0
  for (const f of w.files.values()) {
    const maps = [...f.mappedBy.values()].map(v => Math.min(v, f.cached))
    if (maps.length > 1) shared += maps.reduce((a, v) => a + v, 0) - Math.max(...maps)
  }
  sm.pagesShared = shared
  sm.pagesNonShared = Math.max(0, sm.pagesRam - sm.pagesReserved - sm.free - shared)
  return sm
}
