/**
 * Golden: 4.x and 5.x/6.x fragments. askubuntu_1 (4.x, nr_ptes nr_pmds, journalctl-condensed),
 * photon1535_1 (4.19 table, comm with a space), tpuvm_1 (5.19 memcg v2, nothing killable) and
 * egachi_1 (6.x memcg v2 with memory.oom.group, grep-filtered by the poster).
 */
import { describe, expect, it } from 'vitest'
import { profiles } from '../../../src/kernel/profiles.ts'
import {
  renderKilledLine,
  renderOomReport,
  renderReapedLine,
  renderSacrificeLine,
  renderShowMem,
  renderTaskTable
} from '../../../src/kernel/printk/index.ts'
import {
  golden,
  isStackNoise,
  killed,
  memcg,
  report,
  rowsAfter,
  showMem,
  trigger
} from './builders.ts'

describe('4.x global OOM tail (askubuntu_1)', () => {
  const expected = golden('askubuntu-4x-tail.txt')
  const p414 = profiles['4.14']!
  const header = '[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name'

  it('renders the show_mem tail with swap cache stats, cma and hwpoisoned lines', () => {
    const mem = showMem({
      totalPagecache: 31981,
      swapCache: 11627,
      totalSwapKb: 8252412,
      pagesRam: 2062044,
      pagesReserved: 56052,
      config: {
        swapCacheStats: {
          add: 10739122,
          delete: 10727632,
          findSuccess: 8444277,
          findTotal: 9983565
        }
      }
    })
    const got = renderShowMem(mem, p414)
    const tail = got.slice(got.indexOf('31981 total pagecache pages'))
    expect(tail).toEqual(expected.slice(0, expected.indexOf(header)))
  })

  it('renders the nr_ptes/nr_pmds row, sacrifice, Killed (shmem-rss) and reaper lines', () => {
    const rows = rowsAfter(expected, header, '4.0')
    expect(renderTaskTable(rows, p414)).toEqual(expected.slice(-5, -3))
    expect(
      renderSacrificeLine('Out of memory', { pid: 4358, comm: 'bash', score: 701 }, p414)
    ).toBe(expected.at(-3))
    const k = killed({ pid: 4358, comm: 'bash', totalVmKb: 11413548, anonRssKb: 7093784 })
    expect(renderKilledLine(k, p414)).toBe(expected.at(-2))
    expect(
      renderReapedLine({ pid: 4358, comm: 'bash', anonRssKb: 0, fileRssKb: 0, shmemRssKb: 0 })
    ).toBe(expected.at(-1))
  })
})

describe('4.19 memcg table (photon1535_1)', () => {
  it('renders [%7d] pids and a comm with a space', () => {
    const expected = golden('photon419-table.txt').slice(0, -1) // last line is cut mid-word
    const rows = rowsAfter(expected, expected[1]!, '4.19')
    expect(rows.map(r => r.comm)).toContain('npm start')
    expect(renderTaskTable(rows, profiles['4.19']!)).toEqual(expected)
  })
})

describe('5.19 memcg v2 OOM with nothing killable (tpuvm_1)', () => {
  const expected = golden('tpuvm519-report.txt')
  const path =
    '/system.slice/docker-69522f1a69d3061926f9b1250c8bfe6a1ecd0a0cd4e3c2eb734b37dac0cea279.scope'
  const r = report({
    trigger: trigger({ comm: 'healthAgent', pid: 841223, gfpMask: 0x100cca, oomScoreAdj: -1000 }),
    kernelRelease: '5.19.0-1022-gcp',
    hardware: 'Google Google Compute Engine/Google Compute Engine, BIOS Google 10/25/2025',
    cpu: 144,
    stack: { taint: 'Tainted: G           O     ', build: '#24~22.04.1-Ubuntu' },
    constraint: 'CONSTRAINT_MEMCG',
    oomMemcg: path,
    memcgInfo: memcg({
      oomMemcg: path,
      memory: { usageKb: 524288, limitKb: 524288, failcnt: 142151742 },
      swap: { usageKb: 0, limitKb: 524288, failcnt: 0 },
      stats: [
        {
          path,
          entries: [
            ['anon', 528056320],
            ['file', 0],
            ['kernel', 7852032],
            ['inactive_anon', 528052224],
            ['active_anon', 4096]
          ]
        }
      ]
    }),
    tasks: rowsAfter(
      expected,
      '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
      '4.19'
    )
  })

  it('renders the v2 memory/swap lines, memory.stat lines, table and the no-killable warning', () => {
    // The poster elided the call trace; drop ours the same way.
    const got = renderOomReport(r, profiles['5.15']!).filter(
      l => !isStackNoise(l) && !['Call Trace:', ' <TASK>', ' </TASK>'].includes(l)
    )
    expect(got).toEqual(expected)
  })
})

describe('6.x memcg v2 OOM with memory.oom.group (egachi_1)', () => {
  const expected = golden('egachi6x-report.txt')
  const pod =
    '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod94eb36cd_29e1_478b_b365_4cb5dfc7d6fb.slice'
  const scope =
    'cri-containerd-46b3e0a4df44b752b841aecca454e6e78995d567912a84950390bae6f6777a63.scope'
  const kill = killed({
    message: 'Memory cgroup out of memory',
    pid: 22609,
    comm: 'node',
    totalVmKb: 9923620,
    anonRssKb: 4116684,
    fileRssKb: 23132,
    pgtablesKb: 10964,
    oomScoreAdj: 969
  })
  const r = report({
    trigger: trigger({
      comm: 'Thread-2',
      pid: 22610,
      gfpMask: 0xcc0,
      oomScoreAdj: 969,
      cpuset: scope
    }),
    constraint: 'CONSTRAINT_MEMCG',
    oomMemcg: pod,
    memcgInfo: memcg({
      oomMemcg: pod,
      memory: { usageKb: 4194304, limitKb: 4194304, failcnt: 1273284 },
      swap: { usageKb: 0, limitKb: 0, failcnt: 0 },
      stats: [{ path: pod, entries: [['anon', 4215558144]] }]
    }),
    tasks: [],
    victim: { pid: 22609, comm: 'node', uid: 0, memcg: `${pod}/${scope}` },
    killed: kill,
    oomGroup: { path: `${pod}/${scope}`, kills: [kill] }
  })

  it('reproduces the grep-filtered lines, including the oom.group line and the repeated Killed line', () => {
    const grep = /oom|killed|memory|cgroup/i
    const got = renderOomReport(r, profiles['6.11']!).filter(l => grep.test(l) && !isStackNoise(l))
    expect(got).toEqual(expected.filter(l => !isStackNoise(l)))
  })
})
