/**
 * vm.dirty_background_ratio (mm/page-writeback.c global_dirtyable_memory() and
 * domain_dirty_limits(), fs/fs-writeback.c wb_over_bg_thresh(); 3.10.4 and 4.19.304) and
 * vm.drop_caches (fs/drop_caches.c drop_caches_sysctl_handler(), 3.10.4 and 4.19.304): seed 001's
 * sysctls (issue 15), their effect on reclaim and on when the OOM happens.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { profiles, variant } from '../../../src/kernel/profiles.ts'
import { sysctlWrite } from '../../../src/kernel/mm/sysctl.ts'
import { outOf } from '../../../src/kernel/mm/world.ts'
import {
  backgroundThresh,
  backgroundWriteback,
  dirtyableMemory,
  dirtyPages
} from '../../../src/kernel/mm/writeback.ts'
import { bootScenario } from '../../../src/sim/build.ts'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

const yaml = (profile: string) => `name: t
profile: '${profile}'
machine:
  memory: 1G
  swap: [{ name: /swap, size: 512M }]
  kernel: { slabReclaimable: 40M }
files:
  - { path: /a, size: 200M, cached: 200M, dirty: 100M }
  - { path: /b, size: 100M, cached: 100M }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 100M } }
`
const boot = (profile: string) =>
  bootScenario(parseScenario(yaml(profile), 't.yaml'), profiles[profile]!).world
const writer = { pid: 77, comm: 'bash' }

describe('global_dirtyable_memory() and the background threshold', () => {
  it('3.10.4 counts the anon LRU while swap is free; 4.19.304 only free and file pages', () => {
    expect(profiles['3.10']!.alloc.dirtyableAnon).toBe(true)
    expect(profiles['4.19']!.alloc.dirtyableAnon).toBe(false)
    const w = boot('4.19')
    const anon = w.zones.reduce((a, z) => a + z.stats.activeAnon + z.stats.inactiveAnon, 0)
    const now = dirtyableMemory(w)
    w.profile = variant(w.profile, {
      name: '4.19-anon',
      description: '4.19 with the 3.x rule',
      alloc: { dirtyableAnon: true }
    })
    expect(anon).toBeGreaterThan(0)
    expect(dirtyableMemory(w) - now).toBe(anon)
  })

  it('unset ratio: no threshold; set: the flusher writes dirty pages down to it', () => {
    const w = boot('4.19')
    expect(backgroundThresh(w)).toBe(null)
    expect(backgroundWriteback(w)).toBe(0)
    sysctlWrite(w, 'vm.dirty_background_ratio', 5)
    const thresh = backgroundThresh(w)!
    expect(dirtyPages(w)).toBeGreaterThan(thresh)
    backgroundWriteback(w)
    expect(dirtyPages(w)).toBe(thresh)
  })
})

describe('drop_caches_sysctl_handler()', () => {
  it('1 drops clean page cache only; 2 drops reclaimable slab; 3 both', () => {
    const w = boot('4.19')
    const cached = () => [...w.files.values()].reduce((a, f) => a + f.cached, 0)
    const slab = () => w.zones.reduce((a, z) => a + z.stats.slabReclaimable, 0)
    const slabBefore = slab()
    sysctlWrite(w, 'vm.drop_caches', 1, writer)
    expect(cached()).toBe(dirtyPages(w))
    expect(slab()).toBe(slabBefore)
    sysctlWrite(w, 'vm.drop_caches', 2, writer)
    expect(slab()).toBe(0)
  })

  it('4.19.304 logs "%s (%d): drop_caches: %d" until bit 4 is written; 3.10.4 prints nothing', () => {
    const w = boot('4.19')
    sysctlWrite(w, 'vm.drop_caches', 3, writer)
    sysctlWrite(w, 'vm.drop_caches', 4, writer)
    sysctlWrite(w, 'vm.drop_caches', 1, writer)
    expect(outOf(w).log.map(l => l.text)).toEqual([
      'bash (77): drop_caches: 3',
      'bash (77): drop_caches: 4'
    ])
    const old = boot('3.10')
    sysctlWrite(old, 'vm.drop_caches', 3, writer)
    expect(outOf(old).log).toEqual([])
  })
})

describe('examples/dirty-background-ratio.yaml', () => {
  const text = readFileSync('examples/dirty-background-ratio.yaml', 'utf8')
  const oomAt = (t: string) => {
    const r = runScenario(parseScenario(t, 'd.yaml'))
    return r.log.find(l => l.text.includes('invoked oom-killer'))!.timeNs
  }
  it('background writeback brings the OOM forward from the 5 s periodic flush', () => {
    const withRatio = oomAt(text)
    const without = oomAt(text.replace(/^ {2}vm\.dirty_background_ratio: 10\n/m, ''))
    expect(withRatio).toBeLessThan(1_000_000_000)
    expect(without).toBeGreaterThan(5_000_000_000)
  })
})
