/** state-builders: defaults the other areas rely on. */
import { describe, expect, it } from 'vitest'
import {
  addTask,
  makeMm,
  makeProcess,
  makeState,
  makeThread,
  makeVma
} from '../../src/kernel/state-builders.ts'

describe('state builders', () => {
  it('makeProcess: one thread named like the process, own mm id, adj 0; kthreads have no mm', () => {
    const p = makeProcess({ pid: 42, comm: 'java' })
    expect(p.threads).toEqual([
      { tid: 42, comm: 'java', exiting: false, mmReleased: false, mempolicyNodes: null }
    ])
    expect(p.mmId).toBe(42)
    expect(p.oomScoreAdj).toBe(0)
    expect(makeProcess({ pid: 2, kthread: true }).mmId).toBeNull()
  })

  it('makeMm sums VMA counters when none are given', () => {
    const mm = makeMm({
      id: 1,
      vmas: [makeVma({ start: 0, anon: 10 }), makeVma({ start: 4096, file: 5, shared: true })]
    })
    expect([mm.anon, mm.file, mm.shmem, mm.totalVm]).toEqual([10, 5, 0, 15])
    expect(mm.flags).toEqual({
      oomSkip: false,
      reapQueued: false,
      unstable: false,
      multiprocess: false
    })
  })

  it('makeState creates the root memcg, node 0 and missing mms; addTask appends in order', () => {
    const s = makeState({ totalRamPages: 1000, processes: [makeProcess({ pid: 5 })] })
    expect(s.memcgs.has('/')).toBe(true)
    expect(s.nodes).toEqual([{ id: 0, presentPages: 1000, spannedPages: 1000 }])
    expect(s.mms.get(5)?.anon).toBe(0)
    addTask(s, { pid: 6, anon: 7, file: 3 })
    expect(s.processes.map(p => p.pid)).toEqual([5, 6])
    expect(s.mms.get(6)).toMatchObject({ anon: 7, file: 3, totalVm: 10 })
    expect(s.sysctl).toEqual({ panicOnOom: 0, oomKillAllocatingTask: false, oomDumpTasks: true })
  })
})

describe('builders make plain data', () => {
  // The builders construct Process and Mm objects through record constructors (for the memory
  // layout the victim scan reads); what callers see must stay plain JSON-like data.
  it('Process and Mm: Object.prototype, fields in declaration order, clone and JSON round-trip', () => {
    const p = makeProcess({ pid: 7, comm: 'db', oomScoreAdj: 300, memsAllowed: [0, 1] })
    const mm = makeMm({ id: 7, anon: 12, swapEnts: 3, nrPmds: 2 })
    for (const o of [p, mm]) {
      expect(Object.getPrototypeOf(o)).toBe(Object.prototype)
      expect(o.constructor).toBe(Object)
      expect(structuredClone(o)).toStrictEqual(o)
      expect(JSON.parse(JSON.stringify(o))).toStrictEqual(o)
    }
    expect(Object.keys(p)).toEqual([
      'pid',
      'kthread',
      'oomVictimMmId',
      'oomOrigin',
      'oomScoreAdj',
      'mmId',
      'capSysAdmin',
      'threads',
      'inVfork',
      'memsAllowed',
      'comm',
      'ppid',
      'uid',
      'capSysResource',
      'oomScoreAdjMin',
      'memdie',
      'groupExit',
      'sigkillPending',
      'coreDumping',
      'memcg',
      'cpuset'
    ])
    expect(Object.keys(mm)).toEqual([
      'id',
      'anon',
      'file',
      'shmem',
      'swapEnts',
      'pgtablesBytes',
      'totalVm',
      'vmas',
      'flags',
      'mmapLockHeld',
      'nrPmds'
    ])
    expect(p).toEqual({ ...p })
    expect('nrPmds' in makeMm({ id: 8 })).toBe(false)
  })

  it('makeProcess: given threads and mems are kept by identity, defaults are fresh per process', () => {
    const threads = [makeThread({ tid: 3 })]
    const mems = [1]
    const p = makeProcess({ pid: 3, threads, memsAllowed: mems })
    expect(p.threads).toBe(threads)
    expect(p.memsAllowed).toBe(mems)
    const a = makeProcess({ pid: 4 })
    const b = makeProcess({ pid: 5 })
    expect(a.threads).not.toBe(b.threads)
    expect(a.memsAllowed).not.toBe(b.memsAllowed)
    expect(a.memsAllowed).toEqual([0])
  })
})

describe('cloneState', () => {
  it('copies deeply: killing in the copy leaves the original untouched', async () => {
    const { cloneState } = await import('../../src/kernel/state-builders.ts')
    const { outOfMemory } = await import('../../src/kernel/oom-kill.ts')
    const { makeRatelimit } = await import('../../src/kernel/ratelimit.ts')
    const { profiles } = await import('../../src/kernel/profiles.ts')
    const s = makeState()
    addTask(s, { pid: 9, anon: 100 })
    const c = cloneState(s)
    const o = outOfMemory(
      c,
      { kind: 'global', memcg: null, gfpMask: 0xcc0, order: 0, nodemask: null, currentPid: 9 },
      { profile: profiles['6.11']!, nowNs: 0, ratelimit: makeRatelimit() }
    )
    expect(o.victimPid).toBe(9)
    expect(c.processes[0]!.memdie).toBe(true)
    expect(s.processes[0]!.memdie).toBe(false)
    expect(s.vmOomKill).toBe(0)
  })
})
