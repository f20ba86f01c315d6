import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { parseScenario, runScenario } from '../../src/sim/index.ts'
import { bootScenario } from '../../src/sim/build.ts'
import { buddyPages } from '../../src/kernel/mm/zone.ts'
import { profiles } from '../../src/kernel/profiles.ts'

const profileArb = fc.constantFrom(
  '3.10',
  '4.14',
  '4.19',
  '5.4',
  '5.10',
  '5.15',
  '6.1',
  '6.6',
  '6.11',
  '6.18'
)

const actionArb = (pids: number[]) =>
  fc.oneof(
    fc.record({
      do: fc.constant('touch'),
      pid: fc.constantFrom(...pids),
      size: fc.constantFrom('1M', '4M', '16M', 300),
      every: fc.constantFrom('1ms', '500us'),
      count: fc.integer({ min: 1, max: 200 })
    }),
    fc.record({
      do: fc.constant('alloc'),
      pid: fc.constantFrom(...pids),
      gfp: fc.constantFrom(
        'GFP_KERNEL',
        'GFP_NOFS',
        'GFP_KERNEL|__GFP_NOWARN',
        'GFP_ATOMIC',
        'GFP_KERNEL|__GFP_RETRY_MAYFAIL'
      ),
      order: fc.integer({ min: 0, max: 5 }),
      count: fc.integer({ min: 1, max: 3000 })
    }),
    fc.record({
      do: fc.constant('mmap'),
      pid: fc.constantFrom(...pids),
      size: fc.constantFrom('64M', '300M'),
      populate: fc.boolean()
    }),
    fc.record({ do: fc.constant('kill'), pid: fc.constantFrom(...pids) }),
    fc.record({
      do: fc.constant('set-oom-score-adj'),
      pid: fc.constantFrom(...pids),
      value: fc.integer({ min: -1000, max: 1000 })
    }),
    fc.record({ do: fc.constant('sysrq'), key: fc.constant('f') }),
    fc.record({
      do: fc.constant('sysctl'),
      name: fc.constant('vm.panic_on_oom'),
      value: fc.constantFrom(0, 1)
    })
  )

const scenarioArb = fc
  .record({
    profile: profileArb,
    memory: fc.constantFrom('256M', '512M', '3G'),
    swap: fc.boolean(),
    memcgLimit: fc.option(fc.constantFrom('32M', '128M'), { nil: undefined }),
    v1: fc.boolean(),
    overcommit: fc.constantFrom(0, 1, 2),
    procs: fc.array(
      fc.record({
        anon: fc.integer({ min: 0, max: 200 }),
        adj: fc.integer({ min: -1000, max: 1000 }),
        inMemcg: fc.boolean()
      }),
      { minLength: 1, maxLength: 4 }
    )
  })
  .chain(base => {
    const pids = base.procs.map((_, i) => 100 + i)
    return fc.record({
      base: fc.constant(base),
      actions: fc.array(actionArb(pids), { maxLength: 5 })
    })
  })
  .map(({ base, actions }) => ({
    name: 'fuzz',
    profile: base.profile,
    duration: '20s',
    machine: {
      memory: base.memory,
      ...(base.swap ? { swap: [{ name: 'sw', size: '128M' }] } : {})
    },
    sysctl: { 'vm.overcommit_memory': base.overcommit },
    cgroups: {
      version: base.v1 ? 1 : 2,
      groups: [
        base.v1
          ? {
              path: '/g',
              ...(base.memcgLimit !== undefined ? { 'memory.limit_in_bytes': base.memcgLimit } : {})
            }
          : {
              path: '/g',
              ...(base.memcgLimit !== undefined ? { 'memory.max': base.memcgLimit } : {})
            }
      ]
    },
    processes: [
      { pid: 1, comm: 'init', ppid: 0, rss: { anon: '1M' } },
      ...base.procs.map((p, i) => ({
        pid: 100 + i,
        comm: `p${i}`,
        oom_score_adj: p.adj,
        ...(p.inMemcg ? { memcg: '/g' } : {}),
        rss: { anon: `${p.anon}M` }
      }))
    ],
    timeline: actions.map((a, i) => ({ at: `${10 + i * 50}ms`, ...a }))
  }))

describe('any scenario runs to the end with a consistent memory model', () => {
  it('never throws, keeps the buddy lists equal to NR_FREE_PAGES and every counter non-negative', () => {
    fc.assert(
      fc.property(scenarioArb, spec => {
        const s = parseScenario(stringify(spec), 'fuzz.yaml')
        const r = runScenario(s, { maxSteps: 200_000 })
        for (const z of r.summary.final.zones) {
          expect(z.free).toBeGreaterThanOrEqual(0)
          expect(z.free).toBeLessThanOrEqual(z.managed)
        }
        for (const p of r.summary.final.processes) {
          expect(p.anon).toBeGreaterThanOrEqual(0)
          expect(p.swapEnts).toBeGreaterThanOrEqual(0)
        }
        for (const m of r.summary.final.memcgs) expect(m.usage).toBeGreaterThanOrEqual(0)
        for (const l of r.log) expect(l.text).not.toMatch(/undefined|NaN/)
        // Victims were really killed, and each at most once.
        const pids = r.summary.victims.map(v => v.pid)
        expect(new Set(pids).size).toBe(pids.length)
      }),
      { numRuns: 60 }
    )
  })

  it('boots with the buddy lists holding exactly the free pages', () => {
    fc.assert(
      fc.property(fc.constantFrom('64M', '1G', '5G', '33G'), profileArb, (memory, profile) => {
        const s = parseScenario(
          stringify({ name: 'b', profile, machine: { memory }, processes: [] }),
          'b.yaml'
        )
        const w = bootScenario(s, profiles[profile]!).world
        for (const z of w.zones) expect(buddyPages(z)).toBe(z.free)
      })
    )
  })
})
