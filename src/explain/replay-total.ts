/**
 * @module totalpages for a replay, as constrained_alloc() / mem_cgroup_get_max() computed it from
 * what the report shows: the memcg limit plus the swap the memcg may use, or RAM (pages RAM minus
 * reserved = managed pages) plus total swap; with a lower bound when neither is in the text.
 * Pages unless a name ends in Kb.
 */
import type { TaskRow } from '../kernel/oom-report.ts'
import type { OomEvent } from './oom-event.ts'

/** A kB limit the kernel prints for "unlimited" (PAGE_COUNTER_MAX in kB and friends). */
function isUnlimitedKb(kb: number | bigint): boolean {
  return Number(kb) >= 2 ** 50
}

/** totalpages and where it came from. */
export interface Total {
  total: number | null
  source: string
  /** Swap pages were not known and were left out (or estimated). */
  swapUnknown: boolean
}

/** totalpages as constrained_alloc()/mem_cgroup_get_max() would have computed it. */
export function totalPagesOf(e: OomEvent): Total {
  const mem = e.showMem
  const totalSwap = mem?.totalSwapKb !== undefined ? Math.floor(mem.totalSwapKb / 4) : null
  if (e.constraint === 'CONSTRAINT_MEMCG') {
    const m = e.memcgInfo?.memory
    if (!m || Number(m.limitKb) <= 0 || isUnlimitedKb(m.limitKb))
      return { total: null, source: 'memcg limit not in the report', swapUnknown: true }
    const limit = Math.floor(Number(m.limitKb) / 4)
    // mem_cgroup_get_max(): memory limit plus the swap the memcg may still use.
    const sw = e.memcgInfo?.swap
    const memsw = e.memcgInfo?.memsw
    if (sw) {
      const swapLimit = isUnlimitedKb(sw.limitKb) ? Infinity : Math.floor(Number(sw.limitKb) / 4)
      const allowance = Math.min(swapLimit, totalSwap ?? swapLimit)
      if (Number.isFinite(allowance))
        return {
          total: limit + allowance,
          source: `memcg limit ${m.limitKb}kB + swap allowance ${allowance * 4}kB`,
          swapUnknown: totalSwap === null && allowance > 0
        }
      return {
        total: limit,
        source: `memcg limit ${m.limitKb}kB (swap size unknown)`,
        swapUnknown: true
      }
    }
    if (memsw) {
      const memswLimit = isUnlimitedKb(memsw.limitKb)
        ? Infinity
        : Math.floor(Number(memsw.limitKb) / 4)
      if (totalSwap !== null)
        return {
          total: Math.min(limit + totalSwap, memswLimit),
          source: `memcg limit ${m.limitKb}kB + min(total swap, memory+swap limit)`,
          swapUnknown: false
        }
      if (Number.isFinite(memswLimit))
        return {
          total: Math.max(limit, memswLimit),
          source: `memcg memory+swap limit ${memsw.limitKb}kB (total swap unknown)`,
          swapUnknown: true
        }
      return {
        total: limit,
        source: `memcg limit ${m.limitKb}kB (swap size unknown)`,
        swapUnknown: true
      }
    }
    return { total: limit, source: `memcg limit ${m.limitKb}kB`, swapUnknown: false }
  }
  // Global: totalram_pages (managed pages) + total_swap_pages.
  let ram: number | null = null
  let source = ''
  const managed = (mem?.zones ?? []).reduce((s, z) => s + z.managedKb, 0)
  if (mem?.pagesRam !== undefined && mem.pagesReserved !== undefined) {
    ram = mem.pagesRam - mem.pagesReserved
    source = `RAM ${mem.pagesRam} - reserved ${mem.pagesReserved} pages`
  } else if (managed > 0) {
    ram = Math.floor(managed / 4)
    source = 'sum of zone managed pages'
  } else if (mem?.pagesRam !== undefined) {
    ram = mem.pagesRam
    source = `RAM ${mem.pagesRam} pages (reserved unknown)`
  }
  if (ram === null) return { total: null, source: 'RAM size not in the report', swapUnknown: true }
  if (totalSwap === null)
    return { total: ram, source: `${source} (swap unknown)`, swapUnknown: true }
  return {
    total: ram + totalSwap,
    source: `${source} + swap ${totalSwap} pages`,
    swapUnknown: false
  }
}

/** A lower bound for totalpages: the memory the listed tasks hold (rss + swap). */
export function estimateTotal(rows: readonly TaskRow[]): number {
  return rows.reduce((s, r) => s + r.rss + r.swapEnts, 0)
}
