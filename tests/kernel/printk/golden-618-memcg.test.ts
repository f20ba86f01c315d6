/**
 * Golden: this machine's real 6.18 kernel, a memcg v1 OOM
 * (tests/fixtures/real-kernel/linux-6.18-memcg-v1.log). Everything but the call-trace entries
 * and the register dump must be byte-identical, including the v1 memory.stat keys and the
 * hierarchical_memsw_limit above 2^53.
 */
import { describe, expect, it } from 'vitest'
import { profiles } from '../../../src/kernel/profiles.ts'
import {
  renderInvokedLine,
  renderKilledLine,
  memcgStatEntries,
  renderMemcgInfo,
  renderOomReport,
  renderSummaryLine,
  renderTaskTable
} from '../../../src/kernel/printk/index.ts'
import type { OomReportData } from '../../../src/kernel/oom-report.ts'
import { golden, isStackNoise, killed, memcg, report, row, trigger } from './builders.ts'

const p618 = profiles['6.18']!
const expected = golden('linux618-memcg-v1-report.txt')

/** The memory.stat "key value" lines of the fixture, read with a regex. */
const statEntries: [string, number][] = expected
  .slice(
    expected.indexOf('Memory cgroup stats for /oomtest:') + 1,
    expected.indexOf('Tasks state (memory values in pages):')
  )
  .map(l => {
    const m = /^(\w+) (\d+)$/.exec(l)!
    return [m[1]!, Number(m[2])]
  })

const unlimited = 9007199254740988
const info = memcg({
  oomMemcg: '/oomtest',
  taskMemcg: '/oomtest',
  memory: { usageKb: 65508, limitKb: 65536, failcnt: 306 },
  memsw: { usageKb: 65508, limitKb: unlimited, failcnt: 0 },
  kmem: { usageKb: 388, limitKb: unlimited, failcnt: 0 },
  stats: [{ path: '/oomtest', entries: statEntries }]
})

const r: OomReportData = report({
  trigger: trigger({ comm: 'python3', pid: 2201, gfpMask: 0xcc0, oomScoreAdj: 500 }),
  kernelRelease: '6.18.44-fc-v769',
  stack: { build: '#1 PREEMPT(none) ' },
  constraint: 'CONSTRAINT_MEMCG',
  oomMemcg: '/oomtest',
  memcgInfo: info,
  tasks: [
    row({
      pid: 2160,
      comm: 'python3',
      totalVm: 9262,
      rss: 8476,
      rssAnon: 6816,
      rssFile: 1660,
      pgtablesBytes: 114688
    }),
    row({
      pid: 2201,
      comm: 'python3',
      totalVm: 12108,
      rss: 11069,
      rssAnon: 9408,
      rssFile: 1661,
      pgtablesBytes: 143360,
      oomScoreAdj: 500
    })
  ],
  victim: { pid: 2201, comm: 'python3', uid: 0, memcg: '/oomtest' },
  killed: killed({
    message: 'Memory cgroup out of memory',
    pid: 2201,
    comm: 'python3',
    totalVmKb: 48432,
    anonRssKb: 37632,
    fileRssKb: 6644,
    pgtablesKb: 140,
    oomScoreAdj: 500
  })
})

describe('6.18 memcg v1 OOM (real kernel on this machine)', () => {
  it('prints gfp 0xcc0 as GFP_KERNEL in the invoked line', () => {
    expect(renderInvokedLine(r.trigger, p618)).toBe(expected[0])
  })

  it('renders the memory, memory+swap, kmem lines and the v1 stat block', () => {
    const from = expected.findIndex(l => l.startsWith('memory: usage'))
    const to = expected.indexOf('Tasks state (memory values in pages):')
    expect(statEntries.length).toBeGreaterThan(40)
    expect(renderMemcgInfo(info, p618)).toEqual(expected.slice(from, to))
  })

  it('renders the table, the oom-kill line and the Killed line', () => {
    const from = expected.indexOf('Tasks state (memory values in pages):')
    expect(renderTaskTable(r.tasks!, p618)).toEqual(expected.slice(from, from + 4))
    expect(renderSummaryLine(r, p618)).toBe(expected.at(-2))
    expect(renderKilledLine(r.killed!, p618)).toBe(expected.at(-1))
  })

  it('renders the whole report, apart from trace entries and registers', () => {
    const got = renderOomReport(r, p618).filter(l => !isStackNoise(l))
    expect(got).toEqual(expected.filter(l => !isStackNoise(l)))
  })
})

describe('memcgStatEntries', () => {
  it('gives the v1 memory.stat keys this 6.18 kernel printed for a v1 memcg', () => {
    const values = {
      file: 24576,
      anon: 66658304,
      file_dirty: 8192,
      pgpgin: 22613,
      pgpgout: 6333,
      pgfault: 31567,
      inactive_anon: 66650112,
      active_anon: 8192,
      inactive_file: 12288,
      active_file: 12288,
      hierarchical_memory_limit: 67108864,
      hierarchical_memsw_limit: 9223372036854771712n
    }
    expect(memcgStatEntries(values, 'v1', p618)).toEqual(
      statEntries.map(([k, v]) => [k, k === 'hierarchical_memsw_limit' ? 9223372036854771712n : v])
    )
  })

  it('gives the 4.19 kB pairs in the order photon1535_1 shows, and v2 keys on 5.10', () => {
    const e = memcgStatEntries(
      { anon: 613460 * 1024, anon_thp: 256000 * 1024, swap: 0 },
      'v1',
      profiles['4.19']!
    )
    expect(
      renderMemcgInfo(
        memcg({ oomMemcg: '/k', stats: [{ path: '/k', entries: e }] }),
        profiles['4.19']!
      ).at(-1)
    ).toBe(
      'Memory cgroup stats for /k: cache:0KB rss:613460KB rss_huge:256000KB shmem:0KB mapped_file:0KB dirty:0KB writeback:0KB swap:0KB inactive_anon:0KB active_anon:0KB inactive_file:0KB active_file:0KB unevictable:0KB'
    )
    const v2 = memcgStatEntries({ anon: 4096 }, 'v1', profiles['5.10']!)
    expect(v2[0]).toEqual(['anon', 4096])
    expect(v2.map(([k]) => k)).toContain('slab')
  })
})
