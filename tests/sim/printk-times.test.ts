/**
 * Simulated printk timestamps: like the kernel's, the lines of one report carry increasing
 * microseconds instead of one shared stamp, in the same order, never reaching the next record
 * or simulator event.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PrintkRecord } from '../../src/kernel/oom-kill.ts'
import { spreadPrintkTimes } from '../../src/sim/printk-times.ts'
import { runCli } from '../helpers.ts'

const rec = (timeNs: number, text: string): PrintkRecord => ({ timeNs, level: 6, text })

describe('spreadPrintkTimes', () => {
  it('gives the lines of one instant +1 µs each, starting at the instant', () => {
    const out = spreadPrintkTimes([rec(5e9, 'a'), rec(5e9, 'b'), rec(5e9, 'c'), rec(7e9, 'd')], [])
    expect(out.map(r => [r.timeNs, r.text])).toEqual([
      [5e9, 'a'],
      [5e9 + 1000, 'b'],
      [5e9 + 2000, 'c'],
      [7e9, 'd']
    ])
  })

  it('stays below the next record and the next simulator event', () => {
    const four = [rec(100, 'a'), rec(100, 'b'), rec(100, 'c'), rec(100, 'd')]
    expect(spreadPrintkTimes([...four, rec(2500, 'e')], []).map(r => r.timeNs)).toEqual([
      100, 1100, 2100, 2499, 2500
    ])
    expect(spreadPrintkTimes(four, [0, 100, 1500, 9000]).map(r => r.timeNs)).toEqual([
      100, 1100, 1499, 1499
    ])
  })

  it('keeps order, text and level; never moves a line earlier or past the next time', () => {
    const logArb = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 7 })), {
        maxLength: 60
      })
      .map(steps => {
        let t = 1e9
        return steps.map(([dt, level], i) => {
          t += dt * 700
          return { timeNs: t, level, text: `line ${i}` }
        })
      })
    fc.assert(
      fc.property(logArb, fc.array(fc.integer({ min: 1e9, max: 1e9 + 50_000 })), (log, ev) => {
        const out = spreadPrintkTimes(log, ev)
        expect(out.map(r => [r.text, r.level])).toEqual(log.map(r => [r.text, r.level]))
        for (let i = 0; i < log.length; i++) {
          const t = log[i]!.timeNs
          expect(out[i]!.timeNs).toBeGreaterThanOrEqual(t)
          if (i > 0) expect(out[i]!.timeNs).toBeGreaterThanOrEqual(out[i - 1]!.timeNs)
          const later = [...log.map(r => r.timeNs), ...ev].filter(x => x > t)
          if (later.length > 0) expect(out[i]!.timeNs).toBeLessThan(Math.min(...later))
        }
      })
    )
  })
})

describe('oomkit simulate timestamps', () => {
  it('stamps the lines of the default report with increasing microseconds', async () => {
    const r = await runCli(['simulate'])
    expect(r.code).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    const invoked = lines.findIndex(l => l.includes(' invoked oom-killer: '))
    const killed = lines.findIndex(l => l.includes('Out of memory: Killed process 116 '))
    expect(invoked).toBeGreaterThanOrEqual(0)
    expect(killed).toBeGreaterThan(invoked + 40)
    const usec = lines.slice(invoked, killed + 1).map(l => {
      const m = /^\[ *(\d+)\.(\d{6})\] /.exec(l)
      return Number(m![1]) * 1e6 + Number(m![2])
    })
    for (let i = 1; i < usec.length; i++) expect(usec[i]).toBe(usec[i - 1]! + 1)
  })
})
