/**
 * Golden: real 3.x and RHEL 6 reports. cadvisor_1 (3.13 memcg v1), cadvisor_2 (3.13 global,
 * whole Mem-Info), monocular_1 (CentOS 7 3.10 with the shmem-rss backport, hierarchical memcg
 * stats cut short by the source) and lkml_rhel6memcg_1 (2.6.32-220.el6).
 */
import { describe, expect, it } from 'vitest'
import type { ZoneLegacyInfo } from '../../../src/kernel/oom-report.ts'
import { profiles, variant } from '../../../src/kernel/profiles.ts'
import {
  memcgStatEntries,
  renderKilledLine,
  renderMemcgInfo,
  renderOomReport,
  renderSacrificeLine,
  renderShowMem,
  renderTaskTable
} from '../../../src/kernel/printk/index.ts'
import {
  buddy,
  golden,
  isStackNoise,
  killed,
  memcg,
  node,
  report,
  rowsAfter,
  showMem,
  trigger,
  zone
} from './builders.ts'

const p310 = profiles['3.10']!
const header3x = '[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name'

/** Compare line by line; a line the source cut short only has to be a prefix of ours. */
function expectLines(
  got: string[],
  expected: string[],
  cut: (l: string) => boolean = () => false
): void {
  expect(got.length).toBe(expected.length)
  got.forEach((g, i) => {
    const e = expected[i]!
    if (cut(e)) expect(g.startsWith(e), `line ${i}: ${g}`).toBe(true)
    else expect(g, `line ${i}`).toBe(e)
  })
}

describe('3.13 memcg OOM (cadvisor_1)', () => {
  const expected = golden('cadvisor1-313-report.txt')
  const r = report({
    trigger: trigger({ comm: 'memorymonster', pid: 13536, gfpMask: 0xd0 }),
    kernelRelease: '3.13.0-43-generic',
    hardware: 'Hewlett-Packard HP Z420 Workstation/1589, BIOS J61 v03.65 12/19/2013',
    cpu: 5,
    stack: { taint: 'Tainted: P           OX', build: '#72-Ubuntu' },
    constraint: 'CONSTRAINT_MEMCG',
    oomMemcg: '/mem2',
    memcgInfo: memcg({
      oomMemcg: '/mem2',
      taskMemcg: '/mem2',
      memory: { usageKb: 980, limitKb: 980, failcnt: 4152239 },
      // res_counter's unlimited (ULLONG_MAX >> 10) is above 2^53: only a bigint prints it.
      memsw: { usageKb: 0, limitKb: 18014398509481983n, failcnt: 0 },
      kmem: { usageKb: 0, limitKb: 18014398509481983n, failcnt: 0 },
      stats: [
        {
          path: '/mem2',
          entries: [
            ['cache', 0],
            ['rss', 980],
            ['rss_huge', 0],
            ['mapped_file', 0],
            ['writeback', 20],
            ['inactive_anon', 560],
            ['active_anon', 420],
            ['inactive_file', 0],
            ['active_file', 0],
            ['unevictable', 0]
          ]
        }
      ]
    }),
    tasks: rowsAfter(expected, header3x, '3x'),
    victim: { pid: 13536, comm: 'memorymonster', uid: 275858, memcg: '/mem2' },
    sacrifice: { pid: 13536, comm: 'memorymonster', score: 996 },
    killed: killed({
      message: 'Memory cgroup out of memory',
      pid: 13536,
      comm: 'memorymonster',
      totalVmKb: 33558652,
      anonRssKb: 920,
      fileRssKb: 452
    })
  })

  it('renders the 3x table row, the sacrifice line and the Killed line', () => {
    expect(renderTaskTable(r.tasks!, p310)).toEqual(expected.slice(-4, -2))
    expect(renderSacrificeLine('Memory cgroup out of memory', r.sacrifice!, p310)).toBe(
      expected.at(-2)
    )
    expect(renderKilledLine(r.killed!, p310)).toBe(expected.at(-1))
  })

  it('renders the whole report, apart from the stack dump', () => {
    expect(renderOomReport(r, p310).filter(l => !isStackNoise(l))).toEqual(
      expected.filter(l => !isStackNoise(l))
    )
  })
})

describe('3.13 global OOM (cadvisor_2)', () => {
  const expected = golden('cadvisor2-313-report.txt')
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
    allUnreclaimable: true,
    pcp: [],
    ...l
  })
  const mem = showMem({
    activeAnon: 405991,
    inactiveAnon: 57,
    activeFile: 35,
    inactiveFile: 69,
    free: 12929,
    slabReclaimable: 1635,
    slabUnreclaimable: 1919,
    mapped: 34,
    shmem: 70,
    pagetables: 1423,
    nodes: [node({ hugepages: [{ total: 0, free: 0, surp: 0, sizeKb: 2048 }] })],
    zones: [
      zone({
        name: 'DMA',
        freeKb: 7124,
        minKb: 412,
        lowKb: 512,
        highKb: 616,
        activeAnonKb: 8508,
        inactiveAnonKb: 4,
        presentKb: 15992,
        managedKb: 15908,
        pagetablesKb: 12,
        lowmemReserve: [0, 1679, 1679, 1679],
        buddy: buddy('5:UM 6:UEM 7:UEM 1:M 2:UE 3:UEM 1:E 2:EM 3:UEM 1:R 0'),
        legacy: legacy({
          shmemKb: 4,
          slabReclaimableKb: 16,
          slabUnreclaimableKb: 16,
          pcp: [{ cpu: 0, high: 0, batch: 1, count: 0 }]
        })
      }),
      zone({
        name: 'DMA32',
        freeKb: 44592,
        minKb: 44640,
        lowKb: 55800,
        highKb: 66960,
        activeAnonKb: 1615456,
        inactiveAnonKb: 224,
        activeFileKb: 140,
        inactiveFileKb: 276,
        presentKb: 1765368,
        managedKb: 1722912,
        kernelStackKb: 592,
        pagetablesKb: 5680,
        lowmemReserve: [0, 0, 0, 0],
        buddy: buddy('74:UEM 125:UEM 78:UEM 26:UE 12:UEM 4:UE 4:UE 2:E 11:UE 7:UE 3:UR'),
        legacy: legacy({
          mappedKb: 136,
          shmemKb: 276,
          slabReclaimableKb: 6524,
          slabUnreclaimableKb: 7660,
          pagesScanned: 819,
          pcp: [{ cpu: 0, high: 186, batch: 31, count: 86 }]
        })
      })
    ],
    totalPagecache: 204,
    pagesRam: 445340,
    pagesReserved: 10614
  })
  const r = report({
    trigger: trigger({ comm: 'badsysprogram', pid: 1532, gfpMask: 0x280da }),
    kernelRelease: '3.13.0-27-generic',
    hardware: 'Google Google, BIOS Google 01/01/2011',
    stack: { build: '#50-Ubuntu' },
    showMem: mem,
    tasks: rowsAfter(expected, header3x, '3x'),
    victim: { pid: 1532, comm: 'badsysprogram', uid: 1020, memcg: '/' },
    sacrifice: { pid: 1532, comm: 'badsysprogram', score: 919 },
    killed: killed({
      pid: 1532,
      comm: 'badsysprogram',
      totalVmKb: 1641388,
      anonRssKb: 1595164,
      fileRssKb: 76
    })
  })

  it('renders the 3.x Mem-Info block: per-cpu lines, zone line with pages_scanned', () => {
    const from = expected.indexOf('Mem-Info:')
    expect(renderShowMem(mem, p310)).toEqual(expected.slice(from, expected.indexOf(header3x)))
  })

  it('renders the whole report (28 rows, sacrifice, Killed), apart from the stack dump', () => {
    expect(r.tasks).toHaveLength(28)
    expect(renderOomReport(r, p310).filter(l => !isStackNoise(l))).toEqual(
      expected.filter(l => !isStackNoise(l))
    )
  })
})

describe('CentOS 7 3.10 memcg OOM (monocular_1)', () => {
  const expected = golden('monocular310-report.txt')
  // RHEL 7 backported shmem-rss into the Killed line.
  const rhel7 = variant(p310, { name: 'rhel7', description: 'test', format: { killed: '4.5' } })
  const pod = '/kubepods.slice/kubepods-podbee65b57_7e71_11e8_9ced_d24398b14524.slice'
  const stat = (rss: number, huge: number, active: number): [string, number][] => [
    ['cache', 0],
    ['rss', rss],
    ['rss_huge', huge],
    ['mapped_file', 0],
    ['swap', 0],
    ['inactive_anon', 0],
    ['active_anon', active],
    ['inactive_file', 0],
    ['active_file', 0],
    ['unevictable', 0]
  ]
  const r = report({
    trigger: trigger({
      comm: 'monocular',
      pid: 26049,
      gfpMask: 0xd0,
      oomScoreAdj: -998,
      cpuset: 'docker-5d3a4c6e75105b3ef0bdfd215ebec12e9a2d32341f369e75125954cb3eeed903.scope'
    }),
    kernelRelease: '3.10.0-693.11.6.el7.x86_64',
    hardware: 'QEMU Standard PC (i440FX + PIIX, 1996), BIOS Ubuntu-1.8.2-1ubuntu1 04/01/2014',
    stack: { taint: 'Tainted: G               ------------ T' },
    constraint: 'CONSTRAINT_MEMCG',
    oomMemcg: pod,
    memcgInfo: memcg({
      oomMemcg: pod,
      taskMemcg: `${pod}/docker-5d3a4c6e75105b3ef0bdfd215ebec12e9a2d32341f369e75125954cb3eeed903.scope`,
      memory: { usageKb: 233472, limitKb: 233472, failcnt: 3028 },
      memsw: { usageKb: 233472, limitKb: 9007199254740988, failcnt: 0 },
      kmem: { usageKb: 0, limitKb: 9007199254740988, failcnt: 0 },
      stats: [
        { path: pod, entries: stat(0, 0, 0) },
        {
          path: `${pod}/docker-bf8a40c68a97ea71175febbf2551262a881b3dd519b37a31e8e2837c2f743531.scope`,
          entries: stat(44, 0, 44)
        },
        {
          path: `${pod}/docker-5d3a4c6e75105b3ef0bdfd215ebec12e9a2d32341f369e75125954cb3eeed903.scope`,
          entries: stat(233428, 2048, 233428)
        }
      ]
    }),
    tasks: rowsAfter(expected, header3x, '3x'),
    victim: { pid: 24518, comm: 'monocular', uid: 0, memcg: pod },
    sacrifice: { pid: 26074, comm: 'monocular', score: 54 },
    killed: killed({
      message: 'Memory cgroup out of memory',
      pid: 24518,
      comm: 'monocular',
      totalVmKb: 267220,
      anonRssKb: 232620,
      fileRssKb: 11064
    })
  })

  it('renders the whole report; the stats lines the source cut short are prefixes of ours', () => {
    const got = renderOomReport(r, rhel7).filter(l => !isStackNoise(l))
    expectLines(
      got,
      expected.filter(l => !isStackNoise(l)),
      l => l.startsWith('Memory cgroup stats for') && !l.endsWith('unevictable:0KB')
    )
  })
})

describe('RHEL 6 2.6.32 memcg OOM (lkml_rhel6memcg_1)', () => {
  const expected = golden('rhel6memcg-report.txt')
  const p = profiles['rhel6']!
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
    tasks: rowsAfter(
      expected,
      '[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name',
      'rhel6'
    ),
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

  it('renders the RHEL 6 table (cpu, oom_adj columns), sacrifice and Killed lines', () => {
    expect(renderTaskTable(r.tasks!, p)).toEqual(expected.slice(-4, -2))
    expect(renderSacrificeLine('Memory cgroup out of memory', r.sacrifice!, p)).toBe(
      expected.at(-2)
    )
    expect(renderKilledLine(r.killed!, p)).toBe(expected.at(-1))
  })

  it('renders the header, cpuset, banner and memcg lines (the Mem-Info block: golden-old-meminfo.test.ts)', () => {
    const got = renderOomReport(r, p).filter(l => !isStackNoise(l))
    const want = expected.filter(l => !isStackNoise(l))
    const memInfo = want.indexOf('Mem-Info:')
    const table = want.indexOf(
      '[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name'
    )
    expect(got).toEqual([...want.slice(0, memInfo), ...want.slice(table)])
  })
})

describe('memcgStatEntries on 3.x', () => {
  it('gives the 3.13 keys of cadvisor_1 (no shmem/dirty, no swap without swap accounting)', () => {
    const expected = golden('cadvisor1-313-report.txt')
    const e = memcgStatEntries(
      {
        anon: 980 * 1024,
        file_writeback: 20 * 1024,
        inactive_anon: 560 * 1024,
        active_anon: 420 * 1024
      },
      'v1',
      p310
    )
    const line = renderMemcgInfo(
      memcg({ oomMemcg: '/mem2', stats: [{ path: '/mem2', entries: e }] }),
      p310
    ).at(-1)
    expect(line).toBe(expected.find(l => l.startsWith('Memory cgroup stats for')))
  })
})
