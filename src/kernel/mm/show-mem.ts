/**
 * @module The show_mem() data (Mem-Info block) and the memcg block data of an OOM report, built
 * from the memory model; the printer renders them per profile.
 *
 * Units: ShowMem global counters in pages, zone and node fields in kB (see oom-report.ts).
 */
import type { MemcgInfo, NodeMemInfo, ShowMem, ZoneInfo } from '../oom-report.ts'
import type { KernelProfile } from '../profiles.ts'
import { memcgStatEntries as printedStatEntries } from '../printk/memcg-stat.ts'
import { freeSwapPages, totalSwapPages } from './model.ts'
import { buddySummary, type Zone } from './zone.ts'
import { cpuPcpPages } from './pcp-lists.ts'
import { allocCpu } from './pcp-alloc.ts'
import { usageOf, type World } from './world.ts'

const kb = (pages: number): number => pages * 4

/** One zone's line; `cpu` is the printing CPU (local_pcp: its lists, with any parked pages). */
function zoneInfo(z: Zone, cpu: number): ZoneInfo {
  const s = z.stats
  return {
    node: z.node,
    name: z.type,
    freeKb: kb(z.free),
    boostKb: kb(z.boost),
    minKb: kb(z.wmarkMin + z.boost),
    lowKb: kb(z.wmarkLow + z.boost),
    highKb: kb(z.wmarkHigh + z.boost),
    reservedHighatomicKb: 0,
    freeHighatomicKb: 0,
    activeAnonKb: kb(s.activeAnon),
    inactiveAnonKb: kb(s.inactiveAnon),
    activeFileKb: kb(s.activeFile),
    inactiveFileKb: kb(s.inactiveFile),
    unevictableKb: kb(s.unevictable),
    writependingKb: kb(s.writePending),
    zspagesKb: 0,
    presentKb: kb(z.presentPages),
    managedKb: kb(z.managedPages),
    mlockedKb: kb(s.mlocked),
    bounceKb: kb(s.bounce),
    freePcpKb: kb(z.pcp),
    localPcpKb: kb(z.localPcp + cpuPcpPages(z, cpu)),
    freeCmaKb: 0,
    kernelStackKb: kb(s.kernelStack),
    pagetablesKb: kb(s.pagetables),
    lowmemReserve: [...z.lowmemReserve],
    buddy: buddySummary(z)
  }
}

/**
 * NR_FILE_MAPPED: page-cache pages mapped by at least one process. The counter goes up when a
 * page's mapcount leaves -1 (its first mapping) and down when the last one goes
 * (__folio_add_rmap() / __folio_remove_rmap(), 6.11 mm/rmap.c), so a page mapped by several
 * processes counts once. A scenario gives no file offsets: mappings of one file are taken to
 * start at its beginning and overlap, so a file counts its largest mapping (not the sum).
 */
export function mappedPages(w: World): number {
  let n = 0
  for (const f of w.files.values()) {
    let max = 0
    for (const v of f.mappedBy.values()) if (v > max) max = v
    n += Math.min(max, f.cached)
  }
  return n
}

/** show_mem() data for the whole machine (or only the nodes in `nodemask`). */
export function buildShowMem(w: World, nodemask: readonly number[] | null = null): ShowMem {
  const sum = (f: (z: Zone) => number): number => w.zones.reduce((a, z) => a + f(z), 0)
  const nodes: NodeMemInfo[] = w.mem.nodes
    .filter(n => nodemask === null || nodemask.includes(n.id))
    .map(n => {
      const zs = (f: (z: Zone) => number): number => n.zones.reduce((a, z) => a + f(z), 0)
      const c = n.counters
      return {
        node: n.id,
        activeAnonKb: kb(zs(z => z.stats.activeAnon)),
        inactiveAnonKb: kb(zs(z => z.stats.inactiveAnon)),
        activeFileKb: kb(zs(z => z.stats.activeFile)),
        inactiveFileKb: kb(zs(z => z.stats.inactiveFile)),
        unevictableKb: kb(zs(z => z.stats.unevictable)),
        isolatedAnonKb: kb(c.isolatedAnon),
        isolatedFileKb: kb(c.isolatedFile),
        mappedKb: kb(n.id === 0 ? mappedPages(w) : 0),
        dirtyKb: kb(c.dirty),
        writebackKb: kb(c.writeback),
        shmemKb: kb(c.shmem),
        shmemThpKb: 0,
        shmemPmdmappedKb: 0,
        anonThpKb: kb(c.anonThp),
        writebackTmpKb: 0,
        kernelStackKb: kb(zs(z => z.stats.kernelStack)),
        pagetablesKb: kb(zs(z => z.stats.pagetables)),
        secPagetablesKb: 0,
        allUnreclaimable: n.kswapd.failures >= 16,
        hugepages: w.mem.huge
          .filter(h => h.node === n.id)
          .map(h => ({ total: h.total, free: h.free, surp: h.surp, sizeKb: h.sizeKb }))
      }
    })
  const zones = w.zones.filter(
    z => z.presentPages > 0 && (nodemask === null || nodemask.includes(z.node))
  )
  const node0 = w.mem.nodes[0]?.counters
  const nodesSum = (f: (c: NonNullable<typeof node0>) => number): number =>
    w.mem.nodes.reduce((a, n) => a + f(n.counters), 0)
  return {
    activeAnon: sum(z => z.stats.activeAnon),
    inactiveAnon: sum(z => z.stats.inactiveAnon),
    isolatedAnon: nodesSum(c => c.isolatedAnon),
    activeFile: sum(z => z.stats.activeFile),
    inactiveFile: sum(z => z.stats.inactiveFile),
    isolatedFile: nodesSum(c => c.isolatedFile),
    unevictable: sum(z => z.stats.unevictable),
    dirty: nodesSum(c => c.dirty),
    writeback: nodesSum(c => c.writeback),
    slabReclaimable: sum(z => z.stats.slabReclaimable),
    slabUnreclaimable: sum(z => z.stats.slabUnreclaimable),
    mapped: mappedPages(w),
    shmem: nodesSum(c => c.shmem),
    pagetables: sum(z => z.stats.pagetables),
    secPagetables: 0,
    bounce: 0,
    kernelMiscReclaimable: w.mem.kernelMiscReclaimable,
    free: sum(z => z.free),
    freePcp: sum(z => z.pcp),
    freeCma: 0,
    nodes,
    zones: zones.map(z => zoneInfo(z, allocCpu(w))),
    totalPagecache: nodesSum(c => c.filePages),
    swapCache: nodesSum(c => c.swapCache),
    freeSwapKb: kb(freeSwapPages(w.mem)),
    totalSwapKb: kb(totalSwapPages(w.mem)),
    pagesRam: w.mem.pagesRam,
    pagesHighmemMovable: 0,
    pagesReserved: w.mem.pagesReserved,
    pagesCmaReserved: 0,
    pagesHwpoisoned: 0
  }
}

function subtree(w: World, root: string): string[] {
  const paths = [...w.oom.memcgs.keys()].filter(
    p => p === root || root === '/' || p.startsWith(`${root}/`)
  )
  return paths.sort()
}

const NO_LIMIT_KB = 9007199254740988
const limitKb = (p: number | null): number => (p === null ? NO_LIMIT_KB : kb(p))

/** The memcg block (mem_cgroup_print_oom_meminfo) for an OOMing memcg. */
export function buildMemcgInfo(w: World, oomMemcg: string, victimMemcg: string | null): MemcgInfo {
  // Key order as before (memory, stats, then the hierarchy's extra counters): JSON output shows it.
  const { memory, ...extra } = memcgCounters(w, oomMemcg)
  const info: MemcgInfo = Object.assign(
    { oomMemcg, taskMemcg: victimMemcg, memory, stats: [] } as MemcgInfo,
    extra
  )
  const form = w.profile.format.memcgInfo
  // mem_cgroup_print_oom_info(), 2.6.32-642: no stats lines (format.memcgStatKeys 'none').
  const noStats = w.profile.format.memcgStatKeys === 'none'
  const paths = noStats ? [] : form === 'v5.3' ? [oomMemcg] : subtree(w, oomMemcg)
  for (const p of paths) {
    // Hierarchical totals for the >= 5.3 memory.stat text; local for the old per-memcg lines.
    const agg = form === 'v5.3' ? sumUsage(w, p) : usageOf(w, p)
    info.stats.push({ path: p, entries: memcgStatEntries(w, agg) })
  }
  return info
}

/** The "memory:" line and, per hierarchy, "memory+swap:" and "kmem:" (v1) or "swap:" (v2). */
function memcgCounters(
  w: World,
  oomMemcg: string
): Pick<MemcgInfo, 'memory' | 'memsw' | 'kmem' | 'swap'> {
  const m = w.oom.memcgs.get(oomMemcg)
  const usage = m?.usage ?? 0
  const v1 = w.oom.cgroupVersion === 1
  const failFromEvents = w.profile.format.memcgFailcntFromEvents
  const memory = {
    usageKb: kb(usage),
    limitKb: limitKb(m?.limit ?? null),
    failcnt: !v1 && failFromEvents ? (m?.events.max ?? 0) : (m?.failcnt ?? 0)
  }
  if (!v1) {
    return {
      memory,
      swap: { usageKb: kb(m?.swapUsage ?? 0), limitKb: limitKb(m?.swapLimit ?? null), failcnt: 0 }
    }
  }
  const memsw = {
    usageKb: kb(usage + (m?.swapUsage ?? 0)),
    limitKb: m?.swapLimit == null ? limitKb(null) : kb((m.limit ?? 0) + m.swapLimit),
    failcnt: 0
  }
  // mem_cgroup_print_oom_info(), 2.6.32-642: no kmem line (format.memcgKmemLine).
  if (!w.profile.format.memcgKmemLine) return { memory, memsw }
  return {
    memory,
    memsw,
    kmem: {
      usageKb: kb(usageOf(w, oomMemcg).pagetables + usageOf(w, oomMemcg).kernel),
      limitKb: limitKb(null),
      failcnt: 0
    }
  }
}

/**
 * One memcg's stat entries: the v1 keys in kB for the old per-memcg lines (<= 5.2), the v1 keys
 * in bytes for >= 5.3 on a v1 hierarchy where the profile prints them, else the v2 keys in bytes.
 */
function memcgStatEntries(w: World, agg: ReturnType<typeof usageOf>): [string, number][] {
  const fmt = w.profile.format
  if (fmt.memcgInfo !== 'v5.3') return oldStatEntries(agg, w.profile)
  if (w.oom.cgroupVersion === 1 && fmt.memcgV1Stat === 'v1keys') return v1StatEntries(agg, 4096)
  return v2StatEntries(agg)
}

/** The <= 5.2 ` key:%luKB` pairs in the profile's key set (printk/memcg-stat.ts). */
function oldStatEntries(
  agg: ReturnType<typeof usageOf>,
  profile: KernelProfile
): [string, number][] {
  const B = 4096
  const values = {
    file: (agg.file + agg.shmem) * B,
    anon: agg.anon * B,
    shmem: agg.shmem * B,
    file_mapped: agg.file * B,
    swap: agg.swap * B,
    active_anon: (agg.anon + agg.shmem) * B,
    inactive_file: agg.file * B
  }
  return printedStatEntries(values, 'v1', profile).map(([k, v]) => [k, Number(v)])
}

/** The cgroup v1 memory.stat keys, each page counted as `unit` (4 for kB, 4096 for bytes). */
function v1StatEntries(agg: ReturnType<typeof usageOf>, unit: number): [string, number][] {
  return [
    ['cache', (agg.file + agg.shmem) * unit],
    ['rss', agg.anon * unit],
    ['rss_huge', 0],
    ['shmem', agg.shmem * unit],
    ['mapped_file', agg.file * unit],
    ['dirty', 0],
    ['writeback', 0],
    ['swap', agg.swap * unit],
    ['inactive_anon', 0],
    ['active_anon', (agg.anon + agg.shmem) * unit],
    ['inactive_file', agg.file * unit],
    ['active_file', 0],
    ['unevictable', 0]
  ]
}

/** The cgroup v2 memory.stat keys, in bytes. */
function v2StatEntries(agg: ReturnType<typeof usageOf>): [string, number][] {
  const B = 4096
  return [
    ['anon', agg.anon * B],
    ['file', (agg.file + agg.shmem) * B],
    ['kernel', (agg.kernel + agg.pagetables) * B],
    ['kernel_stack', 0],
    ['pagetables', agg.pagetables * B],
    ['sec_pagetables', 0],
    ['percpu', 0],
    ['sock', 0],
    ['vmalloc', 0],
    ['shmem', agg.shmem * B],
    ['file_mapped', agg.file * B],
    ['file_dirty', 0],
    ['file_writeback', 0],
    ['swapcached', 0],
    ['anon_thp', 0],
    ['file_thp', 0],
    ['shmem_thp', 0],
    ['inactive_anon', 0],
    ['active_anon', (agg.anon + agg.shmem) * B],
    ['inactive_file', agg.file * B],
    ['active_file', 0],
    ['unevictable', 0],
    ['slab_reclaimable', 0],
    ['slab_unreclaimable', 0]
  ]
}

function sumUsage(w: World, root: string): ReturnType<typeof usageOf> {
  const out = { anon: 0, file: 0, shmem: 0, kernel: 0, pagetables: 0, swap: 0 }
  for (const p of subtree(w, root)) {
    const u = usageOf(w, p)
    out.anon += u.anon
    out.file += u.file
    out.shmem += u.shmem
    out.kernel += u.kernel
    out.pagetables += u.pagetables
    out.swap += u.swap
  }
  return out
}
