/**
 * The 2.6.32–4.6 page-allocator slow path (issue 15 item 7; seeds 002 and 004):
 * __alloc_pages_slowpath(), should_alloc_retry(), __alloc_pages_may_oom() and
 * __alloc_pages_high_priority() as 3.10.4 has them, behind profile.alloc.slowPath.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { profiles } from '../../../src/kernel/profiles.ts'
import { gfpFlags } from '../../../src/kernel/gfp.ts'
import { decodeGfp } from '../../../src/kernel/mm/gfp-bits.ts'
import { allocPages, type AllocHooks } from '../../../src/kernel/mm/page-alloc.ts'
import { shouldAllocRetry } from '../../../src/kernel/mm/page-alloc-legacy.ts'
import { bootScenario } from '../../../src/sim/build.ts'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'
import { plainTask } from './alloc-task.ts'

const p310 = profiles['3.10']!
const f = gfpFlags(p310)

const small = `name: t
profile: '3.10'
machine: { memory: 1G }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 10, comm: t, rss: { anon: 1M } }
`
const task = plainTask(10, 't')

function hooks(): AllocHooks & { ooms: number; warns: number } {
  const h = {
    ooms: 0,
    warns: 0,
    outOfMemory: () => {
      h.ooms++
      return { progress: false, currentKilled: false }
    },
    warnAlloc: () => {
      h.warns++
    },
    wakeKswapd: () => undefined
  }
  return h
}

function run(file: string, profile: string) {
  const s = parseScenario(readFileSync(`examples/${file}`, 'utf8'), file)
  return runScenario(s, { profile })
}

describe('should_alloc_retry(), 3.10.4', () => {
  const g = (mask: number) => decodeGfp(mask, p310)
  it('retries forever up to PAGE_ALLOC_COSTLY_ORDER, never with __GFP_NORETRY', () => {
    expect(shouldAllocRetry(g(f.GFP_KERNEL!), 0, false, 0)).toBe(true)
    expect(shouldAllocRetry(g(f.GFP_KERNEL!), 3, false, 0)).toBe(true)
    expect(shouldAllocRetry(g(f.GFP_KERNEL!), 4, true, 0)).toBe(false)
    expect(shouldAllocRetry(g(f.GFP_KERNEL! | f.__GFP_NORETRY!), 0, true, 0)).toBe(false)
  })
  it('__GFP_NOFAIL always; __GFP_REPEAT while fewer than 1 << order pages were reclaimed', () => {
    expect(shouldAllocRetry(g(f.GFP_KERNEL! | f.__GFP_NOFAIL!), 9, false, 0)).toBe(true)
    const repeat = g(f.GFP_KERNEL! | f.__GFP_REPEAT!)
    expect(shouldAllocRetry(repeat, 4, true, 15)).toBe(true)
    expect(shouldAllocRetry(repeat, 4, true, 16)).toBe(false)
  })
})

describe('__alloc_pages_slowpath(), 3.10.4', () => {
  it('GFP_NOFS never reaches out_of_memory(): (gfp & __GFP_FS) && !__GFP_NORETRY gates the OOM', () => {
    const w = bootScenario(parseScenario(small, 't.yaml'), p310).world
    const h = hooks()
    const r = allocPages(w, { gfp: f.GFP_NOFS!, order: 0, count: 1_000_000, task }, h)
    expect(h.ooms).toBe(0)
    // Order 0 retries forever (wait_iff_congested): the task is parked, nothing fails.
    expect(r.status).toBe('blocked')
    expect(h.warns).toBe(0)
    expect(w.trace.some(e => e.type === 'alloc.oom_not_allowed')).toBe(true)
    expect(w.trace.some(e => e.type === 'alloc.wait_iff_congested')).toBe(true)
  })

  it('GFP_KERNEL without reclaim progress calls out_of_memory() once per pass', () => {
    const w = bootScenario(parseScenario(small, 't.yaml'), p310).world
    const h = hooks()
    allocPages(w, { gfp: f.GFP_KERNEL!, order: 0, count: 1_000_000, task }, h)
    expect(h.ooms).toBe(1)
  })

  it('__GFP_NORETRY fails with warn_alloc_failed() and no OOM', () => {
    const w = bootScenario(parseScenario(small, 't.yaml'), p310).world
    const h = hooks()
    const gfp = f.GFP_KERNEL! | f.__GFP_NORETRY!
    const r = allocPages(w, { gfp, order: 0, count: 1_000_000, task }, h)
    expect([r.status, h.ooms, h.warns]).toEqual(['failed', 0, 1])
  })

  it('costly orders and lowmem requests: __alloc_pages_may_oom() skips the kill, the request fails', () => {
    for (const [gfp, order] of [
      [f.GFP_KERNEL!, 4],
      [f.GFP_KERNEL! | f.GFP_DMA!, 0]
    ] as const) {
      const w = bootScenario(parseScenario(small, 't.yaml'), p310).world
      const h = hooks()
      const r = allocPages(w, { gfp, order, count: 1_000_000, task }, h)
      expect([r.status, h.ooms]).toEqual(['failed', 0])
    }
  })

  it('__alloc_pages_high_priority(): a TIF_MEMDIE task takes pages below the min watermark', () => {
    const w = bootScenario(parseScenario(small, 't.yaml'), p310).world
    const h = hooks()
    const fill = allocPages(w, { gfp: f.GFP_KERNEL!, order: 0, count: 1_000_000, task }, h)
    expect(fill.status).not.toBe('ok')
    const victim = { ...task, oomVictim: true }
    const r = allocPages(w, { gfp: f.GFP_KERNEL!, order: 0, count: 4, task: victim }, h)
    expect(r.status).toBe('ok')
    expect(h.ooms).toBe(1)
    // A TIF_MEMDIE task that still fails gives up instead of reclaiming or killing again.
    const huge = allocPages(w, { gfp: f.GFP_KERNEL!, order: 0, count: 1_000_000, task: victim }, h)
    expect([huge.status, h.ooms]).toEqual(['failed', 1])
  })

  it('the same GFP_NOFS loop on 4.14 (should_reclaim_retry) calls out_of_memory(), which returns', () => {
    const r = run('gfp-nofs-loop.yaml', '4.14')
    expect(r.summary.oomInvocations).toBe(1)
    const old = run('gfp-nofs-loop.yaml', '3.10')
    expect(old.summary.oomInvocations).toBe(0)
    expect(old.summary.stuck.map(s => s.pid)).toEqual([500])
  })

  it('do_try_to_free_pages(), 3.10.4: dirty page cache still counts as progress, no OOM', () => {
    const r = run('dirty-writeback.yaml', '3.10')
    expect(r.summary.oomInvocations).toBe(0)
    expect(r.summary.victims).toEqual([])
  })
})
