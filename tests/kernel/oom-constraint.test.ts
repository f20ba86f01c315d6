/** for_each_mem_cgroup_tree order and mem_cgroup_get_max(). */
import { describe, expect, it } from 'vitest'
import { memcgMax, memcgSubtreePreorder } from '../../src/kernel/oom-constraint.ts'
import { makeMemcg, makeState } from '../../src/kernel/state-builders.ts'

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
