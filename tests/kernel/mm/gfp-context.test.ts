/**
 * Scoped GFP contexts (issue 15, seed 001): memalloc_noio_save() (3.9+) and memalloc_nofs_save()
 * (4.12+) narrow every allocation through current_gfp_context() / memalloc_noio_flags().
 */
import { describe, expect, it } from 'vitest'
import { profiles } from '../../../src/kernel/profiles.ts'
import { gfpFlags } from '../../../src/kernel/gfp.ts'
import { allocPages, type AllocHooks } from '../../../src/kernel/mm/page-alloc.ts'
import { currentGfpContext } from '../../../src/kernel/mm/page-alloc-gfp-context.ts'
import { bootScenario } from '../../../src/sim/build.ts'
import { parseScenario } from '../../../src/sim/index.ts'
import { plainTask } from './alloc-task.ts'

const yaml = `name: t
profile: '6.1'
machine: { memory: 1G }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 10, comm: t, rss: { anon: 1M } }
`
const task = plainTask(10, 't')

/** The gfp masks out_of_memory() was called with. */
function oomMasks(profile: string, scope?: 'noio' | 'nofs'): number[] {
  const p = profiles[profile]!
  const w = bootScenario(parseScenario(yaml, 't.yaml'), p).world
  const masks: number[] = []
  const hooks: AllocHooks = {
    outOfMemory: oc => {
      masks.push(oc.gfpMask)
      return { progress: false, currentKilled: false }
    },
    warnAlloc: () => undefined,
    wakeKswapd: () => undefined
  }
  const t = scope === undefined ? task : { ...task, memallocScope: scope }
  allocPages(w, { gfp: gfpFlags(p).GFP_KERNEL!, order: 0, count: 1_000_000, task: t }, hooks)
  return masks
}

describe('current_gfp_context(), 4.14.177 / memalloc_noio_flags(), 3.10.4', () => {
  it('>= 4.12: NOFS clears __GFP_FS, NOIO clears __GFP_IO and __GFP_FS', () => {
    const p = profiles['4.14']!
    const f = gfpFlags(p)
    expect(currentGfpContext(p, f.GFP_KERNEL!, 'nofs')).toBe(f.GFP_NOFS)
    expect(currentGfpContext(p, f.GFP_KERNEL!, 'noio')).toBe(f.GFP_NOIO)
    expect(currentGfpContext(p, f.GFP_KERNEL!, undefined)).toBe(f.GFP_KERNEL)
  })

  it('3.10: only the NOIO scope exists; 2.6.32-642 has neither', () => {
    const p = profiles['3.10']!
    const f = gfpFlags(p)
    expect(currentGfpContext(p, f.GFP_KERNEL!, 'nofs')).toBe(f.GFP_KERNEL)
    expect(currentGfpContext(p, f.GFP_KERNEL!, 'noio')).toBe(f.GFP_NOIO)
    const r = profiles['rhel6']!
    expect(currentGfpContext(r, gfpFlags(r).GFP_KERNEL!, 'noio')).toBe(gfpFlags(r).GFP_KERNEL)
  })

  it('__alloc_pages(), 6.1: a GFP_KERNEL request in a NOFS scope reaches out_of_memory() as GFP_NOFS', () => {
    const f = gfpFlags(profiles['6.1']!)
    expect(oomMasks('6.1')).toEqual([f.GFP_KERNEL])
    expect(oomMasks('6.1', 'nofs')).toEqual([f.GFP_NOFS])
  })

  it('__alloc_pages_slowpath(), 3.10.4: in a NOIO scope the request no longer may OOM', () => {
    expect(oomMasks('3.10')).toHaveLength(1)
    expect(oomMasks('3.10', 'noio')).toEqual([])
  })
})
