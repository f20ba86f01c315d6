/** oom_kill_process() / __oom_kill_process() per profile. */
import { describe, expect, it } from 'vitest'
import { memcgOomGroup } from '../../src/kernel/oom-kill-process.ts'
import { outOfMemory } from '../../src/kernel/oom-kill.ts'
import { addTask, makeMemcg, makeState, makeThread } from '../../src/kernel/state-builders.ts'
import type { OomState } from '../../src/kernel/types.ts'
import { ctxFor, globalOc, prof } from './fixtures.ts'

const texts = (o: { printk: { text: string }[] }): string[] => o.printk.map(r => r.text)

function family(): OomState {
  const s = makeState({ totalRamPages: 1_000_000 })
  addTask(s, { pid: 1, comm: 'init', anon: 100 })
  addTask(s, { pid: 100, comm: 'parent', anon: 300_000 })
  addTask(s, { pid: 200, comm: 'child-a', anon: 10_000, ppid: 100 })
  addTask(s, { pid: 201, comm: 'child-b', anon: 40_000, ppid: 100 })
  addTask(s, { pid: 202, comm: 'child-c', anon: 40_000, ppid: 100 })
  addTask(s, { pid: 203, comm: 'thread-ish', ppid: 100, mmId: 100 })
  return s
}

describe('oom_kill_process() <= 5.0: "Kill process ... or sacrifice child"', () => {
  it('4.19 kills the first child with the strictly highest badness, after the score line', () => {
    const s = family()
    const o = outOfMemory(s, globalOc(100, { gfpMask: 0x6000c0 }), ctxFor(prof('4.19')))
    expect(o.victimPid).toBe(201)
    const lines = texts(o)
    // chosen_points * 1000 / totalpages = 300000*1000/1000000
    expect(lines).toContain('Out of memory: Kill process 100 (parent) score 300 or sacrifice child')
    expect(lines.at(-1)).toBe(
      'Killed process 201 (child-b) total-vm:160000kB, anon-rss:160000kB, file-rss:0kB, shmem-rss:0kB'
    )
    expect(o.events.find(e => e.type === 'oom.sacrifice')).toMatchObject({
      parentPid: 100,
      childPid: 201
    })
  })

  it("5.10 (no sacrifice rule): the last of equal scores wins (203 shares 100's mm), 100 dies too", () => {
    const o = outOfMemory(family(), globalOc(100), ctxFor(prof('5.10')))
    expect(o.victimPid).toBe(203)
    expect(texts(o).some(l => l.includes('sacrifice child'))).toBe(false)
    expect(o.effects.filter(e => e.type === 'signal').map(e => e.pid)).toEqual([203, 100])
  })

  it('3.10 prints the score line with the thread the scan chose and kills via find_lock_task_mm', () => {
    const s = makeState({ totalRamPages: 1_000_000 })
    const p = addTask(s, { pid: 300, comm: 'java', anon: 500_000 })
    // The leader has exited its mm; the other threads still hold it (monocular_1.log).
    p.threads = [
      makeThread({ tid: 300, comm: 'java', mmReleased: true }),
      makeThread({ tid: 301, comm: 'java-gc' }),
      makeThread({ tid: 302, comm: 'java-w' })
    ]
    const o = outOfMemory(s, globalOc(1, { gfpMask: 0xd0 }), ctxFor(prof('3.10')))
    const lines = texts(o)
    // Equal scores: the first eligible thread (301) is kept, none of them is the leader.
    expect(lines).toContain('Out of memory: Kill process 302 (java-w) score 500 or sacrifice child')
    expect(lines.at(-1)).toBe(
      'Killed process 301 (java-gc) total-vm:2000000kB, anon-rss:2000000kB, file-rss:0kB'
    )
  })
})

describe('select_bad_process() 3.10.0 vanilla (3.10.4)', () => {
  it('oom_badness(): a root task of 400 MB loses to a user task of 385 MB in 1 GB (adj -= 30)', () => {
    const build = (): OomState => {
      const s = makeState({ totalRamPages: 262_144 })
      addTask(s, { pid: 10, comm: 'rootd', anon: 102_400, capSysAdmin: true })
      addTask(s, { pid: 11, comm: 'user', anon: 98_560 })
      return s
    }
    // 3.10.4: 102400 - 30 * 262 = 94540 < 98560.
    expect(outOfMemory(build(), globalOc(11), ctxFor(prof('3.10.0'))).victimPid).toBe(11)
    // 3.14 / el7 form: 102400 - 3072 = 99328 > 98560.
    expect(outOfMemory(build(), globalOc(11), ctxFor(prof('3.10'))).victimPid).toBe(10)
  })

  it('select_bad_process(): strict `points > chosen_points`, the first of equal threads stays', () => {
    const s = makeState({ totalRamPages: 1_000_000 })
    const p = addTask(s, { pid: 300, comm: 'java', anon: 500_000 })
    p.threads = [
      makeThread({ tid: 300, comm: 'java', mmReleased: true }),
      makeThread({ tid: 301, comm: 'java-gc' }),
      makeThread({ tid: 302, comm: 'java-w' })
    ]
    const o = outOfMemory(s, globalOc(1, { gfpMask: 0xd0 }), ctxFor(prof('3.10.0')))
    expect(texts(o)).toContain(
      'Out of memory: Kill process 301 (java-gc) score 500 or sacrifice child'
    )
  })
})

describe('__oom_kill_process(): processes sharing the mm', () => {
  function shared(): OomState {
    const s = makeState({ totalRamPages: 1_000_000 })
    addTask(s, { pid: 1, comm: 'init', mmId: 500 })
    addTask(s, { pid: 2, comm: 'kworker', kthread: true })
    s.processes[1]!.mmId = 500
    addTask(s, { pid: 500, comm: 'victim', anon: 100_000 })
    addTask(s, { pid: 501, comm: 'clone', mmId: 500 })
    addTask(s, { pid: 502, comm: 'guarded', mmId: 500, oomScoreAdj: -1000 })
    return s
  }

  it('>= 4.15: init pins the mm (line, MMF_OOM_SKIP, no reaper); kthreads skipped; others SIGKILLed', () => {
    const s = shared()
    const o = outOfMemory(s, globalOc(500), ctxFor(prof('6.11')))
    // Equal badness (same mm): the last eligible one scanned (501) is chosen on >= 5.9.
    expect(o.victimPid).toBe(501)
    expect(texts(o).at(-1)).toBe('oom killer 501 (clone) has mm pinned by 1 (init)')
    expect(s.mms.get(500)!.flags.oomSkip).toBe(true)
    expect(o.effects).toEqual([
      { type: 'signal', pid: 501, signal: 'SIGKILL' },
      { type: 'signal', pid: 500, signal: 'SIGKILL' },
      { type: 'signal', pid: 502, signal: 'SIGKILL' }
    ])
  })

  it('3.x: "Kill process %d (%s) sharing same memory", skipping oom_score_adj -1000 and kthreads', () => {
    const s = shared()
    const o = outOfMemory(s, globalOc(500, { gfpMask: 0xd0 }), ctxFor(prof('3.10')))
    const lines = texts(o)
    const killed = lines.findIndex(l => l.startsWith('Killed process 500'))
    expect(lines.slice(killed + 1)).toEqual([
      'Kill process 1 (init) sharing same memory',
      'Kill process 501 (clone) sharing same memory'
    ])
    expect(o.effects.map(e => (e.type === 'signal' ? e.pid : -1))).toEqual([1, 501, 500])
  })

  it('oom_kill_task() 2.6.32-642 (rhel6): every sharer gets the line and SIGKILL', () => {
    const s = shared()
    const o = outOfMemory(s, globalOc(500, { gfpMask: 0xd0 }), ctxFor(prof('rhel6')))
    const lines = texts(o)
    const killed = lines.findIndex(l => l.startsWith('Killed process 500'))
    expect(lines.slice(killed + 1)).toEqual([
      'Kill process 1 (init) sharing same memory',
      'Kill process 2 (kworker) sharing same memory',
      'Kill process 501 (clone) sharing same memory',
      'Kill process 502 (guarded) sharing same memory'
    ])
  })
})

describe('memory.oom.group (>= 4.19, cgroup v2)', () => {
  function grouped(version: 1 | 2 = 2): OomState {
    const s = makeState({
      totalRamPages: 1_000_000,
      cgroupVersion: version,
      memcgs: [
        makeMemcg({ path: '/pod', oomGroup: true, limit: 200_000 }),
        makeMemcg({ path: '/pod/app', oomGroup: true }),
        makeMemcg({ path: '/other' })
      ]
    })
    addTask(s, { pid: 1, comm: 'init' })
    addTask(s, { pid: 10, comm: 'sidecar', anon: 1000, memcg: '/pod' })
    addTask(s, { pid: 11, comm: 'node', anon: 150_000, memcg: '/pod/app' })
    addTask(s, { pid: 12, comm: 'pause', anon: 10, memcg: '/pod', oomScoreAdj: -1000 })
    addTask(s, { pid: 13, comm: 'gone', memcg: '/pod/app' })
    s.processes.find(p => p.pid === 13)!.threads[0]!.mmReleased = true
    addTask(s, { pid: 20, comm: 'bystander', anon: 5000, memcg: '/other' })
    return s
  }

  it('kills the highest ancestor group (victim printed twice), skips -1000, counts oom_group_kill', () => {
    const s = grouped()
    const o = outOfMemory(
      s,
      { ...globalOc(11), kind: 'memcg', memcg: '/pod' },
      ctxFor(prof('6.11'))
    )
    expect(o.victimPid).toBe(11)
    const lines = texts(o)
    const k = lines.findIndex(l =>
      l.startsWith('Memory cgroup out of memory: Killed process 11 (node)')
    )
    expect(lines.slice(k + 1).map(l => l.replace(/ total-vm.*/, ''))).toEqual([
      'Tasks in /pod are going to be killed due to memory.oom.group set',
      'Memory cgroup out of memory: Killed process 10 (sidecar)',
      'Memory cgroup out of memory: Killed process 11 (node)',
      'Memory cgroup out of memory: OOM victim 13 (gone) is already exiting. Skip killing the task'
    ])
    expect(s.memcgs.get('/pod')!.events.oom_group_kill).toBe(1)
    expect(s.memcgs.get('/pod')!.eventsLocal.oom_group_kill).toBe(1)
    // oom_kill: victim twice in /pod/app, sidecar in /pod; hierarchical in /pod, not the root.
    expect(s.memcgs.get('/pod/app')!.eventsLocal.oom_kill).toBe(2)
    expect(s.memcgs.get('/pod')!.events.oom_kill).toBe(3)
    expect(s.memcgs.get('/')!.events.oom_kill).toBe(0)
    expect(s.processes.find(p => p.pid === 12)!.sigkillPending).toBe(false)
    expect(s.processes.find(p => p.pid === 20)!.sigkillPending).toBe(false)
  })

  it('5.10 has the group kill but not the oom_group_kill event; cgroup v1 has no group', () => {
    const s = grouped()
    outOfMemory(s, { ...globalOc(11), kind: 'memcg', memcg: '/pod' }, ctxFor(prof('5.10')))
    expect(s.memcgs.get('/pod')!.events.oom_group_kill).toBe(0)
    expect(s.processes.find(p => p.pid === 10)!.sigkillPending).toBe(true)
    const v1 = grouped(1)
    const o = outOfMemory(
      v1,
      { ...globalOc(11), kind: 'memcg', memcg: '/pod' },
      ctxFor(prof('6.11'))
    )
    expect(texts(o).some(l => l.startsWith('Tasks in'))).toBe(false)
    expect(v1.processes.find(p => p.pid === 10)!.sigkillPending).toBe(false)
  })
})

describe('counters and victim state', () => {
  it('/proc/vmstat oom_kill counts from 4.13 (not 3.10); the victim gets SIGKILL and TIF_MEMDIE', () => {
    const mk = (): OomState => {
      const s = makeState({ totalRamPages: 1_000_000 })
      addTask(s, { pid: 7, comm: 'hog', anon: 10_000 })
      return s
    }
    const a = mk()
    outOfMemory(a, globalOc(7), ctxFor(prof('6.11')))
    expect(a.vmOomKill).toBe(1)
    const b = mk()
    outOfMemory(b, globalOc(7, { gfpMask: 0xd0 }), ctxFor(prof('3.10')))
    expect(b.vmOomKill).toBe(0)
    expect(b.processes[0]).toMatchObject({ memdie: true, sigkillPending: true, groupExit: true })
  })

  it('a victim that is already exiting is only marked: no report, no kill (task_will_free_mem)', () => {
    const s = makeState({ totalRamPages: 1_000_000 })
    addTask(s, { pid: 7, comm: 'hog', anon: 10_000, groupExit: true })
    addTask(s, { pid: 8, comm: 'cur', anon: 10 })
    const o = outOfMemory(s, globalOc(8), ctxFor(prof('6.11')))
    expect(o.outcome).toBe('victim-exiting')
    expect(o.printk).toEqual([])
    expect(s.processes[0]!.memdie).toBe(true)
    expect(o.effects.map(e => e.type)).toEqual(['queue-reaper'])
  })

  it('the mark_victim tracepoint: "pid=%d" before 6.9, the extended form on 6.11', () => {
    const mk = (): OomState => {
      const s = makeState({ totalRamPages: 1_000_000 })
      addTask(s, { pid: 7, comm: 'hog', anon: 10_000, file: 5, pgtablesBytes: 8192, uid: 1000 })
      return s
    }
    const e61 = outOfMemory(mk(), globalOc(7), ctxFor(prof('6.1'))).events.find(
      e => e.type === 'oom:mark_victim'
    )
    expect(e61).toMatchObject({ pid: 7, extended: null })
    const e611 = outOfMemory(mk(), globalOc(7), ctxFor(prof('6.11'))).events.find(
      e => e.type === 'oom:mark_victim'
    )
    expect(e611).toMatchObject({
      extended: { comm: 'hog', anonRssKb: 40000, fileRssKb: 20, uid: 1000, pgtablesKb: 8 }
    })
  })
})

describe('version differences around the kill', () => {
  it('__oom_kill_process(): an mm-less group member is skipped silently before 5.9', () => {
    const s = makeState({
      totalRamPages: 1_000_000,
      memcgs: [makeMemcg({ path: '/pod', oomGroup: true, limit: 100_000 })]
    })
    addTask(s, { pid: 11, comm: 'node', anon: 50_000, memcg: '/pod' })
    addTask(s, { pid: 13, comm: 'gone', memcg: '/pod' })
    s.processes[1]!.threads[0]!.mmReleased = true
    const oc = { ...globalOc(11, { gfpMask: 0x6000c0 }), kind: 'memcg' as const, memcg: '/pod' }
    const o = outOfMemory(s, oc, ctxFor(prof('4.19')))
    expect(texts(o).some(l => l.includes('already exiting'))).toBe(false)
    expect(texts(o).at(-1)).toMatch(/^Killed process 11 \(node\)/)
  })

  it('sacrifice child (<= 5.0): a child outside the OOMing memcg is not considered', () => {
    const s = makeState({
      totalRamPages: 1_000_000,
      memcgs: [makeMemcg({ path: '/job', limit: 500_000 })]
    })
    addTask(s, { pid: 100, comm: 'parent', anon: 300_000, memcg: '/job' })
    addTask(s, { pid: 200, comm: 'outside', anon: 90_000, ppid: 100 })
    addTask(s, { pid: 201, comm: 'inside', anon: 10_000, ppid: 100, memcg: '/job' })
    const oc = { ...globalOc(100, { gfpMask: 0x6000c0 }), kind: 'memcg' as const, memcg: '/job' }
    const o = outOfMemory(s, oc, ctxFor(prof('4.19')))
    expect(o.victimPid).toBe(201)
  })
})

describe('mem_cgroup_get_oom_group()', () => {
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

describe('out_of_memory() / select_bad_process() 2.6.32-642: a PF_EXITING current', () => {
  function exitingCurrent(): OomState {
    const s = makeState({ totalRamPages: 1_000_000 })
    const cur = addTask(s, { pid: 10, comm: 'leaving', anon: 1000 })
    cur.threads = [makeThread({ tid: 10, comm: 'leaving', exiting: true })]
    addTask(s, { pid: 11, comm: 'big', anon: 500_000 })
    return s
  }

  it('rhel6 chooses current with 1000 points (no fatal signal: no short-cut); 3.10 short-cuts', () => {
    const rhel6 = outOfMemory(
      exitingCurrent(),
      globalOc(10, { gfpMask: 0xd0 }),
      ctxFor(prof('rhel6'))
    )
    expect(rhel6.victimPid).toBe(10)
    const v310 = outOfMemory(
      exitingCurrent(),
      globalOc(10, { gfpMask: 0xd0 }),
      ctxFor(prof('3.10'))
    )
    expect(v310.outcome).toBe('current-exiting')
  })

  it('rhel6: another PF_EXITING task aborts the scan', () => {
    const s = exitingCurrent()
    const o = outOfMemory(s, globalOc(11, { gfpMask: 0xd0 }), ctxFor(prof('rhel6')))
    expect(o.victimPid ?? null).toBe(null)
  })
})
