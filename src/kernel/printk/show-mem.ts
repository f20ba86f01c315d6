/**
 * @module show_mem() / show_free_areas(): the "Mem-Info:" block of a global OOM, per layout
 * generation (profile.format.showMem; reference §6.4 and its deltas, corrected by real reports).
 *
 * The global counter line is one printk with embedded "\n " so dmesg shows it as several lines,
 * the later ones starting with a space; they are returned here as separate lines.
 */
import type { NodeMemInfo, ShowMem, ZoneInfo } from '../oom-report.ts'
import type { KernelProfile } from '../profiles.ts'

type Gen = KernelProfile['format']['showMem']

/** The global counter line (pages), split where the kernel embeds "\n ". */
function globalLines(m: ShowMem, gen: Gen): string[] {
  const head = [
    `active_anon:${m.activeAnon} inactive_anon:${m.inactiveAnon} isolated_anon:${m.isolatedAnon}`,
    ` active_file:${m.activeFile} inactive_file:${m.inactiveFile} isolated_file:${m.isolatedFile}`
  ]
  const unstable = m.unstable ?? 0
  switch (gen) {
    case '3x':
      // 3.x show_free_areas(): free is on the slab line, free_cma alone at the end.
      return [
        ...head,
        ` unevictable:${m.unevictable} dirty:${m.dirty} writeback:${m.writeback} unstable:${unstable}`,
        ` free:${m.free} slab_reclaimable:${m.slabReclaimable} slab_unreclaimable:${m.slabUnreclaimable}`,
        ` mapped:${m.mapped} shmem:${m.shmem} pagetables:${m.pagetables} bounce:${m.bounce}`,
        ` free_cma:${m.freeCma}`
      ]
    case '4.19':
    case '5.10':
      return [
        ...head,
        ` unevictable:${m.unevictable} dirty:${m.dirty} writeback:${m.writeback}` +
          (gen === '4.19' ? ` unstable:${unstable}` : ''),
        ` slab_reclaimable:${m.slabReclaimable} slab_unreclaimable:${m.slabUnreclaimable}`,
        ` mapped:${m.mapped} shmem:${m.shmem} pagetables:${m.pagetables} bounce:${m.bounce}`,
        ` free:${m.free} free_pcp:${m.freePcp} free_cma:${m.freeCma}`
      ]
    case '6.1':
    case '6.6':
    case '6.18':
      return [
        ...head,
        ` unevictable:${m.unevictable} dirty:${m.dirty} writeback:${m.writeback}`,
        ` slab_reclaimable:${m.slabReclaimable} slab_unreclaimable:${m.slabUnreclaimable}`,
        ` mapped:${m.mapped} shmem:${m.shmem} pagetables:${m.pagetables}`,
        ` sec_pagetables:${m.secPagetables} bounce:${m.bounce}`,
        ` kernel_misc_reclaimable:${m.kernelMiscReclaimable}`,
        ` free:${m.free} free_pcp:${m.freePcp} free_cma:${m.freeCma}`
      ]
  }
}

/** The per-node line (>= 4.8; absent on 3.x). */
function nodeLine(n: NodeMemInfo, m: ShowMem, gen: Gen): string {
  const thp = m.config?.thp ?? true
  let s =
    `Node ${n.node} active_anon:${n.activeAnonKb}kB inactive_anon:${n.inactiveAnonKb}kB` +
    ` active_file:${n.activeFileKb}kB inactive_file:${n.inactiveFileKb}kB` +
    ` unevictable:${n.unevictableKb}kB isolated(anon):${n.isolatedAnonKb}kB` +
    ` isolated(file):${n.isolatedFileKb}kB mapped:${n.mappedKb}kB dirty:${n.dirtyKb}kB` +
    ` writeback:${n.writebackKb}kB shmem:${n.shmemKb}kB`
  if (thp) {
    // Up to 6.1 the three THP fields print with a space after the colon (seen on 5.10).
    const sp = gen === '4.19' || gen === '5.10' || gen === '6.1' ? ' ' : ''
    s +=
      ` shmem_thp:${sp}${n.shmemThpKb}kB shmem_pmdmapped:${sp}${n.shmemPmdmappedKb}kB` +
      ` anon_thp:${sp}${n.anonThpKb}kB`
  }
  if (gen !== '6.18') s += ` writeback_tmp:${n.writebackTmpKb}kB`
  if (gen === '4.19') s += ` unstable:${m.unstable ?? 0}kB`
  else s += ` kernel_stack:${n.kernelStackKb}kB`
  if (gen === '6.1' || gen === '6.6' || gen === '6.18') {
    s += ` pagetables:${n.pagetablesKb}kB sec_pagetables:${n.secPagetablesKb}kB`
  }
  s += ` all_unreclaimable? ${n.allUnreclaimable ? 'yes' : 'no'}`
  if (gen === '6.18') s += ` Balloon:${m.balloonKb ?? 0}kB`
  return s
}

/** The zone line (kB) for each generation; the highatomic fields use a capital KB. */
function zoneLine(z: ZoneInfo, m: ShowMem, gen: Gen): string {
  const prefix = (m.config?.numa ?? true) ? `Node ${z.node} ` : ''
  const lru =
    ` active_anon:${z.activeAnonKb}kB inactive_anon:${z.inactiveAnonKb}kB` +
    ` active_file:${z.activeFileKb}kB inactive_file:${z.inactiveFileKb}kB` +
    ` unevictable:${z.unevictableKb}kB`
  const wm = ` min:${z.minKb}kB low:${z.lowKb}kB high:${z.highKb}kB`
  const pcp = ` free_pcp:${z.freePcpKb}kB local_pcp:${z.localPcpKb}kB free_cma:${z.freeCmaKb}kB`
  switch (gen) {
    case '3x': {
      const l = z.legacy
      return (
        `${prefix}${z.name} free:${z.freeKb}kB${wm}${lru}` +
        ` isolated(anon):${l?.isolatedAnonKb ?? 0}kB isolated(file):${l?.isolatedFileKb ?? 0}kB` +
        ` present:${z.presentKb}kB managed:${z.managedKb}kB mlocked:${z.mlockedKb}kB` +
        ` dirty:${l?.dirtyKb ?? 0}kB writeback:${l?.writebackKb ?? 0}kB mapped:${l?.mappedKb ?? 0}kB` +
        ` shmem:${l?.shmemKb ?? 0}kB slab_reclaimable:${l?.slabReclaimableKb ?? 0}kB` +
        ` slab_unreclaimable:${l?.slabUnreclaimableKb ?? 0}kB kernel_stack:${z.kernelStackKb}kB` +
        ` pagetables:${z.pagetablesKb}kB unstable:${l?.unstableKb ?? 0}kB bounce:${z.bounceKb}kB` +
        ` free_cma:${z.freeCmaKb}kB writeback_tmp:${l?.writebackTmpKb ?? 0}kB` +
        ` pages_scanned:${l?.pagesScanned ?? 0} all_unreclaimable? ${l?.allUnreclaimable === true ? 'yes' : 'no'}`
      )
    }
    case '4.19':
      return (
        `${prefix}${z.name} free:${z.freeKb}kB${wm}${lru} writepending:${z.writependingKb}kB` +
        ` present:${z.presentKb}kB managed:${z.managedKb}kB mlocked:${z.mlockedKb}kB` +
        ` kernel_stack:${z.kernelStackKb}kB pagetables:${z.pagetablesKb}kB bounce:${z.bounceKb}kB${pcp}`
      )
    case '5.10':
      // Real 5.10 (Debian 5.10.84): no boost, pagetables still in the zone line.
      return (
        `${prefix}${z.name} free:${z.freeKb}kB${wm} reserved_highatomic:${z.reservedHighatomicKb}KB${lru}` +
        ` writepending:${z.writependingKb}kB present:${z.presentKb}kB managed:${z.managedKb}kB` +
        ` mlocked:${z.mlockedKb}kB pagetables:${z.pagetablesKb}kB bounce:${z.bounceKb}kB${pcp}`
      )
    case '6.1':
    case '6.6':
      return (
        `${prefix}${z.name} free:${z.freeKb}kB boost:${z.boostKb}kB${wm}` +
        ` reserved_highatomic:${z.reservedHighatomicKb}KB${lru} writepending:${z.writependingKb}kB` +
        ` present:${z.presentKb}kB managed:${z.managedKb}kB mlocked:${z.mlockedKb}kB` +
        ` bounce:${z.bounceKb}kB${pcp}`
      )
    case '6.18':
      return (
        `${prefix}${z.name} free:${z.freeKb}kB boost:${z.boostKb}kB${wm}` +
        ` reserved_highatomic:${z.reservedHighatomicKb}KB free_highatomic:${z.freeHighatomicKb}KB${lru}` +
        ` writepending:${z.writependingKb}kB zspages:${z.zspagesKb}kB present:${z.presentKb}kB` +
        ` managed:${z.managedKb}kB mlocked:${z.mlockedKb}kB bounce:${z.bounceKb}kB${pcp}`
      )
  }
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
  const gen = profile.format.showMem
  const cfg = m.config ?? {}
  const numa = cfg.numa ?? true
  const out: string[] = ['Mem-Info:']
  if (gen === '3x') {
    for (const z of m.zones) {
      out.push(`${numa ? `Node ${z.node} ` : ''}${z.name} per-cpu:`)
      for (const p of z.legacy?.pcp ?? []) {
        out.push(
          `CPU ${String(p.cpu).padStart(4)}: hi:${String(p.high).padStart(5)}, btch:${String(p.batch).padStart(4)} usd:${String(p.count).padStart(4)}`
        )
      }
    }
  }
  out.push(...globalLines(m, gen))
  if (gen !== '3x') for (const n of m.nodes) out.push(nodeLine(n, m, gen))
  for (const z of m.zones) {
    out.push(zoneLine(z, m, gen))
    out.push(`lowmem_reserve[]:${z.lowmemReserve.map(v => ` ${v}`).join('')}`)
  }
  for (const z of m.zones) out.push(renderBuddyLine(z, numa))
  if (cfg.hugetlb ?? true) {
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
  out.push(`${m.pagesRam} pages RAM`)
  out.push(`${m.pagesHighmemMovable} pages HighMem/MovableOnly`)
  out.push(`${m.pagesReserved} pages reserved`)
  if (gen !== '3x') {
    if (cfg.cma ?? true) out.push(`${m.pagesCmaReserved} pages cma reserved`)
    if (cfg.memoryFailure ?? true) out.push(`${m.pagesHwpoisoned} pages hwpoisoned`)
  }
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
