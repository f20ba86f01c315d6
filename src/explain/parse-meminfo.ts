/**
 * @module show_mem ("Mem-Info:") lines of every generation: the global counter line (split or
 * not), per-node and per-zone lines, lowmem_reserve[], buddy lists, hugepages, and the swap and
 * RAM totals. Global counters are pages; node and zone values kB, as printed.
 */
import type { NodeMemInfo, ShowMem, ZoneInfo, ZoneLegacyInfo } from '../kernel/oom-report.ts'
import { emptyNode, emptyZone } from './empty-mem.ts'

/** One recognised show_mem line. */
export type MemLine =
  | { kind: 'mem-start' }
  | { kind: 'mem-global'; pairs: [string, number][] }
  | { kind: 'mem-node'; node: number; pairs: [string, number][]; allUnreclaimable: boolean | null }
  | {
      kind: 'mem-zone'
      node: number | null
      zone: string
      pairs: [string, number][]
      allUnreclaimable: boolean | null
    }
  | { kind: 'mem-lowmem'; values: number[] }
  | {
      kind: 'mem-buddy'
      node: number | null
      zone: string
      buddy: { count: number; types: string }[]
      totalKb: number | null
      /** Sum of count * block size over the orders that parsed (kB). */
      sumKb: number
    }
  | {
      kind: 'mem-hugepages'
      node: number
      total: number
      free: number
      surp: number
      sizeKb: number
    }
  | { kind: 'mem-total'; field: MemTotalField; value: number }
  | { kind: 'mem-other' }
  | { kind: 'mem-swapstats'; add: number; delete: number; findSuccess: number; findTotal: number }
  | { kind: 'mem-pcp-zone'; node: number | null; zone: string }
  | { kind: 'mem-pcp'; cpu: number; high: number; batch: number; count: number }

/** The single-number totals that close show_mem. */
export type MemTotalField =
  | 'totalPagecache'
  | 'swapCache'
  | 'freeSwapKb'
  | 'totalSwapKb'
  | 'pagesRam'
  | 'pagesHighmemMovable'
  | 'pagesReserved'
  | 'pagesCmaReserved'
  | 'pagesHwpoisoned'
  | 'pagesShared'
  | 'pagesNonShared'

const TOTALS: [RegExp, MemTotalField][] = [
  [/^(\d+) total pagecache pages$/, 'totalPagecache'],
  [/^(\d+) pages in swap cache$/, 'swapCache'],
  [/^Free swap\s+=\s*(-?\d+)kB$/, 'freeSwapKb'],
  [/^Total swap\s+=\s*(\d+)kB$/, 'totalSwapKb'],
  [/^(\d+) pages RAM$/, 'pagesRam'],
  [/^(\d+) pages HighMem(?:\/MovableOnly)?$/, 'pagesHighmemMovable'],
  [/^(\d+) pages reserved$/, 'pagesReserved'],
  [/^(\d+) pages cma reserved$/, 'pagesCmaReserved'],
  [/^(\d+) pages hwpoisoned$/, 'pagesHwpoisoned'],
  [/^(\d+) pages shared$/, 'pagesShared'],
  [/^(\d+) pages non-shared$/, 'pagesNonShared']
]

const PAIR = /([a-z_()]+):\s?(\d+)(?:kB|KB)?/g

function pairsOf(text: string): [string, number][] {
  const out: [string, number][] = []
  PAIR.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = PAIR.exec(text)) !== null) out.push([m[1] ?? '', Number(m[2])])
  return out
}

const ZONE_NAMES = /^(?:Node (\d+) )?(DMA32|DMA|Normal|HighMem|Movable|Device)(:)? /

/** Classify one show_mem line, or null when it is not one. */
export function parseMemLine(text: string): MemLine | null {
  const t = text.trimStart()
  if (t === 'Mem-Info:') return { kind: 'mem-start' }
  const c = t.charCodeAt(0)
  if (c >= 48 && c <= 57) {
    for (const [re, field] of TOTALS) {
      const m = re.exec(t)
      if (m) return { kind: 'mem-total', field, value: Number(m[1]) }
    }
    return null
  }
  if (t.startsWith('Free swap') || t.startsWith('Total swap')) {
    for (const [re, field] of TOTALS) {
      const m = re.exec(t)
      if (m) return { kind: 'mem-total', field, value: Number(m[1]) }
    }
    return null
  }
  if (t.startsWith('lowmem_reserve[]:')) {
    const values = t
      .slice('lowmem_reserve[]:'.length)
      .trim()
      .split(/\s+/)
      .filter(s => /^-?\d+$/.test(s))
      .map(Number)
    return { kind: 'mem-lowmem', values }
  }
  const sc = /^Swap cache stats: add (\d+), ?delete (\d+), ?find (\d+)\/(\d+)/.exec(t)
  if (sc)
    return {
      kind: 'mem-swapstats',
      add: Number(sc[1]),
      delete: Number(sc[2]),
      findSuccess: Number(sc[3]),
      findTotal: Number(sc[4])
    }
  // 3.x show_free_areas(): "Node 0 DMA32 per-cpu:" and "CPU    0: hi:  186, btch:  31 usd:  88".
  const pz = /^(?:Node (\d+) )?(\S+) per-cpu:$/.exec(t)
  if (pz)
    return {
      kind: 'mem-pcp-zone',
      node: pz[1] === undefined ? null : Number(pz[1]),
      zone: pz[2] ?? ''
    }
  const pc = /^CPU\s+(\d+): hi:\s*(\d+), btch:\s*(\d+) usd:\s*(\d+)/.exec(t)
  if (pc)
    return {
      kind: 'mem-pcp',
      cpu: Number(pc[1]),
      high: Number(pc[2]),
      batch: Number(pc[3]),
      count: Number(pc[4])
    }
  if (t.startsWith('Swap cache stats:')) return { kind: 'mem-other' }
  const hp =
    /^Node (\d+) hugepages_total=(\d+) hugepages_free=(\d+) hugepages_surp=(\d+) hugepages_size=(\d+)kB/.exec(
      t
    )
  if (hp)
    return {
      kind: 'mem-hugepages',
      node: Number(hp[1]),
      total: Number(hp[2]),
      free: Number(hp[3]),
      surp: Number(hp[4]),
      sizeKb: Number(hp[5])
    }
  const z = ZONE_NAMES.exec(t)
  if (z) {
    const node = z[1] === undefined ? null : Number(z[1])
    const zone = z[2] ?? ''
    const rest = t.slice(z[0].length)
    if (z[3] === ':') {
      // Buddy line: "Node 0 DMA32: 1*4kB (M) 0*8kB ... = 2972kB"
      const buddy: { count: number; types: string }[] = []
      const re = /(\d+)\*(\d+)kB\s*(?:\(([A-Z]+)\))?/g
      let m: RegExpExecArray | null
      let sumKb = 0
      while ((m = re.exec(rest)) !== null) {
        buddy.push({ count: Number(m[1]), types: m[3] ?? '' })
        sumKb += Number(m[1]) * Number(m[2])
      }
      const total = /= (\d+)kB\s*$/.exec(rest)
      return {
        kind: 'mem-buddy',
        node,
        zone,
        buddy,
        totalKb: total ? Number(total[1]) : null,
        sumKb
      }
    }
    if (rest.startsWith('free:')) {
      const au = /all_unreclaimable\? (yes|no)/.exec(rest)
      return {
        kind: 'mem-zone',
        node,
        zone,
        pairs: pairsOf(rest),
        allUnreclaimable: au ? au[1] === 'yes' : null
      }
    }
  }
  const n = /^Node (\d+) (active_anon:.*)$/.exec(t)
  if (n) {
    const rest = n[2] ?? ''
    const au = /all_unreclaimable\? (yes|no)/.exec(rest)
    return {
      kind: 'mem-node',
      node: Number(n[1]),
      pairs: pairsOf(rest),
      allUnreclaimable: au ? au[1] === 'yes' : null
    }
  }
  // 2.6.3x prints "Active_anon:" with a capital A.
  if (/^[A-Za-z_]+:\d+(?:\s+[a-z_]+:\d+)*\s*$/.test(t))
    return { kind: 'mem-global', pairs: pairsOf(t.toLowerCase()) }
  return null
}

const GLOBAL_KEYS: Record<string, keyof ShowMem> = {
  active_anon: 'activeAnon',
  inactive_anon: 'inactiveAnon',
  isolated_anon: 'isolatedAnon',
  active_file: 'activeFile',
  inactive_file: 'inactiveFile',
  isolated_file: 'isolatedFile',
  unevictable: 'unevictable',
  dirty: 'dirty',
  writeback: 'writeback',
  slab_reclaimable: 'slabReclaimable',
  slab_unreclaimable: 'slabUnreclaimable',
  mapped: 'mapped',
  shmem: 'shmem',
  pagetables: 'pagetables',
  sec_pagetables: 'secPagetables',
  bounce: 'bounce',
  kernel_misc_reclaimable: 'kernelMiscReclaimable',
  free: 'free',
  free_pcp: 'freePcp',
  free_cma: 'freeCma'
}

const NODE_KEYS: Record<string, keyof NodeMemInfo> = {
  active_anon: 'activeAnonKb',
  inactive_anon: 'inactiveAnonKb',
  active_file: 'activeFileKb',
  inactive_file: 'inactiveFileKb',
  unevictable: 'unevictableKb',
  'isolated(anon)': 'isolatedAnonKb',
  'isolated(file)': 'isolatedFileKb',
  mapped: 'mappedKb',
  dirty: 'dirtyKb',
  writeback: 'writebackKb',
  shmem: 'shmemKb',
  shmem_thp: 'shmemThpKb',
  shmem_pmdmapped: 'shmemPmdmappedKb',
  anon_thp: 'anonThpKb',
  writeback_tmp: 'writebackTmpKb',
  kernel_stack: 'kernelStackKb',
  pagetables: 'pagetablesKb',
  sec_pagetables: 'secPagetablesKb'
}

const ZONE_KEYS: Record<string, keyof ZoneInfo> = {
  free: 'freeKb',
  boost: 'boostKb',
  min: 'minKb',
  low: 'lowKb',
  high: 'highKb',
  reserved_highatomic: 'reservedHighatomicKb',
  free_highatomic: 'freeHighatomicKb',
  active_anon: 'activeAnonKb',
  inactive_anon: 'inactiveAnonKb',
  active_file: 'activeFileKb',
  inactive_file: 'inactiveFileKb',
  unevictable: 'unevictableKb',
  writepending: 'writependingKb',
  zspages: 'zspagesKb',
  present: 'presentKb',
  managed: 'managedKb',
  mlocked: 'mlockedKb',
  bounce: 'bounceKb',
  free_pcp: 'freePcpKb',
  local_pcp: 'localPcpKb',
  free_cma: 'freeCmaKb',
  kernel_stack: 'kernelStackKb',
  pagetables: 'pagetablesKb'
}

/** Zones opened by a 3.x per-cpu block and not yet filled by their zone line. */
const pending = new WeakSet<ZoneInfo>()
/** The zone whose line came last (lowmem_reserve[] follows it). */
const lastZone = new WeakMap<Partial<ShowMem>, ZoneInfo>()

/** The 3.x-only zone-line fields. */
function legacyOf(
  pairs: readonly [string, number][],
  allUnreclaimable: boolean | null,
  pcp: ZoneLegacyInfo['pcp']
): ZoneLegacyInfo {
  const get = (k: string): number => pairs.find(p => p[0] === k)?.[1] ?? 0
  return {
    isolatedAnonKb: get('isolated(anon)'),
    isolatedFileKb: get('isolated(file)'),
    dirtyKb: get('dirty'),
    writebackKb: get('writeback'),
    mappedKb: get('mapped'),
    shmemKb: get('shmem'),
    slabReclaimableKb: get('slab_reclaimable'),
    slabUnreclaimableKb: get('slab_unreclaimable'),
    unstableKb: get('unstable'),
    writebackTmpKb: get('writeback_tmp'),
    pagesScanned: get('pages_scanned'),
    allUnreclaimable: allUnreclaimable ?? false,
    pcp
  }
}

/** Accumulates show_mem lines into a partial ShowMem (fields absent from the text stay absent). */
export function applyMemLine(mem: Partial<ShowMem>, line: MemLine): void {
  switch (line.kind) {
    case 'mem-global':
      for (const [k, v] of line.pairs) {
        const key = GLOBAL_KEYS[k]
        if (key !== undefined) (mem as Record<string, unknown>)[key] = v
      }
      return
    case 'mem-node': {
      mem.nodes ??= []
      let node = mem.nodes.find(n => n.node === line.node)
      if (!node) {
        node = emptyNode(line.node)
        mem.nodes.push(node)
      }
      for (const [k, v] of line.pairs) {
        const key = NODE_KEYS[k]
        if (key !== undefined) (node as unknown as Record<string, unknown>)[key] = v
      }
      if (line.allUnreclaimable !== null) node.allUnreclaimable = line.allUnreclaimable
      // What the build printed, so the printer can render the same line again.
      mem.config = { ...mem.config, thp: line.pairs.some(([k]) => k === 'shmem_thp') }
      return
    }
    case 'mem-zone': {
      mem.zones ??= []
      // A zone already opened by its 3.x per-cpu block is filled in, not added again.
      let zone = mem.zones.find(
        z => pending.has(z) && z.name === line.zone && z.node === (line.node ?? 0)
      )
      if (zone) pending.delete(zone)
      else {
        zone = emptyZone(line.node ?? 0, line.zone)
        mem.zones.push(zone)
      }
      for (const [k, v] of line.pairs) {
        const key = ZONE_KEYS[k]
        if (key !== undefined) (zone as unknown as Record<string, unknown>)[key] = v
      }
      lastZone.set(mem, zone)
      if (line.pairs.some(([k]) => k === 'pages_scanned' || k === 'slab_reclaimable'))
        zone.legacy = legacyOf(line.pairs, line.allUnreclaimable, zone.legacy?.pcp ?? [])
      mem.config = { ...mem.config, numa: line.node !== null }
      return
    }
    case 'mem-lowmem': {
      const last = lastZone.get(mem) ?? mem.zones?.[mem.zones.length - 1]
      if (last) last.lowmemReserve = line.values
      return
    }
    case 'mem-buddy': {
      const zone = mem.zones?.find(
        z => z.name === line.zone && (line.node === null || z.node === line.node)
      )
      if (zone) zone.buddy = line.buddy
      return
    }
    case 'mem-hugepages': {
      mem.nodes ??= []
      let node = mem.nodes.find(n => n.node === line.node)
      if (!node) {
        node = emptyNode(line.node)
        mem.nodes.push(node)
      }
      node.hugepages.push({
        total: line.total,
        free: line.free,
        surp: line.surp,
        sizeKb: line.sizeKb
      })
      return
    }
    case 'mem-total':
      if (line.field !== 'pagesShared' && line.field !== 'pagesNonShared')
        mem[line.field] = line.value
      if (line.field === 'pagesReserved')
        mem.config = { ...mem.config, cma: false, memoryFailure: false }
      if (line.field === 'pagesCmaReserved') mem.config = { ...mem.config, cma: true }
      if (line.field === 'pagesHwpoisoned') mem.config = { ...mem.config, memoryFailure: true }
      return
    case 'mem-pcp-zone': {
      mem.zones ??= []
      const zone = emptyZone(line.node ?? 0, line.zone)
      zone.legacy = legacyOf([], null, [])
      pending.add(zone)
      mem.zones.push(zone)
      if (line.node === null) mem.config = { ...mem.config, numa: false }
      return
    }
    case 'mem-pcp': {
      const zone = mem.zones?.[mem.zones.length - 1]
      zone?.legacy?.pcp.push({
        cpu: line.cpu,
        high: line.high,
        batch: line.batch,
        count: line.count
      })
      return
    }
    case 'mem-swapstats':
      mem.config = {
        ...mem.config,
        swapCacheStats: {
          add: line.add,
          delete: line.delete,
          findSuccess: line.findSuccess,
          findTotal: line.findTotal
        }
      }
      return
    default:
      return
  }
}
