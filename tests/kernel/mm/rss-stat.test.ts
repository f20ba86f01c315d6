import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import {
  foldPerPage,
  initRssStat,
  mmCounter,
  mmRssRead,
  percpuCounterBatch,
  rssStatFaulted
} from '../../../src/kernel/mm/rss-stat.ts'
import { makeMm } from '../../../src/kernel/state-builders.ts'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

describe('mm rss_stat: what get_mm_counter() reads', () => {
  it('percpu_counter_batch is max(32, 2 * CPUs) (compute_batch_value(), 6.18)', () => {
    expect(percpuCounterBatch(2)).toBe(32)
    expect(percpuCounterBatch(24)).toBe(48)
  })

  it('percpu_counter_add_batch() per page: the CPU delta folds at the batch', () => {
    expect(foldPerPage(0, 31, 32)).toBe(31)
    expect(foldPerPage(31, 1, 32)).toBe(0)
    expect(foldPerPage(20, 100, 32)).toBe(24) // folds at +12, +44, +76; 24 left
    expect(foldPerPage(-5, 10, 32)).toBe(5)
    expect(foldPerPage(-31, -1, 32)).toBe(0)
    expect(foldPerPage(0, -40, 32)).toBe(-8)
  })

  it('an mm without rss_stat reads exact; with one, each member less its pending, never < 0', () => {
    const mm = makeMm({ id: 1, anon: 5311, file: 518 })
    expect(mmRssRead(mm)).toBe(5829)
    initRssStat(mm, 1, { anon: 31, file: 20 })
    // seed 900002's pr2_0: /proc anon 5311, file 518; printed 5280 and 498.
    expect(mmCounter(mm, 'anon')).toBe(5280)
    expect(mmCounter(mm, 'file')).toBe(498)
    expect(mmRssRead(mm)).toBe(5778)
    mm.file = 10
    expect(mmCounter(mm, 'file')).toBe(0)
  })

  it('percpu: faults on one CPU pend and fold; splitTask: synced after 65 events', () => {
    const mm = makeMm({ id: 1, anon: 100 })
    initRssStat(mm, 1, { anon: 10 })
    mm.anon += 30
    rssStatFaulted(mm, 'anon', 30, { rule: 'percpu', cpu: 1, cpus: 2, tid: 7 })
    expect(mmCounter(mm, 'anon')).toBe(122) // folded at 22 pages (10 + 22 = 32), 8 pending
    const old = makeMm({ id: 2, anon: 0 })
    initRssStat(old, 7, {})
    old.anon += 66
    rssStatFaulted(old, 'anon', 66, { rule: 'splitTask', cpu: 0, cpus: 2, tid: 7 })
    // check_sync_rss_stat() (6.1): the 66th fault syncs the 65 before it.
    expect(mmCounter(old, 'anon')).toBe(65)
  })
})

const SCENARIO = (pending: string): string => `name: rss pending
profile: '6.18'
machine: { memory: 1G, cpus: 2 }
cgroups:
  version: 1
  groups:
    - { path: /job, memory.limit_in_bytes: 64M }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 800, comm: idle, memcg: /job, rss: { anon: 8M, file: 2M }${pending} }
  - { pid: 801, comm: grower, memcg: /job, rss: { anon: 1M }${pending} }
timeline:
  - { at: 10ms, do: touch, pid: 801, size: 1M, every: 1ms, until: killed }
`

describe('simulate: rssPending in a scenario', () => {
  const rowsOf = (text: string): string[][] =>
    runScenario(parseScenario(text, 'x'))
      .log.map(l => l.text)
      .filter(t => /^\[ +80[01]\]/.test(t))
      .map(t => t.trim().split(/\s+/))

  it('without it rows print the exact counts; with it the idle row lags by its pending', () => {
    const exact = rowsOf(SCENARIO(''))
    const lag = rowsOf(SCENARIO(', rssPending: { anon: 15, file: 20 }'))
    expect(exact[0]!.slice(5, 9)).toEqual(['2560', '2048', '512', '0'])
    expect(lag[0]!.slice(5, 9)).toEqual(['2525', '2033', '492', '0'])
    // The grower started 15 pages behind and faulted page by page on its CPU: its printed anon
    // is its exact count less (15 + grown) mod 32.
    const grownExact = Number(exact[1]![6])
    const grown = grownExact - 256
    expect(Number(lag[1]![6])).toBe(grownExact - ((15 + grown) % 32))
  })
})

describe('reclaim unmapping another mm: try_to_unmap_one() decrements on the reclaimer CPU', () => {
  it('the 30720 unmapped pages move the reader file delta from +20 page by page to -12', () => {
    const base = readFileSync('examples/mapped-data-file.yaml', 'utf8').replace(
      /\nexpect:[\s\S]*$/,
      '\n'
    )
    const pending = base.replace(
      '    memcg: /job\n    vmas:',
      '    memcg: /job\n    rssPending: { file: 20 }\n    vmas:'
    )
    const fileCol = (text: string): string[] =>
      runScenario(parseScenario(text, 'x'))
        .log.filter(l => /^\[ +3100\]/.test(l.text))
        .map(l => l.text.trim().split(/\s+/)[7]!)
    expect(fileCol(base)).toEqual(['512'])
    // 20 - 30720 pages, folding at -32: -12 left, so 512 + 12 printed.
    expect(fileCol(pending)).toEqual(['524'])
  })
})
