/**
 * @module Accumulating show_mem lines (`parse-meminfo.ts`) into a partial ShowMem: global
 * counters in pages, nodes and zones in kB, the 3.x per-cpu blocks and zone extras, the totals
 * and what they say about the build (NUMA, THP, CMA, memory-failure).
 */
import type { NodeMemInfo, ShowMem, ZoneInfo, ZoneLegacyInfo } from '../kernel/oom-report.ts'
import { emptyNode, emptyZone } from './empty-mem.ts'
import type { MemLine } from './parse-meminfo.ts'

type Line<K extends MemLine['kind']> = Extract<MemLine, { kind: K }>

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

/** The node `n` of `mem`, added when new. */
function nodeOf(mem: Partial<ShowMem>, n: number): NodeMemInfo {
  mem.nodes ??= []
  let node = mem.nodes.find(x => x.node === n)
  if (!node) {
    node = emptyNode(n)
    mem.nodes.push(node)
  }
  return node
}

/** Copy the pairs whose keys `keys` names into `into`. */
function assignPairs<T>(
  into: T,
  pairs: readonly [string, number][],
  keys: Record<string, keyof T>
): void {
  for (const [k, v] of pairs) {
    const key = keys[k]
    if (key !== undefined) (into as Record<keyof T, unknown>)[key] = v
  }
}

function applyNode(mem: Partial<ShowMem>, line: Line<'mem-node'>): void {
  const node = nodeOf(mem, line.node)
  assignPairs(node, line.pairs, NODE_KEYS)
  if (line.allUnreclaimable !== null) node.allUnreclaimable = line.allUnreclaimable
  // What the build printed, so the printer can render the same line again.
  mem.config = { ...mem.config, thp: line.pairs.some(([k]) => k === 'shmem_thp') }
}

function applyZone(mem: Partial<ShowMem>, line: Line<'mem-zone'>): void {
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
  assignPairs(zone, line.pairs, ZONE_KEYS)
  lastZone.set(mem, zone)
  if (line.pairs.some(([k]) => k === 'pages_scanned' || k === 'slab_reclaimable'))
    zone.legacy = legacyOf(line.pairs, line.allUnreclaimable, zone.legacy?.pcp ?? [])
  mem.config = { ...mem.config, numa: line.node !== null }
}

function applyTotal(mem: Partial<ShowMem>, line: Line<'mem-total'>): void {
  if (line.field !== 'pagesShared' && line.field !== 'pagesNonShared') mem[line.field] = line.value
  if (line.field === 'pagesReserved')
    mem.config = { ...mem.config, cma: false, memoryFailure: false }
  if (line.field === 'pagesCmaReserved') mem.config = { ...mem.config, cma: true }
  if (line.field === 'pagesHwpoisoned') mem.config = { ...mem.config, memoryFailure: true }
}

/** 3.x "Node 0 DMA32 per-cpu:": opens the zone its zone line fills in later. */
function applyPcpZone(mem: Partial<ShowMem>, line: Line<'mem-pcp-zone'>): void {
  mem.zones ??= []
  const zone = emptyZone(line.node ?? 0, line.zone)
  zone.legacy = legacyOf([], null, [])
  pending.add(zone)
  mem.zones.push(zone)
  if (line.node === null) mem.config = { ...mem.config, numa: false }
}

/** Accumulates show_mem lines into a partial ShowMem (fields absent from the text stay absent). */
export function applyMemLine(mem: Partial<ShowMem>, line: MemLine): void {
  switch (line.kind) {
    case 'mem-global':
      assignPairs(mem, line.pairs, GLOBAL_KEYS)
      return
    case 'mem-node':
      return applyNode(mem, line)
    case 'mem-zone':
      return applyZone(mem, line)
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
      const { total, free, surp, sizeKb } = line
      nodeOf(mem, line.node).hugepages.push({ total, free, surp, sizeKb })
      return
    }
    case 'mem-total':
      return applyTotal(mem, line)
    case 'mem-pcp-zone':
      return applyPcpZone(mem, line)
    case 'mem-pcp': {
      const { cpu, high, batch, count } = line
      mem.zones?.[mem.zones.length - 1]?.legacy?.pcp.push({ cpu, high, batch, count })
      return
    }
    case 'mem-swapstats': {
      const { add, delete: del, findSuccess, findTotal } = line
      mem.config = { ...mem.config, swapCacheStats: { add, delete: del, findSuccess, findTotal } }
      return
    }
    default:
      return
  }
}
