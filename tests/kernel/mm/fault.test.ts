import { describe, expect, it } from 'vitest'
import { profiles } from '../../../src/kernel/profiles.ts'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

/** A process that faults 8 MiB of anonymous memory after boot; the Mem-Info of the OOM shows it. */
const yaml = (profile: string): string => `name: t
profile: '${profile}'
machine: { memory: 64M }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 10, comm: grow, rss: { anon: 1M } }
timeline:
  - { at: 1, do: touch, pid: 10, size: 1M, every: 1, count: 200, until: killed }
`

function anonLru(profile: string): { active: number; inactive: number } {
  const r = runScenario(parseScenario(yaml(profile), 't.yaml'))
  const line = r.log.map(l => l.text).find(t => t.startsWith('active_anon:'))
  const m = /^active_anon:(\d+) inactive_anon:(\d+)/.exec(line ?? '')
  expect(m).not.toBeNull()
  return { active: Number(m![1]), inactive: Number(m![2]) }
}

describe('fault: the LRU a new anonymous page joins', () => {
  it('is the inactive list from 5.9 (do_anonymous_page() -> lru_cache_add_inactive_or_unevictable())', () => {
    expect(profiles['6.1']!.alloc.newAnonLru).toBe('inactive')
    const { active, inactive } = anonLru('6.1')
    expect(inactive).toBeGreaterThan(10000)
    expect(active).toBeLessThan(inactive / 10)
  })

  it('is the active list before (lru_cache_add_active_or_unevictable(), 5.4)', () => {
    expect(profiles['5.4']!.alloc.newAnonLru).toBe('active')
    const { active, inactive } = anonLru('5.4')
    expect(active).toBeGreaterThan(10000)
    expect(inactive).toBeLessThan(active / 10)
  })
})
