/**
 * Golden: a real Debian 5.10 global OOM (tests/fixtures/oomlogs/parseoom_1.log). Two source
 * defects are repaired in tests/golden/parseoom510-report.txt (see tests/golden/README.md):
 * a zone line wrapped after "active_anon:" and "4*5 12kB" in the DMA buddy line.
 */
import { describe, expect, it } from 'vitest'
import { profiles } from '../../../src/kernel/profiles.ts'
import {
  renderOomReport,
  renderReapedLine,
  renderShowMem
} from '../../../src/kernel/printk/index.ts'
import {
  buddy,
  golden,
  isStackNoise,
  killed,
  node,
  report,
  rowsAfter,
  showMem,
  trigger,
  zone
} from './builders.ts'

const p510 = profiles['5.10']!
const expected = golden('parseoom510-report.txt')
const tableHeader =
  '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name'

const mem = showMem({
  activeAnon: 69704,
  inactiveAnon: 407086,
  activeFile: 14,
  inactiveFile: 66,
  isolatedFile: 2,
  slabReclaimable: 4158,
  slabUnreclaimable: 4465,
  mapped: 70,
  shmem: 147,
  pagetables: 2089,
  free: 13191,
  freePcp: 370,
  nodes: [
    node({
      activeAnonKb: 278816,
      inactiveAnonKb: 1628344,
      activeFileKb: 56,
      inactiveFileKb: 264,
      isolatedFileKb: 8,
      mappedKb: 280,
      shmemKb: 588,
      anonThpKb: 856064,
      kernelStackKb: 2192,
      hugepages: [
        { total: 2, free: 0, surp: 0, sizeKb: 1048576 },
        { total: 12, free: 0, surp: 0, sizeKb: 2048 }
      ]
    })
  ],
  zones: [
    zone({
      name: 'DMA',
      freeKb: 8092,
      minKb: 356,
      lowKb: 444,
      highKb: 532,
      activeAnonKb: 12,
      inactiveAnonKb: 7756,
      presentKb: 15992,
      managedKb: 15908,
      pagetablesKb: 20,
      lowmemReserve: [0, 1935, 1935, 1935, 1935],
      buddy: buddy('1:U 3:UME 2:E 3:ME 2:U 3:UME 5:UME 4:ME 2:UE 1:E 0')
    }),
    zone({
      name: 'DMA32',
      freeKb: 44672,
      minKb: 44696,
      lowKb: 55868,
      highKb: 67040,
      activeAnonKb: 278804,
      inactiveAnonKb: 1620588,
      activeFileKb: 56,
      inactiveFileKb: 264,
      presentKb: 2080624,
      managedKb: 2014556,
      pagetablesKb: 8336,
      freePcpKb: 1480,
      localPcpKb: 1480,
      lowmemReserve: [0, 0, 0, 0, 0],
      buddy: buddy('206:UME 305:UE 322:UME 168:UME 93:UME 35:UME 6:UME 5:UME 0 0 4:M')
    })
  ],
  totalPagecache: 15881,
  swapCache: 15642,
  totalSwapKb: 524284,
  pagesRam: 5241540,
  pagesReserved: 16538,
  config: {
    cma: false,
    swapCacheStats: { add: 131944, delete: 116302, findSuccess: 3920, findTotal: 4316 }
  }
})

const r = report({
  trigger: trigger({ comm: 'f2b/f.postfix', pid: 754, gfpMask: 0x100cca }),
  kernelRelease: '5.10.0-10-amd64',
  hardware:
    'QEMU Standard PC (Q35 + ICH9, 2009), BIOS rel-1.12.0-0-ga698c8995f-prebuilt.qemu.org 04/01/2014',
  stack: { build: '#1 Debian 5.10.84-1' },
  showMem: mem,
  tasks: rowsAfter(expected, tableHeader, '4.19'),
  victim: { pid: 517, comm: 'clamd', uid: 111, memcg: '/system.slice/clamav-daemon.service' },
  killed: killed({
    pid: 517,
    comm: 'clamd',
    uid: 111,
    totalVmKb: 2361456,
    anonRssKb: 1689296,
    pgtablesKb: 4292
  })
})

describe('5.10 global OOM (parseoom_1)', () => {
  it('renders the Mem-Info block: 5.10 zone line, THP fields with a space, swap cache stats', () => {
    const from = expected.indexOf('Mem-Info:')
    const to = expected.indexOf('0 pages hwpoisoned')
    expect(renderShowMem(mem, p510)).toEqual(expected.slice(from, to + 1))
  })

  it('renders the whole report (35 task rows), apart from trace entries and registers', () => {
    expect(r.tasks).toHaveLength(35)
    const got = renderOomReport(r, p510).filter(l => !isStackNoise(l))
    expect(got).toEqual(expected.slice(0, -1).filter(l => !isStackNoise(l)))
  })

  it('renders the oom_reaper line', () => {
    expect(
      renderReapedLine({ pid: 517, comm: 'clamd', anonRssKb: 0, fileRssKb: 0, shmemRssKb: 0 })
    ).toBe(expected.at(-1))
  })
})
