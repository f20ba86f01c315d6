/**
 * Android's lowmemorykiller, lowmem_scan() of drivers/staging/android/lowmemorykiller.c
 * (android-4.14 common kernel): the lowmem_minfree/lowmem_adj thresholds, the highest
 * oom_score_adj then the biggest rss, the one-second deathpending wait and its pr_info() lines;
 * profile '4.14-android' (alloc.lowmemorykiller), absent from mainline 4.14 (issue 15, seed 001).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { profiles } from '../../../src/kernel/profiles.ts'
import { lowmemScan } from '../../../src/kernel/mm/lowmemorykiller.ts'
import { outOf } from '../../../src/kernel/mm/world.ts'
import { bootScenario } from '../../../src/sim/build.ts'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

const android = profiles['4.14-android']!
const scenario = (procs: string) => `name: t
profile: '4.14-android'
machine: { memory: 128M }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M }, oom_score_adj: -1000 }
${procs}`

function world(procs: string) {
  return bootScenario(parseScenario(scenario(procs), 't.yaml'), android).world
}

const kswapd = { pid: 60, comm: 'kswapd0' }

describe('lowmem_scan(), android-4.14', () => {
  it('does nothing while free memory or the page cache is above every minfree threshold', () => {
    const w = world('  - { pid: 10, comm: a, rss: { anon: 8M }, oom_score_adj: 900 }\n')
    expect(lowmemScan(w, kswapd)).toBe(null)
  })

  it('kills the highest oom_score_adj, the biggest rss on a tie, and prints four lines', () => {
    const w = world(
      [
        '  - { pid: 10, comm: small, rss: { anon: 20M }, oom_score_adj: 900 }',
        '  - { pid: 11, comm: big, rss: { anon: 40M }, oom_score_adj: 900 }',
        '  - { pid: 12, comm: biggest, rss: { anon: 50M }, oom_score_adj: 200 }',
        ''
      ].join('\n')
    )
    for (const z of w.zones) z.free = Math.min(z.free, 100)
    expect(lowmemScan(w, kswapd)).toBe(11)
    const log = outOf(w).log.map(l => l.text)
    expect(log[0]).toBe("lowmemorykiller: Killing 'big' (11) (tgid 11), adj 900,")
    expect(log[1]).toBe("   to free 40960kB on behalf of 'kswapd0' (60) because")
    expect(log[2]).toMatch(/^ {3}cache \d+kB is below limit 6144kB for oom_score_adj 0$/)
    expect(log[3]).toMatch(/^ {3}Free memory is -?\d+kB above reserved$/)
    expect(outOf(w).effects).toContainEqual({ type: 'signal', pid: 11, signal: 'SIGKILL' })
    // lowmem_deathpending_timeout: no second kill within HZ while the victim lives.
    expect(lowmemScan(w, kswapd)).toBe(null)
    w.nowNs += 1_000_000_001
    expect(lowmemScan(w, kswapd)).toBe(11)
  })

  it('mainline 4.14 has no lowmemorykiller (dropped from staging in 4.12)', () => {
    expect(profiles['4.14']!.alloc.lowmemorykiller).toBe(false)
    const w = bootScenario(
      parseScenario(scenario('').replace("'4.14-android'", "'4.14'"), 't.yaml'),
      profiles['4.14']!
    ).world
    for (const z of w.zones) z.free = 0
    expect(lowmemScan(w, kswapd)).toBe(null)
  })
})

describe('examples/android-lowmemorykiller.yaml', () => {
  const s = parseScenario(readFileSync('examples/android-lowmemorykiller.yaml', 'utf8'), 'a.yaml')
  it('4.14-android: the cached app, then the launcher, die by the lowmemorykiller; no OOM', () => {
    const r = runScenario(s)
    expect(r.summary.oomInvocations).toBe(0)
    expect(r.log.filter(l => l.text.startsWith('lowmemorykiller: Killing')).length).toBe(2)
  })
  it('4.14: the kernel OOM killer takes the same two instead', () => {
    const r = runScenario(s, { profile: '4.14' })
    expect(r.summary.victims.map(v => v.pid)).toEqual([2100, 1500])
  })
})
