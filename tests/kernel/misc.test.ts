/** __ratelimit(), task_will_free_mem(), tracepoint text and memcg helpers. */
import { describe, expect, it } from 'vitest'
import { formatTracepoint } from '../../src/kernel/events.ts'
import { memcgMax, memcgSubtreePreorder } from '../../src/kernel/oom-constraint.ts'
import { memcgOomGroup } from '../../src/kernel/oom-kill-process.ts'
import { makeRatelimit, ratelimitCheck } from '../../src/kernel/ratelimit.ts'
import { addTask, makeMemcg, makeState } from '../../src/kernel/state-builders.ts'
import { taskWillFreeMem } from '../../src/kernel/task-will-free-mem.ts'
import { prof } from './fixtures.ts'

describe('__ratelimit() (lib/ratelimit.c, DEFAULT 10 per 5 s)', () => {
  it('allows 10 in a window, then counts misses until the window has fully elapsed', () => {
    const rs = makeRatelimit()
    const allowed = Array.from({ length: 12 }, (_, i) => ratelimitCheck(rs, i * 1e8).allowed)
    expect(allowed).toEqual([...Array(10).fill(true), false, false])
    // Exactly begin + interval is still the old window.
    expect(ratelimitCheck(rs, 5e9)).toEqual({ allowed: false, suppressed: 0 })
    expect(ratelimitCheck(rs, 5e9 + 1)).toEqual({ allowed: true, suppressed: 3 })
  })
})

describe('task_will_free_mem() (>= 4.8)', () => {
  it('group exit yes; core dump no; MMF_OOM_SKIP no; single exiting thread yes', () => {
    const s = makeState()
    const p = addTask(s, { pid: 10, groupExit: true })
    expect(taskWillFreeMem(s, p, null)).toBe(true)
    p.coreDumping = true
    expect(taskWillFreeMem(s, p, null)).toBe(false)
    p.coreDumping = false
    s.mms.get(10)!.flags.oomSkip = true
    expect(taskWillFreeMem(s, p, null)).toBe(false)
    const q = addTask(s, { pid: 11 })
    q.threads[0]!.exiting = true
    expect(taskWillFreeMem(s, q, null)).toBe(true)
  })
})

describe('tracepoint text (include/trace/events/oom.h)', () => {
  it('mark_victim extended form keeps the kernel mixed = and : separators', () => {
    expect(
      formatTracepoint({
        type: 'oom:mark_victim',
        timeNs: 0,
        pid: 116,
        extended: {
          comm: 'stress-ng-vm',
          totalVmKb: 10515768,
          anonRssKb: 7980628,
          fileRssKb: 564,
          shmemRssKb: 0,
          uid: 0,
          pgtablesKb: 15676,
          oomScoreAdj: 1000
        }
      })
    ).toBe(
      'pid=116 comm=stress-ng-vm total-vm=10515768kB anon-rss=7980628kB file-rss:564kB shmem-rss:0kB uid=0 pgtables=15676kB oom_score_adj=1000'
    )
    expect(formatTracepoint({ type: 'oom:wake_reaper', timeNs: 0, pid: 5 })).toBe('pid=5')
    expect(formatTracepoint({ type: 'oom.no_victim', timeNs: 0 })).toBeNull()
  })
})

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

  it('mem_cgroup_get_oom_group(): none for the root memcg or a victim outside the OOM domain', () => {
    const s = makeState({
      memcgs: [makeMemcg({ path: '/a', oomGroup: true }), makeMemcg({ path: '/b', oomGroup: true })]
    })
    const inRoot = addTask(s, { pid: 5 })
    const inB = addTask(s, { pid: 6, memcg: '/b' })
    expect(memcgOomGroup(s, inRoot, null, prof('6.11'))).toBeNull()
    expect(memcgOomGroup(s, inB, '/a', prof('6.11'))).toBeNull()
    expect(memcgOomGroup(s, inB, null, prof('6.11'))).toBe('/b')
    expect(memcgOomGroup(s, inB, null, prof('4.14'))).toBeNull()
  })
})
