/**
 * kswapd on a machine with more than one CPU (6.11 mm/vmscan.c kswapd(), balance_pgdat();
 * mm/page_alloc.c should_reclaim_retry()): kswapd makes its failing passes one at a time on its
 * own CPU, so the allocator, which gives up after one no-progress round when no zone could meet
 * its min watermark, reaches the OOM before kswapd_failures reaches MAX_RECLAIM_RETRIES.
 */
import { describe, expect, it } from 'vitest'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

/** A 256 MiB one-node machine without swap or page cache: nothing kswapd can reclaim. */
const scenario = (cpus: number): string => `
name: nothing reclaimable
profile: '6.11'
machine:
  cpus: ${cpus}
  nodes:
    - id: 0
      zones:
        - { type: DMA, present: 16M, managed: 15M }
        - { type: DMA32, present: 240M }
sysctl: { vm.overcommit_memory: 1 }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 100, comm: big, rss: { anon: 120M } }
  - { pid: 101, comm: grower, oom_score_adj: -500, rss: { anon: 1M } }
timeline:
  - { at: 10ms, do: touch, pid: 101, size: 4M, every: 1ms, until: killed, count: 60 }
`

const run = (cpus: number) => runScenario(parseScenario(scenario(cpus), 'kswapd-smp.yaml'))
const nodeLine = (r: ReturnType<typeof run>) =>
  r.log.map(l => l.text).find(t => t.startsWith('Node 0 active_anon')) ?? ''
const failsBeforeOom = (r: ReturnType<typeof run>) => {
  const invoke = r.trace.findIndex(e => e.type === 'oom.invoke')
  return r.trace.slice(0, invoke).filter(e => e.type === 'kswapd.fail').length
}

describe('kswapd_failures with kswapd on its own CPU (6.11 balance_pgdat(), should_reclaim_retry())', () => {
  it('one CPU: all MAX_RECLAIM_RETRIES failing passes come before the OOM (all_unreclaimable? yes)', () => {
    const r = run(1)
    expect(failsBeforeOom(r)).toBe(16)
    expect(nodeLine(r)).toMatch(/all_unreclaimable\? yes$/)
  })

  it('two CPUs: one pass at a time, the OOM comes first (all_unreclaimable? no)', () => {
    const r = run(2)
    expect(r.summary.victims.map(v => v.pid)).toEqual([100])
    const n = failsBeforeOom(r)
    expect(n).toBeGreaterThan(0)
    expect(n).toBeLessThan(16)
    expect(nodeLine(r)).toMatch(/all_unreclaimable\? no$/)
  })
})
