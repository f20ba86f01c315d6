/**
 * Golden: the 2.6.32 / 3.x Mem-Info layouts (issue 15, items 3 and 4) against real reports.
 * lkml_rhel6memcg_1 (2.6.32-220.el6): a memcg OOM prints the memcg lines, then the global
 * show_mem() (dump_header(), 2.6.36–3.4 and el6); per-CPU pageset lines; zone lines without
 * managed: and free_cma:; no global free_cma:, no hugepages lines; lowmem_reserve[] with 4
 * entries; the pfn-walk tail "pages shared / non-shared" (lib/show_mem.c <= 3.11).
 */
import { describe, expect, it } from 'vitest'
import type { ZoneLegacyInfo } from '../../../src/kernel/oom-report.ts'
import { profiles } from '../../../src/kernel/profiles.ts'
import { renderOomReport, renderShowMem } from '../../../src/kernel/printk/index.ts'
import {
  buddy,
  golden,
  isStackNoise,
  killed,
  memcg,
  report,
  rowsAfter,
  showMem,
  trigger,
  zone
} from './builders.ts'

const rhel6 = profiles['rhel6']!

/**
 * The mail that carried lkml_rhel6memcg_1.log lost every line's leading blanks: the 2.6.32 call
 * trace entries (` [<%p>] ...`) and the continuation lines of the global counter printk
 * ("\n active_file:...") start at column 0 there. Only leading blanks are dropped; every other
 * byte is compared.
 */
const unindent = (lines: string[]): string[] => lines.map(l => l.trimStart())
const headerRhel6 = '[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name'

const legacy = (l: Partial<ZoneLegacyInfo>): ZoneLegacyInfo => ({
  isolatedAnonKb: 0,
  isolatedFileKb: 0,
  dirtyKb: 0,
  writebackKb: 0,
  mappedKb: 0,
  shmemKb: 0,
  slabReclaimableKb: 0,
  slabUnreclaimableKb: 0,
  unstableKb: 0,
  writebackTmpKb: 0,
  pagesScanned: 0,
  allUnreclaimable: false,
  pcp: [],
  ...l
})
const pcp = (high: number, batch: number, counts: number[]): ZoneLegacyInfo['pcp'] =>
  counts.map((count, cpu) => ({ cpu, high, batch, count }))

/** lkml_rhel6memcg_1.log's Mem-Info, field by field. */
const rhel6Mem = showMem({
  activeAnon: 14198,
  inactiveAnon: 66406,
  activeFile: 62480,
  inactiveFile: 88538,
  writeback: 12822,
  free: 27898,
  slabReclaimable: 8884,
  slabUnreclaimable: 9427,
  mapped: 2723,
  shmem: 68,
  pagetables: 1747,
  zones: [
    zone({
      name: 'DMA',
      freeKb: 15704,
      minKb: 592,
      lowKb: 740,
      highKb: 888,
      presentKb: 15308,
      lowmemReserve: [0, 1120, 1120, 1120],
      buddy: buddy('2 4 3 2 1 1 0 0 1 1 3'),
      legacy: legacy({ pcp: pcp(0, 1, [0, 0, 0, 0]) })
    }),
    zone({
      name: 'DMA32',
      freeKb: 95888,
      minKb: 44460,
      lowKb: 55572,
      highKb: 66688,
      activeAnonKb: 56792,
      inactiveAnonKb: 265624,
      activeFileKb: 249920,
      inactiveFileKb: 354152,
      presentKb: 1147232,
      kernelStackKb: 2216,
      pagetablesKb: 6988,
      lowmemReserve: [0, 0, 0, 0],
      buddy: buddy('124 882 579 337 171 42 3 32 32 1 0'),
      legacy: legacy({
        writebackKb: 51288,
        mappedKb: 10892,
        shmemKb: 272,
        slabReclaimableKb: 35536,
        slabUnreclaimableKb: 37708,
        pcp: pcp(186, 31, [88, 0, 0, 53])
      })
    })
  ],
  nodes: [],
  totalPagecache: 211205,
  swapCache: 60108,
  freeSwapKb: 1720104,
  totalSwapKb: 2064376,
  pagesRam: 294896,
  pagesReserved: 7632,
  pagesShared: 100154,
  pagesNonShared: 171738,
  config: { swapCacheStats: { add: 1240384, delete: 1180276, findSuccess: 400, findTotal: 507 } }
})

describe('RHEL 6 2.6.32 memcg OOM with the global Mem-Info (lkml_rhel6memcg_1)', () => {
  const expected = golden('rhel6memcg-report.txt')

  it('show_free_areas() / show_mem(), 2.6.32-220: the Mem-Info block byte for byte', () => {
    const from = expected.indexOf('Mem-Info:')
    expect(unindent(renderShowMem(rhel6Mem, rhel6))).toEqual(
      expected.slice(from, expected.indexOf(headerRhel6))
    )
  })

  it('dump_header(), 2.6.32-220: memcg lines, then Mem-Info, then the table: the whole report', () => {
    const r = report({
      trigger: trigger({ comm: 't', pid: 15462, gfpMask: 0xd0, oomAdj: 0 }),
      kernelRelease: '2.6.32-220.7.1.el6.x86_64',
      constraint: 'CONSTRAINT_MEMCG',
      oomMemcg: '/test',
      memcgInfo: memcg({
        oomMemcg: '/test',
        taskMemcg: '/test',
        memory: { usageKb: 102400, limitKb: 102400, failcnt: 756 },
        memsw: { usageKb: 206240, limitKb: 1048576, failcnt: 0 }
      }),
      showMem: rhel6Mem,
      tasks: rowsAfter(expected, headerRhel6, 'rhel6'),
      victim: { pid: 15462, comm: 't', uid: 500, memcg: '/test' },
      sacrifice: { pid: 15462, comm: 't', score: 1000 },
      killed: killed({
        message: 'Memory cgroup out of memory',
        pid: 15462,
        comm: 't',
        uid: 500,
        totalVmKb: 233384,
        anonRssKb: 51228,
        fileRssKb: 384
      })
    })
    expect(unindent(renderOomReport(r, rhel6).filter(l => !isStackNoise(l)))).toEqual(
      expected.filter(l => !isStackNoise(l))
    )
  })
})
