/**
 * should_compact_retry() (mm/page_alloc.c, 4.14.177 and 6.6.9) with the compaction priorities
 * of include/linux/compaction.h (COMPACT_PRIO_SYNC_FULL .. COMPACT_PRIO_ASYNC,
 * MAX_COMPACT_RETRIES), behind profile.alloc.compactRetry (issue 15, seed 001).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { profiles } from '../../../src/kernel/profiles.ts'
import { gfpFlags } from '../../../src/kernel/gfp.ts'
import { decodeGfp } from '../../../src/kernel/mm/gfp-bits.ts'
import { buildZonelist, type Ctx } from '../../../src/kernel/mm/alloc-context.ts'
import { shouldCompactRetry } from '../../../src/kernel/mm/compaction-retry.ts'
import { bootScenario } from '../../../src/sim/build.ts'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'
import { plainTask } from './alloc-task.ts'

const p419 = profiles['4.19']!
const small = `name: t
profile: '4.19'
machine: { memory: 1G }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
`
const task = plainTask(1, 'init')

function ctx(order: number): Ctx {
  const w = bootScenario(parseScenario(small, 't.yaml'), p419).world
  const g = decodeGfp(gfpFlags(p419).GFP_KERNEL!, p419)
  const classZone = w.mem.zoneSlots.indexOf('Normal')
  const req = { gfp: gfpFlags(p419).GFP_KERNEL!, order, count: 1, task }
  return { w, req, g, classZone, zonelist: buildZonelist(w, task, classZone), mt: 'U', placed: [] }
}

describe('should_compact_retry(), 4.14.177 / 6.6.9', () => {
  it('never retries order 0', () => {
    expect(shouldCompactRetry(ctx(0), 0, 'complete', { priority: 1, retries: 0 })).toBe(false)
  })

  it('a complete (failed) run raises the priority to COMPACT_PRIO_SYNC_FULL, then gives up', () => {
    const c = ctx(3)
    const s = { priority: 1, retries: 5 }
    expect(shouldCompactRetry(c, 0, 'complete', s)).toBe(true)
    expect(s).toEqual({ priority: 0, retries: 0 })
    expect(shouldCompactRetry(c, 0, 'complete', s)).toBe(false)
    const steps = c.w.trace.filter(e => e.type === 'compact.retry').map(e => e['priority'])
    expect(steps).toEqual(['COMPACT_PRIO_SYNC_LIGHT', 'COMPACT_PRIO_SYNC_FULL'])
  })

  it('costly orders stop at COMPACT_PRIO_SYNC_LIGHT and get a quarter of MAX_COMPACT_RETRIES', () => {
    const c = ctx(4)
    expect(shouldCompactRetry(c, 0, 'complete', { priority: 1, retries: 0 })).toBe(false)
    const s = { priority: 1, retries: 3 }
    expect(shouldCompactRetry(c, 0, 'success', s)).toBe(true)
    expect(s.retries).toBe(4)
    expect(shouldCompactRetry(c, 0, 'success', s)).toBe(false)
  })

  it('a success loops while retries <= MAX_COMPACT_RETRIES (16), then raises the priority', () => {
    const c = ctx(2)
    const s = { priority: 1, retries: 15 }
    expect(shouldCompactRetry(c, 0, 'success', s)).toBe(true)
    expect(s).toEqual({ priority: 1, retries: 16 })
    expect(shouldCompactRetry(c, 0, 'success', s)).toBe(true)
    expect(s).toEqual({ priority: 0, retries: 0 })
  })

  it('a skipped run retries while reclaim could make compaction suitable (compaction_zonelist_suitable)', () => {
    const c = ctx(2)
    expect(shouldCompactRetry(c, 0, 'skipped', { priority: 1, retries: 0 })).toBe(true)
    for (const z of c.w.zones) z.free = 0
    expect(shouldCompactRetry(c, 0, 'skipped', { priority: 1, retries: 0 })).toBe(false)
  })
})

describe('examples/compaction-priorities.yaml', () => {
  const text = readFileSync('examples/compaction-priorities.yaml', 'utf8')
  it('4.19: SYNC_LIGHT, then SYNC_FULL, then out_of_memory() with order=3', () => {
    const r = runScenario(parseScenario(text, 'c.yaml'))
    const retries = r.trace
      .filter(e => e.type === 'compact.retry')
      .slice(0, 2) as unknown as Record<string, unknown>[]
    expect(retries.map(e => [e['priority'], e['result'], e['should_retry']])).toEqual([
      ['COMPACT_PRIO_SYNC_LIGHT', 'complete', true],
      ['COMPACT_PRIO_SYNC_FULL', 'complete', false]
    ])
    expect(r.log.some(l => l.text.includes('order=3, oom_score_adj=0'))).toBe(true)
  })

  it('profiles differ: 4.14 and 6.18 have should_compact_retry(), the 3.x profiles do not', () => {
    expect(profiles['4.14']!.alloc.compactRetry).toBe('priorities')
    expect(profiles['6.18']!.alloc.compactRetry).toBe('priorities')
    expect(profiles['3.10']!.alloc.compactRetry).toBe('none')
    expect(profiles['rhel6']!.alloc.compactRetry).toBe('none')
  })
})
