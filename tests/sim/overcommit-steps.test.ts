import { describe, expect, it } from 'vitest'
import { parseScenario, runScenario } from '../../src/sim/index.ts'

// A grower that writes 1 MiB every millisecond, with no page cache and no swap to count on.
const GROWER = `name: slow grower
profile: '4.19'
machine: { memory: 512M }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 900, comm: big, rss: { anon: 300M } }
  - { pid: 901, comm: grower, rss: { anon: 1M } }
timeline:
  - { at: 10ms, do: touch, pid: 901, size: 1M, every: 1ms, until: killed }
`

describe('a repeating heap-growing touch: one overcommit check per brk()/mmap()', () => {
  it('4.19 (guess heuristic): refuses one 1 MiB step near the reserves, not a merged batch', () => {
    const r = runScenario(parseScenario(GROWER, 'x'))
    expect(r.summary.enomem).toHaveLength(1)
    // __vm_enough_memory() sees the 1 MiB mapping of that iteration only.
    expect(r.summary.enomem[0]?.bytes).toBe(1 << 20)
    const grower = r.summary.final.processes.find(p => p.pid === 901)
    // It got well past the 194 MiB a merged request asked for before the fix.
    expect(grower?.anon ?? 0).toBeGreaterThan(180 * 256)
    const commits = r.trace.filter(e => e.type === 'overcommit.commit')
    expect(commits.every(e => (e as { pages?: number }).pages === 256)).toBe(true)
  })

  it('5.4 (RAM + swap only): the same grower reaches the OOM killer', () => {
    const r = runScenario(parseScenario(GROWER, 'x'), { profile: '5.4' })
    expect(r.summary.enomem).toHaveLength(0)
    expect(r.summary.victims[0]?.pid).toBe(900)
  })
})
