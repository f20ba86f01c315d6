/** dump_tasks layouts: exact widths per reference §6.3 for random values, and real rows. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { TaskRow } from '../../../src/kernel/oom-report.ts'
import { renderTaskHeader, renderTaskRow } from '../../../src/kernel/printk/index.ts'
import { profiles, variant } from '../../../src/kernel/profiles.ts'

type Layout = 'rhel6' | '3x' | '4.0' | '4.15' | '4.19' | '6.8'
type Key = keyof TaskRow

/** Column widths after the pid, in print order, from the printf formats in the reference. */
const specs: Record<Layout, { pidW: number; cols: [Key, number][] }> = {
  rhel6: {
    pidW: 5,
    cols: [
      ['uid', 5],
      ['tgid', 5],
      ['totalVm', 8],
      ['rss', 8],
      ['cpu', 3]
    ]
  },
  '3x': {
    pidW: 5,
    cols: [
      ['uid', 5],
      ['tgid', 5],
      ['totalVm', 8],
      ['rss', 8],
      ['nrPtes', 7],
      ['swapEnts', 8]
    ]
  },
  '4.0': {
    pidW: 5,
    cols: [
      ['uid', 5],
      ['tgid', 5],
      ['totalVm', 8],
      ['rss', 8],
      ['nrPtes', 7],
      ['nrPmds', 7],
      ['swapEnts', 8]
    ]
  },
  '4.15': {
    pidW: 5,
    cols: [
      ['uid', 5],
      ['tgid', 5],
      ['totalVm', 8],
      ['rss', 8],
      ['pgtablesBytes', 8],
      ['swapEnts', 8]
    ]
  },
  '4.19': {
    pidW: 7,
    cols: [
      ['uid', 5],
      ['tgid', 5],
      ['totalVm', 8],
      ['rss', 8],
      ['pgtablesBytes', 8],
      ['swapEnts', 8]
    ]
  },
  '6.8': {
    pidW: 7,
    cols: [
      ['uid', 5],
      ['tgid', 5],
      ['totalVm', 8],
      ['rss', 8],
      ['rssAnon', 8],
      ['rssFile', 8],
      ['rssShmem', 9],
      ['pgtablesBytes', 8],
      ['swapEnts', 8]
    ]
  }
}

const base = profiles['6.11']!
const layoutProfile = (tasks: Layout) =>
  variant(base, { name: `t-${tasks}`, description: 'test', format: { tasks } })
const layouts = Object.keys(specs) as Layout[]

/** A row whose values fit each column (digits <= width). */
const fittingRow = fc.record({
  pid: fc.integer({ min: 1, max: 99999 }),
  uid: fc.integer({ min: 0, max: 99999 }),
  tgid: fc.integer({ min: 1, max: 99999 }),
  totalVm: fc.integer({ min: 0, max: 99999999 }),
  rss: fc.integer({ min: 0, max: 99999999 }),
  rssAnon: fc.integer({ min: 0, max: 99999999 }),
  rssFile: fc.integer({ min: 0, max: 99999999 }),
  rssShmem: fc.integer({ min: 0, max: 999999999 }),
  pgtablesBytes: fc.integer({ min: 0, max: 99999999 }),
  nrPtes: fc.integer({ min: 0, max: 9999999 }),
  nrPmds: fc.integer({ min: 0, max: 9999999 }),
  swapEnts: fc.integer({ min: 0, max: 99999999 }),
  oomScoreAdj: fc.integer({ min: -1000, max: 1000 }),
  cpu: fc.integer({ min: 0, max: 999 }),
  oomAdj: fc.integer({ min: -17, max: 15 }),
  comm: fc.stringMatching(/^[a-z][a-z0-9 ./:-]{0,14}$/)
})

describe('renderTaskRow widths', () => {
  it('puts every field at its fixed column, right-aligned, for values that fit', () => {
    fc.assert(
      fc.property(fc.constantFrom(...layouts), fittingRow, (layout, row) => {
        const line = renderTaskRow(row, layoutProfile(layout))
        const { pidW, cols } = specs[layout]
        let pos = 0
        const take = (w: number): string => {
          const s = line.slice(pos, pos + w)
          pos += w
          return s
        }
        expect(take(1)).toBe('[')
        const pid = take(pidW)
        expect(pid).toMatch(/^ *\d+$/)
        expect(Number(pid)).toBe(row.pid)
        expect(take(1)).toBe(']')
        for (const [key, w] of cols) {
          expect(take(1)).toBe(' ')
          const f = take(w)
          expect(f, `${layout} ${key}`).toMatch(/^ *-?\d+$/)
          expect(Number(f)).toBe(row[key])
        }
        if (layout === 'rhel6') {
          expect(take(5)).toBe('     ')
          expect(Number(take(3))).toBe(row.oomAdj)
        }
        expect(take(9)).toBe('         ') // the literal 9-space gap
        const adj = take(5)
        expect(adj).toMatch(/^ *-?\d+$/)
        expect(Number(adj)).toBe(row.oomScoreAdj)
        expect(line.slice(pos)).toBe(` ${row.comm}`)
      }),
      { numRuns: 400 }
    )
  })

  it('never throws and keeps fields apart for any values, including oversized ones', () => {
    const anyInt = fc.integer({ min: -(2 ** 40), max: 2 ** 40 })
    fc.assert(
      fc.property(
        fc.constantFrom(...layouts),
        fc.record({
          pid: anyInt,
          uid: anyInt,
          tgid: anyInt,
          totalVm: anyInt,
          rss: anyInt,
          rssAnon: anyInt,
          rssFile: anyInt,
          rssShmem: anyInt,
          pgtablesBytes: anyInt,
          nrPtes: anyInt,
          nrPmds: anyInt,
          swapEnts: anyInt,
          oomScoreAdj: fc.integer({ min: -1000, max: 1000 }),
          comm: fc.string({ maxLength: 15 })
        }),
        (layout, row) => {
          const line = renderTaskRow(row, layoutProfile(layout))
          const fields = line.slice(1).replace(']', ' ').trim().split(/ +/)
          expect(Number(fields[0])).toBe(row.pid)
          expect(Number(fields[1])).toBe(row.uid)
          expect(line.endsWith(` ${row.comm}`)).toBe(true)
        }
      ),
      { numRuns: 300 }
    )
  })

  it('prints %hd oom_score_adj as a signed short', () => {
    const row = {
      pid: 1,
      comm: 'x',
      uid: 0,
      tgid: 1,
      totalVm: 0,
      rss: 0,
      rssAnon: 0,
      rssFile: 0,
      rssShmem: 0
    }
    const line = renderTaskRow(
      { ...row, pgtablesBytes: 0, nrPtes: 0, nrPmds: 0, swapEnts: 0, oomScoreAdj: 65535 },
      profiles['5.10']!
    )
    expect(line.endsWith('           -1 x')).toBe(true)
  })
})

describe('renderTaskHeader', () => {
  it('adds the Tasks state line from 4.19 and widens the pid column', () => {
    expect(renderTaskHeader(profiles['3.10']!)).toEqual([
      '[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name'
    ])
    expect(renderTaskHeader(profiles['4.19']!)).toEqual([
      'Tasks state (memory values in pages):',
      '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name'
    ])
  })
})
