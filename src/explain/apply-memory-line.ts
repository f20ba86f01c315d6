/**
 * @module The memory block of a report in the event under construction: show_mem's lines, or
 * the memcg block (usage/limit counters, the cgroup v2 draft form, "Memory cgroup stats for").
 */
import { emptyMemcg, warn } from './building.ts'
import type { Building } from './building.ts'
import { applyMemLine } from './apply-meminfo.ts'
import type { MemLine } from './parse-meminfo.ts'
import type { MemcgLine } from './parse-memcg.ts'

/** The memory-block lines (show_mem or the memcg block). */
export function applyMemoryLine(b: Building, info: MemLine | MemcgLine, line: number): void {
  const e = b.event
  switch (info.kind) {
    case 'memcg-task-in':
      b.section = 'memcg'
      e.memcgInfo = { ...emptyMemcg(info.oomMemcg), taskMemcg: info.taskMemcg }
      return
    case 'memcg-limit-reached':
      b.section = 'memcg'
      e.memcgInfo = emptyMemcg(info.oomMemcg)
      return
    case 'memcg-counter': {
      b.section = 'memcg'
      e.memcgInfo ??= emptyMemcg('')
      const c = { usageKb: info.usageKb, limitKb: info.limitKb, failcnt: info.failcnt }
      if (info.which === 'memory') e.memcgInfo.memory = c
      else if (info.which === 'memsw') e.memcgInfo.memsw = c
      else if (info.which === 'kmem') e.memcgInfo.kmem = c
      else if (info.which === 'swap') e.memcgInfo.swap = c
      return
    }
    case 'memcg-draft': {
      b.section = 'memcg-draft'
      e.memcgInfo ??= emptyMemcg('')
      const kb = Math.floor(info.bytes / 1024)
      const limitKb = info.maxBytes === null ? 0 : Math.floor(info.maxBytes / 1024)
      if (info.which === 'memory') {
        e.memcgInfo.memory = { usageKb: kb, limitKb, failcnt: 0 }
        e.memcgInfo.stats.push({ path: e.memcgInfo.oomMemcg, entries: [] })
      } else e.memcgInfo.swap = { usageKb: kb, limitKb, failcnt: 0 }
      return
    }
    case 'memcg-stats-for':
      b.section = 'memcg-stats'
      e.memcgInfo ??= emptyMemcg(info.path)
      if (e.memcgInfo.oomMemcg === '') e.memcgInfo.oomMemcg = info.path
      e.memcgInfo.stats.push({ path: info.path, entries: info.entries })
      return
    case 'memcg-protection':
      return
    case 'mem-start':
      b.section = 'meminfo'
      e.showMem ??= {}
      return
    default:
      if (info.kind === 'mem-buddy' && info.totalKb !== null && info.sumKb !== info.totalKb)
        warn(
          b,
          'garbled-line',
          line,
          `the ${info.zone} free-list line does not add up to its total (damaged text?)`
        )
      if (info.kind.startsWith('mem-')) {
        e.showMem ??= {}
        if (b.section !== 'memcg-stats') b.section = 'meminfo'
        applyMemLine(e.showMem, info)
      }
  }
}
