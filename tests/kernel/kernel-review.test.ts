/**
 * Discrepancies found by reviewing the engine against the kernel sources (see REVIEW.md): each
 * test names the kernel function and version it follows and failed before the fix.
 */
import { describe, expect, it } from 'vitest'
import { outOfMemory } from '../../src/kernel/oom-kill.ts'
import { makeReaperState, reaperEnqueue, reaperStep } from '../../src/kernel/oom-reaper.ts'
import { readOomAdj, writeOomAdj, writeOomScoreAdj } from '../../src/kernel/proc-knobs.ts'
import type { KnobContext } from '../../src/kernel/proc-knobs.ts'
import { addTask, makeMemcg, makeState, makeThread } from '../../src/kernel/state-builders.ts'
import { ctxFor, globalOc, prof } from './fixtures.ts'

const texts = (o: { printk: { text: string }[] }): string[] => o.printk.map(r => r.text)
const kctx = (name: string): KnobContext => ({
  profile: prof(name),
  nowNs: 1e9,
  once: { oomAdjDeprecatedWarned: false }
})
const root = { pid: 900, comm: 'sudo', capSysResource: true }

describe('oom_score_adj_write() / oom_adj_write(), 3.10: a target without task->mm is EINVAL', () => {
  it('3.10 refuses a kernel thread and a leader past exit_mm; 4.19 and 6.11 accept both', () => {
    for (const [name, want] of [
      ['3.10', { ok: false, errno: 'EINVAL' }],
      ['4.19', { ok: true }],
      ['6.11', { ok: true }]
    ] as const) {
      const s = makeState()
      const kt = addTask(s, { pid: 2, comm: 'kthreadd', kthread: true })
      const zombieLeader = addTask(s, {
        pid: 300,
        comm: 'app',
        anon: 100,
        threads: [
          makeThread({ tid: 300, comm: 'app', exiting: true, mmReleased: true }),
          makeThread({ tid: 301, comm: 'worker' })
        ]
      })
      expect(writeOomScoreAdj(s, kt, '100', root, kctx(name))).toMatchObject(want)
      expect(writeOomScoreAdj(s, zombieLeader, '100', root, kctx(name))).toMatchObject(want)
      expect(writeOomAdj(s, zombieLeader, '3', root, kctx(name))).toMatchObject(want)
    }
  })

  it('3.10: the range check still comes first (EINVAL either way) and a live task is written', () => {
    const s = makeState()
    const t = addTask(s, { pid: 50, anon: 10 })
    expect(writeOomScoreAdj(s, t, '-300', root, kctx('3.10')).ok).toBe(true)
    expect(t.oomScoreAdj).toBe(-300)
  })
})

describe('task_will_free_mem(victim), >= 4.8: it reads the task’s own ->mm', () => {
  // The chosen leader already passed exit_mm while a second thread still holds the mm and the
  // group is exiting: the leader's ->mm is NULL, so task_will_free_mem() is false and the kernel
  // goes on to __oom_kill_process(), where find_lock_task_mm() finds the second thread.
  function exitingGroup(): ReturnType<typeof makeState> {
    const s = makeState({ totalRamPages: 1_000_000 })
    addTask(s, { pid: 1, comm: 'init', anon: 10 })
    addTask(s, {
      pid: 400,
      comm: 'leader',
      anon: 500_000,
      groupExit: true,
      threads: [
        makeThread({ tid: 400, comm: 'leader', exiting: true, mmReleased: true }),
        makeThread({ tid: 401, comm: 'straggler' })
      ]
    })
    addTask(s, { pid: 500, comm: 'small', anon: 1000 })
    return s
  }

  for (const name of ['4.19', '5.10', '6.11']) {
    it(`${name}: the victim is killed with a Killed line for the thread holding the mm`, () => {
      const o = outOfMemory(exitingGroup(), globalOc(500), ctxFor(prof(name)))
      expect(o.outcome).toBe('killed')
      expect(texts(o).some(l => l.includes('Killed process 401 (straggler)'))).toBe(true)
    })
  }
})

describe('select_bad_process() <= 5.2: the sacrifice score of an oom_task_origin() victim', () => {
  // chosen_points = ULONG_MAX; "* 1000" wraps to 2^64 - 1000, / totalpages, printed as a 32-bit
  // int: (2^64 - 1000) / 1000000 = 18446744073709, which is 4154504685 modulo 2^32.
  function originState(): ReturnType<typeof makeState> {
    const s = makeState({ totalRamPages: 1_000_000 })
    addTask(s, { pid: 1, comm: 'init', anon: 10 })
    addTask(s, { pid: 600, comm: 'swapoff', anon: 100, oomOrigin: true })
    addTask(s, { pid: 601, comm: 'big', anon: 600_000 })
    return s
  }

  it('4.19 prints it with %u: score 4154504685', () => {
    const o = outOfMemory(originState(), globalOc(601), ctxFor(prof('4.19')))
    expect(texts(o)).toContain(
      'Out of memory: Kill process 600 (swapoff) score 4154504685 or sacrifice child'
    )
  })

  it('3.10 stores it in an unsigned int and prints %d: score -140462611', () => {
    const o = outOfMemory(originState(), globalOc(601, { gfpMask: 0x201da }), ctxFor(prof('3.10')))
    expect(texts(o)).toContain(
      'Out of memory: Kill process 600 (swapoff) score -140462611 or sacrifice child'
    )
  })
})

describe('mem_cgroup_out_of_memory(), 3.10: no !__GFP_FS test on the memcg path', () => {
  function memcgState(): ReturnType<typeof makeState> {
    const s = makeState({ totalRamPages: 1_000_000, cgroupVersion: 1 })
    s.memcgs.set('/box', makeMemcg({ path: '/box', limit: 10_000 }))
    addTask(s, { pid: 1, comm: 'init', anon: 10 })
    addTask(s, { pid: 700, comm: 'boxed', anon: 9_000, memcg: '/box' })
    return s
  }
  const nofsOc = {
    kind: 'memcg' as const,
    memcg: '/box',
    gfpMask: 0x50, // GFP_NOFS on 3.10/4.14: __GFP_WAIT|__GFP_IO, no __GFP_FS
    order: 0,
    nodemask: null,
    currentPid: 700
  }

  it('3.10 kills in the memcg for a GFP_NOFS charge; 4.14 (through out_of_memory) pretends progress', () => {
    expect(outOfMemory(memcgState(), nofsOc, ctxFor(prof('3.10'))).outcome).toBe('killed')
    expect(outOfMemory(memcgState(), nofsOc, ctxFor(prof('4.14'))).outcome).toBe('nofs')
    expect(outOfMemory(memcgState(), nofsOc, ctxFor(prof('5.10'))).outcome).toBe('killed')
  })
})

describe('out_of_memory(), <= 5.2: oom_kill_allocating_task eligibility of current', () => {
  it('3.10: current given without a thread list is still eligible under a mempolicy nodemask', () => {
    const s = makeState({
      totalRamPages: 1_000_000,
      nodes: [
        { id: 0, presentPages: 500_000, spannedPages: 500_000 },
        { id: 1, presentPages: 500_000, spannedPages: 500_000 }
      ],
      sysctl: { oomKillAllocatingTask: true }
    })
    addTask(s, { pid: 1, comm: 'init', anon: 10, memsAllowed: [0, 1] })
    addTask(s, { pid: 800, comm: 'alloc', anon: 10, threads: [], memsAllowed: [0, 1] })
    addTask(s, { pid: 801, comm: 'big', anon: 600_000, memsAllowed: [0, 1] })
    const o = outOfMemory(
      s,
      globalOc(800, { gfpMask: 0x201da, nodemask: [1] }),
      ctxFor(prof('3.10'))
    )
    expect(o.victimPid).toBe(800)
    expect(o.events.some(e => e.type === 'oom.allocating_task')).toBe(true)
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

describe('oom_adj_read(): the cap at OOM_ADJUST_MAX arrived in 5.10', () => {
  it('oom_score_adj 942..999 reads 16 on 3.10 and 4.19, 15 on 5.10 and 6.11; 1000 reads 15', () => {
    const s = makeState()
    const t = addTask(s, { pid: 60, oomScoreAdj: 999 })
    expect(['3.10', '4.19', '5.10', '6.11'].map(n => readOomAdj(t, prof(n)))).toEqual([
      '16\n',
      '16\n',
      '15\n',
      '15\n'
    ])
    t.oomScoreAdj = 941
    expect(readOomAdj(t, prof('3.10'))).toBe('15\n')
    t.oomScoreAdj = 1000
    expect(readOomAdj(t, prof('3.10'))).toBe('15\n')
  })
})

describe('__oom_kill_process() -> queue_oom_reaper(victim), >= 4.6: the reaper names the thread', () => {
  // The leader called pthread_exit (past exit_mm); find_lock_task_mm() returns the worker
  // thread, which becomes `victim` and is what queue_oom_reaper() and the reaper's lines name.
  for (const name of ['4.19', '6.11']) {
    it(`${name}: "oom_reaper: reaped process" carries the worker's tid and comm`, () => {
      const s = makeState({ totalRamPages: 1_000_000 })
      addTask(s, { pid: 1, comm: 'init', anon: 10 })
      addTask(s, {
        pid: 900,
        comm: 'server',
        anon: 500_000,
        threads: [
          makeThread({ tid: 900, comm: 'server', exiting: true, mmReleased: true }),
          makeThread({ tid: 905, comm: 'worker' })
        ]
      })
      const o = outOfMemory(s, globalOc(1), ctxFor(prof(name)))
      const rs = makeReaperState()
      for (const e of o.effects) if (e.type === 'queue-reaper') reaperEnqueue(rs, s, e)
      const r = reaperStep(s, rs, { profile: prof(name), nowNs: 10e9 })
      const line = r.printk.map(x => x.text).find(t => t.startsWith('oom_reaper: reaped'))
      expect(line).toMatch(/^oom_reaper: reaped process 905 \(worker\), now anon-rss:0kB/)
      expect(r.events.some(e => e.type === 'oom:start_task_reaping' && e.pid === 905)).toBe(true)
    })
  }
})
