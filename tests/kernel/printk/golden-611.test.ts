/**
 * Golden: a real 6.11 global OOM (tests/fixtures/oomlogs/cnnotes611_1.log, QEMU, stress-ng).
 * The data is typed in from the report's numbers; every line except the call-trace entries and
 * the register dump must come out byte for byte.
 */
import { describe, expect, it } from 'vitest'
import { profiles } from '../../../src/kernel/profiles.ts'
import {
  renderInvokedLine,
  renderKilledLine,
  renderOomReport,
  renderShowMem,
  renderSummaryLine,
  renderTaskTable
} from '../../../src/kernel/printk/index.ts'
import type { OomReportData } from '../../../src/kernel/oom-report.ts'
import {
  buddy,
  golden,
  isStackNoise,
  killed,
  node,
  report,
  row,
  showMem,
  trigger,
  zone
} from './builders.ts'

const p611 = profiles['6.11']!
const expected = golden('cnnotes611-report.txt')

const mem = showMem({
  activeAnon: 1999425,
  unevictable: 4653,
  slabReclaimable: 878,
  slabUnreclaimable: 5771,
  mapped: 4760,
  shmem: 4157,
  pagetables: 4009,
  free: 1097,
  freePcp: 8616,
  nodes: [
    node({
      activeAnonKb: 7997700,
      unevictableKb: 18612,
      mappedKb: 19040,
      shmemKb: 16628,
      kernelStackKb: 2144,
      pagetablesKb: 16036,
      hugepages: [
        { total: 0, free: 0, surp: 0, sizeKb: 1048576 },
        { total: 0, free: 0, surp: 0, sizeKb: 2048 }
      ]
    })
  ],
  zones: [
    zone({
      name: 'DMA',
      freeKb: 32,
      minKb: 20,
      lowKb: 32,
      highKb: 44,
      activeAnonKb: 14296,
      presentKb: 15992,
      managedKb: 15360,
      freePcpKb: 8,
      localPcpKb: 8,
      lowmemReserve: [0, 1895, 7890, 0, 0],
      buddy: buddy('0 0 0 1:M 0 0 0 0 0 0 0')
    }),
    zone({
      name: 'DMA32',
      freeKb: 3372,
      minKb: 2728,
      lowKb: 4668,
      highKb: 6608,
      activeAnonKb: 1942216,
      presentKb: 2080640,
      managedKb: 1964520,
      freePcpKb: 14484,
      localPcpKb: 13260,
      lowmemReserve: [0, 0, 5994, 0, 0],
      buddy: buddy('1:M 1:M 1:U 0 0 1:U 1:M 1:M 0 1:U 0')
    }),
    zone({
      name: 'Normal',
      freeKb: 984,
      minKb: 8628,
      lowKb: 14764,
      highKb: 20900,
      activeAnonKb: 6041180,
      unevictableKb: 18612,
      presentKb: 6291456,
      managedKb: 6138744,
      mlockedKb: 12,
      freePcpKb: 19972,
      localPcpKb: 14156,
      lowmemReserve: [0, 0, 0, 0, 0],
      buddy: buddy('14:UE 7:UE 3:U 3:UM 1:M 2:UM 0 0 0 0 0')
    })
  ],
  totalPagecache: 8810,
  pagesRam: 2097022,
  pagesReserved: 67366,
  config: { thp: false }
})

const r: OomReportData = report({
  trigger: trigger({
    comm: 'stress-ng-vm',
    pid: 116,
    gfpMask: 0x440dc0,
    oomScoreAdj: 1000
  }),
  kernelRelease: '6.11.0-10669-g11a299a7933e-dirty',
  hardware: 'QEMU Standard PC (Q35 + ICH9, 2009), BIOS Arch Linux 1.16.3-1-1 04/01/2014',
  cpu: 1,
  stack: { build: '#15' },
  showMem: mem,
  tasks: [
    row({
      pid: 111,
      comm: 'sh',
      totalVm: 431,
      rss: 289,
      rssAnon: 32,
      rssFile: 257,
      pgtablesBytes: 49152
    }),
    row({
      pid: 114,
      comm: 'stress-ng',
      totalVm: 7500,
      rss: 4676,
      rssAnon: 96,
      rssFile: 452,
      rssShmem: 4128,
      pgtablesBytes: 90112,
      oomScoreAdj: -1000
    }),
    row({
      pid: 115,
      comm: 'stress-ng-vm',
      totalVm: 7501,
      rss: 270,
      rssAnon: 84,
      rssFile: 186,
      pgtablesBytes: 61440,
      oomScoreAdj: -1000
    }),
    row({
      pid: 116,
      comm: 'stress-ng-vm',
      totalVm: 2628942,
      rss: 1995298,
      rssAnon: 1995157,
      rssFile: 141,
      pgtablesBytes: 16052224,
      oomScoreAdj: 1000
    })
  ],
  victim: { pid: 116, comm: 'stress-ng-vm', uid: 0, memcg: '/' },
  killed: killed({
    pid: 116,
    comm: 'stress-ng-vm',
    totalVmKb: 10515768,
    anonRssKb: 7980628,
    fileRssKb: 564,
    pgtablesKb: 15676,
    oomScoreAdj: 1000
  })
})

function section(from: string, to: string): string[] {
  const a = expected.findIndex(l => l.startsWith(from))
  const b = expected.findIndex((l, i) => i >= a && l.startsWith(to))
  return expected.slice(a, b + 1)
}

describe('6.11 global OOM (cnnotes611_1)', () => {
  it('renders the invoked line', () => {
    expect(renderInvokedLine(r.trigger, p611)).toBe(expected[0])
  })

  it('renders the whole Mem-Info block', () => {
    expect(renderShowMem(mem, p611)).toEqual(section('Mem-Info:', '0 pages hwpoisoned'))
  })

  it('renders the task table header and 4 rows', () => {
    expect(renderTaskTable(r.tasks!, p611)).toEqual(section('Tasks state', '[    116]'))
  })

  it('renders the oom-kill summary and the Killed line', () => {
    expect(renderSummaryLine(r, p611)).toBe(expected.at(-2))
    expect(renderKilledLine(r.killed!, p611)).toBe(expected.at(-1))
  })

  it('renders the whole report, apart from trace entries and registers', () => {
    const got = renderOomReport(r, p611).filter(l => !isStackNoise(l))
    expect(got).toEqual(expected.filter(l => !isStackNoise(l)))
  })
})
