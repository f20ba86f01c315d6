import { describe, expect, it } from 'vitest'
import { parseScenario, runScenario } from '../../src/sim/index.ts'

describe('until: oom', () => {
  it('stops at the first OOM since the action started, not at one before it', () => {
    // The first touch ends in an OOM at ~1s (victim 10, 20 MiB); the second starts at 5s and
    // must run until its own OOM (victim 12, by then the biggest), not stop after one step
    // because an OOM was seen before it started.
    const r = runScenario(
      parseScenario(
        `name: t
profile: '6.18'
machine: { memory: 1G }
cgroups:
  version: 2
  groups: [{ path: /job, memory.max: 32M, memory.swap.max: 0 }]
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 10, comm: big, memcg: /job, rss: { anon: 20M } }
  - { pid: 11, comm: grow, memcg: /job, rss: { anon: 1M } }
  - { pid: 12, comm: other, memcg: /job, rss: { anon: 1M } }
timeline:
  - { at: 1s, do: touch, pid: 11, size: 1M, every: 1ms, count: 40, until: oom }
  - { at: 5s, do: touch, pid: 12, size: 1M, every: 1ms, count: 40, until: oom }
`,
        't.yaml'
      )
    )
    expect(r.summary.victims.map(v => v.pid)).toEqual([10, 12])
  })
})
