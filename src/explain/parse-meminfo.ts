/**
 * @module show_mem ("Mem-Info:") lines of every generation: the global counter line (split or
 * not), per-node and per-zone lines, lowmem_reserve[], buddy lists, hugepages, and the swap and
 * RAM totals. Global counters are pages; node and zone values kB, as printed. Accumulating them
 * into a ShowMem is `apply-meminfo.ts`.
 */

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

/** The totals that close show_mem ("N pages RAM", "Total swap = NkB", ...). */
function parseTotalLine(t: string): MemLine | null {
  for (const [re, field] of TOTALS) {
    const m = re.exec(t)
    if (m) return { kind: 'mem-total', field, value: Number(m[1]) }
  }
  return null
}

/** lowmem_reserve[], swap cache stats, 3.x per-cpu blocks and hugepages lines. */
function parseListLine(t: string): MemLine | null {
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
  if (sc) {
    const [add, del, findSuccess, findTotal] = sc.slice(1).map(Number)
    return {
      kind: 'mem-swapstats',
      add: add ?? 0,
      delete: del ?? 0,
      findSuccess: findSuccess ?? 0,
      findTotal: findTotal ?? 0
    }
  }
  // 3.x show_free_areas(): "Node 0 DMA32 per-cpu:" and "CPU    0: hi:  186, btch:  31 usd:  88".
  const pz = t.endsWith(' per-cpu:') ? /^(?:Node (\d+) )?(\S+) per-cpu:$/.exec(t) : null
  if (pz)
    return {
      kind: 'mem-pcp-zone',
      node: pz[1] === undefined ? null : Number(pz[1]),
      zone: pz[2] ?? ''
    }
  const pc = /^CPU\s+(\d+): hi:\s*(\d+), btch:\s*(\d+) usd:\s*(\d+)/.exec(t)
  if (pc) {
    const [cpu, high, batch, count] = pc.slice(1).map(Number)
    return { kind: 'mem-pcp', cpu: cpu ?? 0, high: high ?? 0, batch: batch ?? 0, count: count ?? 0 }
  }
  if (t.startsWith('Swap cache stats:')) return { kind: 'mem-other' }
  const hp =
    /^Node (\d+) hugepages_total=(\d+) hugepages_free=(\d+) hugepages_surp=(\d+) hugepages_size=(\d+)kB/.exec(
      t
    )
  if (!hp) return null
  const [node, total, free, surp, sizeKb] = hp.slice(1).map(Number)
  return {
    kind: 'mem-hugepages',
    node: node ?? 0,
    total: total ?? 0,
    free: free ?? 0,
    surp: surp ?? 0,
    sizeKb: sizeKb ?? 0
  }
}

/** "all_unreclaimable? yes|no" on a node or zone line, or null. */
function allUnreclaimableOf(rest: string): boolean | null {
  const au = /all_unreclaimable\? (yes|no)/.exec(rest)
  return au ? au[1] === 'yes' : null
}

/** A zone line ("Node 0 DMA32 free:...") or a buddy line ("Node 0 DMA32: 1*4kB (M) ... = NkB"). */
function parseZoneLine(t: string): MemLine | null {
  const z = ZONE_NAMES.exec(t)
  if (!z) return null
  const node = z[1] === undefined ? null : Number(z[1])
  const zone = z[2] ?? ''
  const rest = t.slice(z[0].length)
  if (z[3] === ':') {
    const buddy: { count: number; types: string }[] = []
    const re = /(\d+)\*(\d+)kB\s*(?:\(([A-Z]+)\))?/g
    let m: RegExpExecArray | null
    let sumKb = 0
    while ((m = re.exec(rest)) !== null) {
      buddy.push({ count: Number(m[1]), types: m[3] ?? '' })
      sumKb += Number(m[1]) * Number(m[2])
    }
    const total = /= (\d+)kB\s*$/.exec(rest)
    return { kind: 'mem-buddy', node, zone, buddy, totalKb: total ? Number(total[1]) : null, sumKb }
  }
  if (!rest.startsWith('free:')) return null
  return {
    kind: 'mem-zone',
    node,
    zone,
    pairs: pairsOf(rest),
    allUnreclaimable: allUnreclaimableOf(rest)
  }
}

/** A per-node line ("Node 0 active_anon:...") or the global counter line. */
function parseCounterLine(t: string): MemLine | null {
  const n = /^Node (\d+) (active_anon:.*)$/.exec(t)
  if (n) {
    const rest = n[2] ?? ''
    return {
      kind: 'mem-node',
      node: Number(n[1]),
      pairs: pairsOf(rest),
      allUnreclaimable: allUnreclaimableOf(rest)
    }
  }
  // 2.6.3x prints "Active_anon:" with a capital A.
  if (/^[A-Za-z_]+:\d+(?:\s+[a-z_]+:\d+)*\s*$/.test(t))
    return { kind: 'mem-global', pairs: pairsOf(t.toLowerCase()) }
  return null
}

/** Classify one show_mem line, or null when it is not one. */
export function parseMemLine(text: string): MemLine | null {
  const t = text.trimStart()
  if (t === 'Mem-Info:') return { kind: 'mem-start' }
  const c = t.charCodeAt(0)
  if ((c >= 48 && c <= 57) || t.startsWith('Free swap') || t.startsWith('Total swap'))
    return parseTotalLine(t)
  return parseListLine(t) ?? parseZoneLine(t) ?? parseCounterLine(t)
}
