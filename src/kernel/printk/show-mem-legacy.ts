/**
 * @module The 2.6.32 / 3.x parts of the Mem-Info block (profile.format.showMem.layout
 * 'zoneLru'): the "per-cpu:" blocks, the zone line with its LRU, dirty and slab counters, and
 * show_mem()'s page-count tail in both of its forms.
 */
import type { ShowMem, ZoneInfo } from '../oom-report.ts'
import type { KernelProfile } from '../profiles.ts'

type Fmt = KernelProfile['format']['showMem']

/**
 * show_free_areas(), 2.6.32–3.x: per populated zone "[Node %d ]%s per-cpu:", then for every
 * online CPU `CPU %4d: hi:%5d, btch:%4d usd:%4d` (the per-cpu pageset's high, batch, count).
 */
export function renderPerCpuBlocks(m: ShowMem, numa: boolean): string[] {
  const out: string[] = []
  for (const z of m.zones) {
    out.push(`${numa ? `Node ${z.node} ` : ''}${z.name} per-cpu:`)
    for (const p of z.legacy?.pcp ?? []) {
      const hi = String(p.high).padStart(5)
      const batch = String(p.batch).padStart(4)
      out.push(
        `CPU ${String(p.cpu).padStart(4)}: hi:${hi}, btch:${batch} usd:${String(p.count).padStart(4)}`
      )
    }
  }
  return out
}

/**
 * show_free_areas()'s zone line, 2.6.32–3.x: LRU, dirty and slab counters per zone.
 * "managed:" from 3.8 (zone->managed_pages), "free_cma:" from 3.7 (NR_FREE_CMA_PAGES).
 */
export function zoneLineZoneLru(
  z: ZoneInfo,
  prefix: string,
  wm: string,
  lru: string,
  f: Fmt
): string {
  const l = z.legacy
  const managed = f.zoneManaged ? ` managed:${z.managedKb}kB` : ''
  const cma = f.freeCma ? ` free_cma:${z.freeCmaKb}kB` : ''
  return (
    `${prefix}${z.name} free:${z.freeKb}kB${wm}${lru}` +
    ` isolated(anon):${l?.isolatedAnonKb ?? 0}kB isolated(file):${l?.isolatedFileKb ?? 0}kB` +
    ` present:${z.presentKb}kB${managed} mlocked:${z.mlockedKb}kB` +
    ` dirty:${l?.dirtyKb ?? 0}kB writeback:${l?.writebackKb ?? 0}kB mapped:${l?.mappedKb ?? 0}kB` +
    ` shmem:${l?.shmemKb ?? 0}kB slab_reclaimable:${l?.slabReclaimableKb ?? 0}kB` +
    ` slab_unreclaimable:${l?.slabUnreclaimableKb ?? 0}kB kernel_stack:${z.kernelStackKb}kB` +
    ` pagetables:${z.pagetablesKb}kB unstable:${l?.unstableKb ?? 0}kB bounce:${z.bounceKb}kB` +
    `${cma} writeback_tmp:${l?.writebackTmpKb ?? 0}kB` +
    ` pages_scanned:${l?.pagesScanned ?? 0} all_unreclaimable? ${l?.allUnreclaimable === true ? 'yes' : 'no'}`
  )
}

/**
 * show_mem()'s closing page counts (x86_64, no CONFIG_HIGHMEM):
 * - 'sharedNonShared' (lib/show_mem.c 2.6.32–3.11, a walk over every pfn): "%lu pages RAM",
 *   "%lu pages reserved", "%lu pages shared", "%lu pages non-shared";
 * - 'highmemMovable' (3.12+ "mm: do not walk all of system memory during show_mem"): "%lu pages
 *   RAM", "%lu pages HighMem/MovableOnly", "%lu pages reserved", then (node-LRU kernels, per
 *   config) "pages cma reserved" and "pages hwpoisoned".
 */
export function renderPageCounts(m: ShowMem, f: Fmt): string[] {
  if (f.pageCounts === 'sharedNonShared') {
    return [
      `${m.pagesRam} pages RAM`,
      `${m.pagesReserved} pages reserved`,
      `${m.pagesShared ?? 0} pages shared`,
      `${m.pagesNonShared ?? 0} pages non-shared`
    ]
  }
  const out = [
    `${m.pagesRam} pages RAM`,
    `${m.pagesHighmemMovable} pages HighMem/MovableOnly`,
    `${m.pagesReserved} pages reserved`
  ]
  if (f.layout === 'zoneLru') return out
  if (m.config?.cma ?? true) out.push(`${m.pagesCmaReserved} pages cma reserved`)
  if (m.config?.memoryFailure ?? true) out.push(`${m.pagesHwpoisoned} pages hwpoisoned`)
  return out
}
