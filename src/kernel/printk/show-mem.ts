/**
 * @module show_mem() / show_free_areas(): the "Mem-Info:" block of a global OOM, per layout
 * the profile's named fields (profile.format.showMem; reference §6.4 and its deltas, corrected by real reports).
 *
 * The global counter line is one printk with embedded "\n " so dmesg shows it as several lines,
 * the later ones starting with a space; they are returned here as separate lines.
 */
import type { NodeMemInfo, ShowMem, ZoneInfo } from '../oom-report.ts'
import type { KernelProfile } from '../profiles.ts'
import { renderPageCounts, renderPerCpuBlocks, zoneLineZoneLru } from './show-mem-legacy.ts'

type Fmt = KernelProfile['format']['showMem']

/** The global counter line (pages), split where the kernel embeds "\n ". */
function globalLines(m: ShowMem, f: Fmt): string[] {
  const head = [
    `active_anon:${m.activeAnon} inactive_anon:${m.inactiveAnon} isolated_anon:${m.isolatedAnon}`,
    ` active_file:${m.activeFile} inactive_file:${m.inactiveFile} isolated_file:${m.isolatedFile}`
  ]
  const unstable = f.unstable ? ` unstable:${m.unstable ?? 0}` : ''
  const dirty = ` unevictable:${m.unevictable} dirty:${m.dirty} writeback:${m.writeback}${unstable}`
  const slab = ` slab_reclaimable:${m.slabReclaimable} slab_unreclaimable:${m.slabUnreclaimable}`
  const mapped = ` mapped:${m.mapped} shmem:${m.shmem} pagetables:${m.pagetables}`
  if (f.layout === 'zoneLru') {
    // 3.x show_free_areas(): free is on the slab line, free_cma alone at the end.
    return [
      ...head,
      dirty,
      ` free:${m.free}${slab}`,
      `${mapped} bounce:${m.bounce}`,
      ...(f.freeCma ? [` free_cma:${m.freeCma}`] : [])
    ]
  }
  const free = ` free:${m.free} free_pcp:${m.freePcp} free_cma:${m.freeCma}`
  const misc = f.kernelMiscReclaimable
    ? [` kernel_misc_reclaimable:${m.kernelMiscReclaimable}`]
    : []
  if (!f.secPagetables) return [...head, dirty, slab, `${mapped} bounce:${m.bounce}`, ...misc, free]
  return [
    ...head,
    dirty,
    slab,
    mapped,
    ` sec_pagetables:${m.secPagetables} bounce:${m.bounce}`,
    ...misc,
    free
  ]
}

/** The per-node line (node-based LRUs; absent on 3.x). */
function nodeLine(n: NodeMemInfo, m: ShowMem, f: Fmt): string {
  const thp = m.config?.thp ?? true
  let s =
    `Node ${n.node} active_anon:${n.activeAnonKb}kB inactive_anon:${n.inactiveAnonKb}kB` +
    ` active_file:${n.activeFileKb}kB inactive_file:${n.inactiveFileKb}kB` +
    ` unevictable:${n.unevictableKb}kB isolated(anon):${n.isolatedAnonKb}kB` +
    ` isolated(file):${n.isolatedFileKb}kB mapped:${n.mappedKb}kB dirty:${n.dirtyKb}kB` +
    ` writeback:${n.writebackKb}kB shmem:${n.shmemKb}kB`
  if (thp) {
    const sp = f.thpFieldSpace ? ' ' : ''
    s +=
      ` shmem_thp:${sp}${n.shmemThpKb}kB shmem_pmdmapped:${sp}${n.shmemPmdmappedKb}kB` +
      ` anon_thp:${sp}${n.anonThpKb}kB`
  }
  if (f.writebackTmp) s += ` writeback_tmp:${n.writebackTmpKb}kB`
  if (f.unstable) s += ` unstable:${m.unstable ?? 0}kB`
  if (f.kernelStack === 'node') s += ` kernel_stack:${n.kernelStackKb}kB`
  if (f.pagetables === 'node') s += ` pagetables:${n.pagetablesKb}kB`
  if (f.secPagetables) s += ` sec_pagetables:${n.secPagetablesKb}kB`
  s += ` all_unreclaimable? ${n.allUnreclaimable ? 'yes' : 'no'}`
  if (f.balloon) s += ` Balloon:${m.balloonKb ?? 0}kB`
  return s
}

/** The zone line (kB); the highatomic fields use a capital KB. */
function zoneLine(z: ZoneInfo, m: ShowMem, f: Fmt): string {
  const prefix = (m.config?.numa ?? true) ? `Node ${z.node} ` : ''
  const lru =
    ` active_anon:${z.activeAnonKb}kB inactive_anon:${z.inactiveAnonKb}kB` +
    ` active_file:${z.activeFileKb}kB inactive_file:${z.inactiveFileKb}kB` +
    ` unevictable:${z.unevictableKb}kB`
  const wm = ` min:${z.minKb}kB low:${z.lowKb}kB high:${z.highKb}kB`
  if (f.layout === 'zoneLru') return zoneLineZoneLru(z, prefix, wm, lru, f)
  let s = `${prefix}${z.name} free:${z.freeKb}kB`
  if (f.zoneBoost) s += ` boost:${z.boostKb}kB`
  s += wm
  if (f.reservedHighatomic) s += ` reserved_highatomic:${z.reservedHighatomicKb}KB`
  if (f.freeHighatomic) s += ` free_highatomic:${z.freeHighatomicKb}KB`
  s += `${lru} writepending:${z.writependingKb}kB`
  if (f.freeHighatomic) s += ` zspages:${z.zspagesKb}kB`
  s += ` present:${z.presentKb}kB managed:${z.managedKb}kB mlocked:${z.mlockedKb}kB`
  if (f.kernelStack === 'zone') s += ` kernel_stack:${z.kernelStackKb}kB`
  if (f.pagetables === 'zone') s += ` pagetables:${z.pagetablesKb}kB`
  return (
    s +
    ` bounce:${z.bounceKb}kB` +
    ` free_pcp:${z.freePcpKb}kB local_pcp:${z.localPcpKb}kB free_cma:${z.freeCmaKb}kB`
  )
}

/** The buddy line: `[Node %d ]%s: ` then `%lu*%lukB ` (+ `(%s) ` types when non-zero) `= %lukB`. */
export function renderBuddyLine(z: ZoneInfo, numa = true): string {
  let s = `${numa ? `Node ${z.node} ` : ''}${z.name}: `
  let total = 0
  z.buddy.forEach((b, order) => {
    const sizeKb = 4 << order
    s += `${b.count}*${sizeKb}kB `
    if (b.count > 0 && b.types !== '') s += `(${b.types}) `
    total += b.count * sizeKb
  })
  return `${s}= ${total}kB`
}

/** The whole Mem-Info block, one string per dmesg line. */
export function renderShowMem(m: ShowMem, profile: KernelProfile): string[] {
  const fmt = profile.format.showMem
  const zoneLru = fmt.layout === 'zoneLru'
  const cfg = m.config ?? {}
  const numa = cfg.numa ?? true
  const out: string[] = ['Mem-Info:']
  if (zoneLru) out.push(...renderPerCpuBlocks(m, numa))
  out.push(...globalLines(m, fmt))
  if (!zoneLru) for (const n of m.nodes) out.push(nodeLine(n, m, fmt))
  for (const z of m.zones) {
    out.push(zoneLine(z, m, fmt))
    out.push(`lowmem_reserve[]:${z.lowmemReserve.map(v => ` ${v}`).join('')}`)
  }
  for (const z of m.zones) out.push(renderBuddyLine(z, numa))
  if ((cfg.hugetlb ?? true) && fmt.hugepagesLines) {
    for (const n of m.nodes) {
      for (const h of n.hugepages) {
        out.push(
          `Node ${n.node} hugepages_total=${h.total} hugepages_free=${h.free} hugepages_surp=${h.surp} hugepages_size=${h.sizeKb}kB`
        )
      }
    }
  }
  out.push(`${m.totalPagecache} total pagecache pages`)
  out.push(`${m.swapCache} pages in swap cache`)
  if (profile.format.swapCacheStats) {
    const st = cfg.swapCacheStats ?? { add: 0, delete: 0, findSuccess: 0, findTotal: 0 }
    out.push(
      `Swap cache stats: add ${st.add}, delete ${st.delete}, find ${st.findSuccess}/${st.findTotal}`
    )
  }
  out.push(`Free swap  = ${m.freeSwapKb}kB`)
  out.push(`Total swap = ${m.totalSwapKb}kB`)
  out.push(...renderPageCounts(m, fmt))
  return out
}

/**
 * dump_unreclaimable_slab() (>= 4.15): "Unreclaimable slab info:", the column header, then
 * `%-17s %10luKB %10luKB` per cache.
 */
export function renderUnreclaimableSlab(
  rows: readonly { name: string; usedKb: number; totalKb: number }[]
): string[] {
  return [
    'Unreclaimable slab info:',
    'Name                      Used          Total',
    ...rows.map(
      r =>
        `${r.name.padEnd(17, ' ')} ${String(r.usedKb).padStart(10, ' ')}KB ${String(r.totalKb).padStart(10, ' ')}KB`
    )
  ]
}
