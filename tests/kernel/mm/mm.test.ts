import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { profiles } from '../../../src/kernel/profiles.ts'
import { gfpFlags } from '../../../src/kernel/gfp.ts'
import {
  buddyPages,
  emptyFreeArea,
  emptyZoneStats,
  freeToBuddy,
  takeFromBuddy,
  type Zone
} from '../../../src/kernel/mm/zone.ts'
import { intSqrt } from '../../../src/kernel/mm/watermarks.ts'
import { allocPages, type AllocHooks } from '../../../src/kernel/mm/page-alloc.ts'
import { commitLimit, vmEnoughMemory } from '../../../src/kernel/mm/overcommit.ts'
import { bootScenario } from '../../../src/sim/build.ts'
import { DEFAULT_SCENARIO_YAML, parseScenario, runScenario } from '../../../src/sim/index.ts'
import { plainTask } from './alloc-task.ts'

const p611 = profiles['6.11']!
const p61 = profiles['6.1']!

function zone(): Zone {
  return {
    node: 0,
    type: 'Normal',
    idx: 2,
    presentPages: 1 << 20,
    managedPages: 1 << 20,
    initManagedPages: 1 << 20,
    wmarkMin: 0,
    wmarkLow: 0,
    wmarkHigh: 0,
    wmarkPromo: 0,
    boost: 0,
    lowmemReserve: [0, 0, 0, 0, 0],
    free: 0,
    freeArea: emptyFreeArea(),
    pcp: 0,
    localPcp: 0,
    stats: emptyZoneStats()
  }
}

function boot(yaml: string, profile = p61) {
  return bootScenario(parseScenario(yaml, 't.yaml'), profile).world
}

const small = (extra = ''): string => `name: t
profile: '6.1'
machine: { memory: 1G }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 10, comm: t, rss: { anon: 1M } }
${extra}`

describe('watermarks and lowmem_reserve', () => {
  it("reproduce seed 003's zones from min_free_kbytes and the boot-time managed pages", () => {
    const w = bootScenario(parseScenario(DEFAULT_SCENARIO_YAML, 'd'), p611).world
    expect(w.mem.vm.minFreeKbytes).toBe(11380)
    expect(w.zones.map(z => [z.type, z.wmarkMin * 4, z.wmarkLow * 4, z.wmarkHigh * 4])).toEqual([
      ['DMA', 20, 32, 44],
      ['DMA32', 2728, 4668, 6608],
      ['Normal', 8628, 14764, 20900]
    ])
    expect(w.zones.map(z => z.lowmemReserve)).toEqual([
      [0, 1895, 7890, 0, 0],
      [0, 0, 5994, 0, 0],
      [0, 0, 0, 0, 0]
    ])
  })

  it('repeat the cumulative reserve into empty upper zones on 5.10 (as its reports show)', () => {
    const w = bootScenario(parseScenario(DEFAULT_SCENARIO_YAML, 'd'), profiles['5.10']!).world
    expect(w.zones[0]!.lowmemReserve).toEqual([0, 1895, 7890, 7890, 7890])
  })

  it('use min + tmp/4 and min + tmp/2 on the classic (3.10) formula', () => {
    const w = boot(small(), profiles['3.10'])
    for (const z of w.zones) {
      expect(z.wmarkLow).toBe(z.wmarkMin + (z.wmarkMin >> 2))
      expect(z.wmarkHigh).toBe(z.wmarkMin + (z.wmarkMin >> 1))
    }
  })

  it('split min_free_kbytes over the lowmem zones (the mins add up to at most pages_min)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 65536 }), mib => {
        const w = boot(small().replace('memory: 1G', `memory: ${mib}M`))
        const pagesMin = w.mem.vm.minFreeKbytes >> 2
        const sum = w.zones.reduce((a, z) => a + z.wmarkMin, 0)
        expect(sum).toBeLessThanOrEqual(pagesMin)
        expect(sum).toBeGreaterThanOrEqual(pagesMin - w.zones.length)
        expect(w.mem.vm.minFreeKbytes).toBeGreaterThanOrEqual(128)
        expect(w.mem.vm.minFreeKbytes).toBeLessThanOrEqual(262144)
      }),
      { numRuns: 30 }
    )
  })

  it('int_sqrt is the integer square root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 52 }), x => {
        const r = intSqrt(x)
        expect(r * r).toBeLessThanOrEqual(x)
        expect((r + 1) * (r + 1)).toBeGreaterThan(x)
      })
    )
  })
})

describe('buddy free lists (counts, not pages)', () => {
  it('always hold exactly NR_FREE_PAGES, whatever is taken and freed', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            take: fc.boolean(),
            pages: fc.integer({ min: 1, max: 5000 }),
            order: fc.integer({ min: 0, max: 10 }),
            mt: fc.constantFrom('U' as const, 'M' as const, 'E' as const)
          }),
          { maxLength: 60 }
        ),
        ops => {
          const z = zone()
          freeToBuddy(z, 100_000, 'M')
          for (const op of ops) {
            if (op.take) {
              const before = z.free
              const got = takeFromBuddy(z, op.pages, op.order, op.mt)
              expect(got % 2 ** op.order).toBe(0)
              expect(z.free).toBe(before - got)
            } else freeToBuddy(z, op.pages, op.mt)
            expect(buddyPages(z)).toBe(z.free)
            for (const row of z.freeArea) for (const n of row) expect(n).toBeGreaterThanOrEqual(0)
          }
        }
      )
    )
  })
})

describe('page allocator paths', () => {
  function hooks(): AllocHooks & { ooms: number; warns: number; wakes: number } {
    const h = {
      ooms: 0,
      warns: 0,
      wakes: 0,
      outOfMemory: () => {
        h.ooms++
        return { progress: false, currentKilled: false }
      },
      warnAlloc: () => {
        h.warns++
      },
      wakeKswapd: () => {
        h.wakes++
      }
    }
    return h
  }
  const task = plainTask(10, 't')
  const f = gfpFlags(p61)

  it('serve from the fast path without waking kswapd while above the low watermark', () => {
    const w = boot(small())
    const h = hooks()
    const r = allocPages(w, { gfp: f.GFP_KERNEL!, order: 0, count: 1000, task }, h)
    expect(r.status).toBe('ok')
    expect(r.placed.reduce((a, b) => a + b, 0)).toBe(1000)
    expect(h.wakes).toBe(0)
  })

  it('never take a zone below min for an ordinary request, and call the OOM hook when stuck', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400_000 }), count => {
        const w = boot(small())
        const h = hooks()
        const r = allocPages(w, { gfp: f.GFP_KERNEL!, order: 0, count, task }, h)
        for (const z of w.zones)
          expect(z.free).toBeGreaterThanOrEqual(Math.min(z.wmarkMin, z.managedPages))
        expect(r.got === count).toBe(r.status === 'ok')
        if (r.status !== 'ok') expect(h.ooms).toBe(1)
      }),
      { numRuns: 25 }
    )
  })

  it('skip the OOM killer for costly orders, __GFP_RETRY_MAYFAIL and lowmem-only requests', () => {
    for (const [gfp, order] of [
      [f.GFP_KERNEL!, 4],
      [f.GFP_KERNEL! | f.__GFP_RETRY_MAYFAIL!, 0],
      [f.GFP_KERNEL! | f.GFP_DMA!, 0]
    ] as const) {
      const w = boot(small())
      const h = hooks()
      const r = allocPages(w, { gfp, order, count: 1_000_000, task }, h)
      expect(r.status).toBe('failed')
      expect(h.ooms).toBe(0)
      expect(h.warns).toBe(1)
    }
  })

  it('stay silent with __GFP_NOWARN', () => {
    const w = boot(small())
    const h = hooks()
    allocPages(
      w,
      { gfp: f.GFP_KERNEL! | f.__GFP_NOWARN! | f.__GFP_NORETRY!, order: 0, count: 1_000_000, task },
      h
    )
    expect(h.warns).toBe(0)
  })
})

describe('overcommit', () => {
  it('CommitLimit is swap + ratio% of RAM; mode 2 refuses beyond it, mode 1 never does', () => {
    const w = boot(
      small().replace(
        'machine: { memory: 1G }',
        'machine: { memory: 1G, swap: [{ name: s, size: 256M }] }'
      )
    )
    w.mem.vm.overcommitMemory = 2
    const ram = w.zones.reduce((a, z) => a + z.managedPages, 0)
    expect(commitLimit(w.mem)).toBe(Math.floor(ram / 2) + 65536)
    const x = {
      capSysAdmin: true,
      totalVm: null,
      reclaimableGuess: 0,
      freePages: 0,
      totalReservePages: 0
    }
    w.mem.committedAs = 0
    expect(vmEnoughMemory(w.mem, p61, { ...x, pages: commitLimit(w.mem) - 1 })).toBe(true)
    expect(vmEnoughMemory(w.mem, p61, { ...x, pages: 10 })).toBe(false)
    w.mem.vm.overcommitMemory = 1
    expect(vmEnoughMemory(w.mem, p61, { ...x, pages: 1e9 })).toBe(true)
  })
})

describe('warn_alloc rate limit', () => {
  it('prints one "page allocation failure" per 10 s', () => {
    const y = small(`timeline:
  - { at: 10ms, do: alloc, pid: 10, gfp: GFP_KERNEL, order: 10, count: 300, every: 1s, count: 3 }`).replace(
      'count: 300, ',
      ''
    )
    const s = parseScenario(
      y.replace(
        'machine: { memory: 1G }',
        'machine: { nodes: [{ zones: [{ type: DMA32, present: 64M, fragmented: true }] }] }'
      ),
      't'
    )
    const r = runScenario(s)
    expect(r.summary.allocFailures).toHaveLength(3)
    expect(r.log.filter(l => l.text.includes('page allocation failure')).length).toBe(1)
  })
})
