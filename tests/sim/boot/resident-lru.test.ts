import { describe, expect, it } from 'vitest'
import { bootScenario } from '../../../src/sim/build.ts'
import { parseScenario } from '../../../src/sim/index.ts'
import { prof } from '../../kernel/fixtures.ts'

const yaml = (profile: string, lruGen = false): string => `
name: boot LRU placement
profile: '${profile}'
machine: { memory: 256M, config: { lruGen: ${lruGen} } }
files:
  - { path: /dev/shm/seg, size: 1M, fs: tmpfs, cached: 1M }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 4M } }
`

/** active/inactive anon pages over all zones after boot. */
function anonLists(profile: string, lruGen = false): { active: number; inactive: number } {
  const w = bootScenario(parseScenario(yaml(profile, lruGen), 'lru.yaml'), prof(profile)).world
  return w.zones.reduce(
    (a, z) => ({
      active: a.active + z.stats.activeAnon,
      inactive: a.inactive + z.stats.inactiveAnon
    }),
    { active: 0, inactive: 0 }
  )
}

describe('boot: resident anon and tmpfs pages on the LRU the kernel put them on', () => {
  it('6.1: faulted anon (folio_add_lru_vma()) and tmpfs (folio_add_lru()) pages are inactive', () => {
    expect(anonLists('6.1')).toEqual({ active: 0, inactive: 1024 + 256 })
  })

  it('5.4: faulted anon pages were added active (lru_cache_add_active_or_unevictable()), tmpfs inactive', () => {
    expect(anonLists('5.4')).toEqual({ active: 1024, inactive: 256 })
  })

  it('6.11 with MGLRU: anon and tmpfs folios join a young generation (lru_gen_add_folio()), counted active', () => {
    expect(anonLists('6.11', true)).toEqual({ active: 1024 + 256, inactive: 0 })
  })
})
