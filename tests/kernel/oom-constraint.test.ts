/** for_each_mem_cgroup_tree order and mem_cgroup_get_max(). */
import { describe, expect, it } from 'vitest'
import { memcgMax, memcgSubtreePreorder } from '../../src/kernel/oom-constraint.ts'
import { addTask, makeMemcg, makeState } from '../../src/kernel/state-builders.ts'
import { outOfMemory } from '../../src/kernel/oom-kill.ts'
import { ctxFor, globalOc, prof } from './fixtures.ts'

describe('memcg helpers', () => {
  it('for_each_mem_cgroup_tree order is pre-order with siblings in creation order', () => {
    const s = makeState({
      memcgs: ['/b', '/a', '/a/y', '/a/x', '/b/z'].map(path => makeMemcg({ path }))
    })
    expect(memcgSubtreePreorder(s, '/')).toEqual(['/', '/b', '/b/z', '/a', '/a/y', '/a/x'])
    expect(memcgSubtreePreorder(s, '/a')).toEqual(['/a', '/a/y', '/a/x'])
  })

  it('mem_cgroup_get_max(): unlimited swap is capped at total swap; no swap with swappiness 0', () => {
    const s = makeState({ totalSwapPages: 300 })
    expect(memcgMax(s, makeMemcg({ path: '/a', limit: 1000 }))).toBe(1300)
    expect(memcgMax(s, makeMemcg({ path: '/a', limit: 1000, swappiness: 0 }))).toBe(1000)
  })
})

describe('constrained_alloc(): the cpuset wall only stops __GFP_HARDWALL requests', () => {
  // cpuset_zone_allowed() (4.x+) / cpuset_zone_allowed_softwall() (3.10): a node outside
  // current's mems is refused only for __GFP_HARDWALL; otherwise the nearest hardwall ancestor
  // (the root cpuset here) decides, and it allows every node.
  function twoNodes(): ReturnType<typeof makeState> {
    const s = makeState({
      totalRamPages: 1_000_000,
      totalSwapPages: 1000,
      nodes: [
        { id: 0, presentPages: 400_000, spannedPages: 500_000 },
        { id: 1, presentPages: 600_000, spannedPages: 600_000 }
      ]
    })
    addTask(s, { pid: 1, comm: 'init', anon: 10, memsAllowed: [0, 1] })
    addTask(s, { pid: 100, comm: 'boxed', anon: 1000, memsAllowed: [0], cpuset: '/box' })
    addTask(s, { pid: 101, comm: 'n1-only', anon: 300_000, memsAllowed: [1] })
    return s
  }
  // Either way 101 (node 1 only) does not intersect current's mems and is passed over.
  for (const [name, kernel, user, cpusetPages] of [
    ['3.10', 0xd0, 0x200da, 501_000],
    ['4.19', 0x6000c0, 0x6200ca, 501_000],
    ['6.11', 0xcc0, 0x100cca, 401_000]
  ] as const) {
    it(`${name}: GFP_KERNEL from a cpuset task is CONSTRAINT_NONE, GFP_HIGHUSER_MOVABLE is CPUSET`, () => {
      const k = outOfMemory(twoNodes(), globalOc(100, { gfpMask: kernel }), ctxFor(prof(name)))
      expect([k.constraint, k.totalPages, k.victimPid]).toEqual(['CONSTRAINT_NONE', 1_001_000, 100])
      const u = outOfMemory(twoNodes(), globalOc(100, { gfpMask: user }), ctxFor(prof(name)))
      expect([u.constraint, u.totalPages, u.victimPid]).toEqual([
        'CONSTRAINT_CPUSET',
        cpusetPages,
        100
      ])
    })
  }
})
