/** out_of_memory() step by step (mm/oom_kill.c), per profile. */
import { describe, expect, it } from 'vitest'
import { outOfMemory } from '../../src/kernel/oom-kill.ts'
import { addTask, makeMemcg, makeState } from '../../src/kernel/state-builders.ts'
import type { OomState } from '../../src/kernel/types.ts'
import { ctxFor, globalOc, prof } from './fixtures.ts'

/** init, a kthread and three user tasks (pids 100..102) with growing anon rss. */
function basic(extra: Partial<Parameters<typeof makeState>[0]> = {}): OomState {
  const s = makeState({ totalRamPages: 1_000_000, ...extra })
  addTask(s, { pid: 1, comm: 'systemd', anon: 5000 })
  addTask(s, { pid: 2, comm: 'kthreadd', kthread: true })
  addTask(s, { pid: 100, comm: 'small', anon: 1000 })
  addTask(s, { pid: 101, comm: 'big', anon: 50_000 })
  addTask(s, { pid: 102, comm: 'mid', anon: 20_000 })
  return s
}

const texts = (o: { printk: { text: string }[] }): string[] => o.printk.map(r => r.text)

describe('out_of_memory() early exits', () => {
  it('oom_killer_disabled: returns false, nothing killed; sysrq says "OOM request ignored" (4.x+)', () => {
    const s = basic({ oomKillerDisabled: true })
    const o = outOfMemory(s, globalOc(100), ctxFor(prof('6.11')))
    expect(o).toMatchObject({ progress: false, outcome: 'disabled', victimPid: null, effects: [] })
    const sr = outOfMemory(s, { ...globalOc(null), kind: 'sysrq', order: -1 }, ctxFor(prof('6.11')))
    expect(texts(sr)).toEqual(['OOM request ignored. No task eligible'])
  })

  it('notifier chain freed memory: progress without a kill; >= 5.17 sysrq ignores it', () => {
    const s = basic()
    const o = outOfMemory(s, globalOc(100), ctxFor(prof('6.1'), 1e9, { notifierFreedPages: 10 }))
    expect(o.outcome).toBe('notifier')
    expect(o.progress).toBe(true)
    const sysrq = { ...globalOc(null), kind: 'sysrq' as const, order: -1 }
    expect(
      outOfMemory(basic(), sysrq, ctxFor(prof('6.1'), 1e9, { notifierFreedPages: 10 })).outcome
    ).toBe('killed')
    expect(
      outOfMemory(basic(), sysrq, ctxFor(prof('5.15'), 1e9, { notifierFreedPages: 10 })).outcome
    ).toBe('notifier')
  })

  it('memcg OOMs do not call the notifier chain', () => {
    const s = basic({ memcgs: [makeMemcg({ path: '/a', limit: 60_000 })] })
    s.processes.find(p => p.pid === 101)!.memcg = '/a'
    const o = outOfMemory(
      s,
      { ...globalOc(101), kind: 'memcg', memcg: '/a' },
      ctxFor(prof('6.11'), 1e9, { notifierFreedPages: 10 })
    )
    expect(o.outcome).toBe('killed')
  })

  it('task_will_free_mem(current) (>= 4.8): current marked victim, reaper queued after 2 s, silent', () => {
    const s = basic()
    const cur = s.processes.find(p => p.pid === 100)!
    cur.groupExit = true
    const o = outOfMemory(s, globalOc(100), ctxFor(prof('6.11'), 5e9))
    expect(o.outcome).toBe('current-exiting')
    expect(o.printk).toEqual([])
    expect(cur.memdie).toBe(true)
    expect(cur.oomVictimMmId).toBe(100)
    expect(o.effects).toEqual([{ type: 'queue-reaper', pid: 100, mmId: 100, atNs: 7e9 }])
  })

  it('task_will_free_mem(current) is false while another process sharing the mm lives on', () => {
    const s = basic()
    const cur = s.processes.find(p => p.pid === 100)!
    cur.groupExit = true
    addTask(s, { pid: 103, comm: 'sharer', mmId: 100 })
    expect(outOfMemory(s, globalOc(100), ctxFor(prof('6.11'))).outcome).toBe('killed')
  })

  it('3.x out_of_memory(): a fatal signal pending on current sets TIF_MEMDIE only', () => {
    const s = basic()
    const cur = s.processes.find(p => p.pid === 100)!
    cur.sigkillPending = true
    const o = outOfMemory(s, globalOc(100, { gfpMask: 0xd0 }), ctxFor(prof('3.10')))
    expect(o.outcome).toBe('current-exiting')
    expect(o.effects).toEqual([])
    expect(cur.memdie).toBe(true)
  })

  it('!__GFP_FS: pretend progress; gfp 0 passes through <= 6.1 but not >= 6.6', () => {
    expect(
      outOfMemory(basic(), globalOc(100, { gfpMask: 0xc40 }), ctxFor(prof('6.11'))).outcome
    ).toBe('nofs')
    expect(outOfMemory(basic(), globalOc(100, { gfpMask: 0 }), ctxFor(prof('6.1'))).outcome).toBe(
      'killed'
    )
    expect(outOfMemory(basic(), globalOc(100, { gfpMask: 0 }), ctxFor(prof('6.6'))).outcome).toBe(
      'nofs'
    )
  })

  it('!__GFP_FS: memcg OOMs are exempt from 5.4 on, not in 4.19', () => {
    const mk = (): OomState => {
      const s = basic({ memcgs: [makeMemcg({ path: '/a', limit: 60_000 })] })
      s.processes.find(p => p.pid === 101)!.memcg = '/a'
      return s
    }
    const oc = { ...globalOc(101, { gfpMask: 0x40 }), kind: 'memcg' as const, memcg: '/a' }
    expect(outOfMemory(mk(), oc, ctxFor(prof('5.10'))).outcome).toBe('killed')
    expect(outOfMemory(mk(), oc, ctxFor(prof('4.19'))).outcome).toBe('nofs')
  })
})

describe('constrained_alloc() and totalpages', () => {
  it('memcg: memory.max + min(swap.max, total swap) when swappiness != 0', () => {
    const s = basic({
      totalSwapPages: 5000,
      memcgs: [makeMemcg({ path: '/a', limit: 60_000, swapLimit: 10_000 })]
    })
    s.processes.find(p => p.pid === 101)!.memcg = '/a'
    const oc = { ...globalOc(101), kind: 'memcg' as const, memcg: '/a' }
    const o = outOfMemory(s, oc, ctxFor(prof('6.11')))
    expect(o.constraint).toBe('CONSTRAINT_MEMCG')
    expect(o.totalPages).toBe(65_000)
    const s0 = basic({
      totalSwapPages: 5000,
      memcgs: [makeMemcg({ path: '/a', limit: 60_000, swappiness: 0 })]
    })
    s0.processes.find(p => p.pid === 101)!.memcg = '/a'
    expect(outOfMemory(s0, oc, ctxFor(prof('6.11'))).totalPages).toBe(60_000)
  })

  it('memcg v1: the swap allowance is memsw.limit - limit', () => {
    const s = basic({
      cgroupVersion: 1,
      totalSwapPages: 50_000,
      memcgs: [makeMemcg({ path: '/a', limit: 60_000, swapLimit: 70_000 })]
    })
    s.processes.find(p => p.pid === 101)!.memcg = '/a'
    const o = outOfMemory(s, { ...globalOc(101), kind: 'memcg', memcg: '/a' }, ctxFor(prof('6.11')))
    expect(o.totalPages).toBe(70_000)
  })

  it('memcg OOM scans only the memcg subtree and lists only it', () => {
    const s = basic({
      memcgs: [makeMemcg({ path: '/a', limit: 30_000 }), makeMemcg({ path: '/a/b' })]
    })
    s.processes.find(p => p.pid === 100)!.memcg = '/a'
    s.processes.find(p => p.pid === 102)!.memcg = '/a/b'
    const o = outOfMemory(s, { ...globalOc(100), kind: 'memcg', memcg: '/a' }, ctxFor(prof('6.11')))
    expect(o.victimPid).toBe(102)
    expect(o.report!.tasks!.map(r => r.pid)).toEqual([100, 102])
    expect(texts(o)).toContain(
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a/b,task=mid,pid=102,uid=0'
    )
    expect(texts(o)).toContain(
      'Memory cgroup out of memory: Killed process 102 (mid) total-vm:80000kB, anon-rss:80000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0'
    )
  })

  it('cpuset: current bound to node 0 of two => CONSTRAINT_CPUSET, swap + node pages (present >= 5.7, spanned <= 5.3)', () => {
    const nodes = [
      { id: 0, presentPages: 400_000, spannedPages: 500_000 },
      { id: 1, presentPages: 600_000, spannedPages: 600_000 }
    ]
    const mk = (): OomState => {
      const s = basic({ nodes, totalSwapPages: 1000 })
      for (const p of s.processes) p.memsAllowed = [0, 1]
      const cur = s.processes.find(p => p.pid === 100)!
      cur.memsAllowed = [0]
      cur.cpuset = '/box'
      s.processes.find(p => p.pid === 101)!.memsAllowed = [1]
      return s
    }
    // A user page (GFP_HIGHUSER_MOVABLE carries __GFP_HARDWALL): the cpuset wall applies.
    const o = outOfMemory(mk(), globalOc(100, { gfpMask: 0x100cca }), ctxFor(prof('6.11')))
    expect(o.constraint).toBe('CONSTRAINT_CPUSET')
    expect(o.totalPages).toBe(401_000)
    // 101 lives on node 1 only: not cpuset-eligible, 102 is chosen.
    expect(o.victimPid).toBe(102)
    expect(o.ranking.find(r => r.pid === 101)?.skip).toBe('cpuset')
    expect(
      outOfMemory(mk(), globalOc(100, { gfpMask: 0x6200ca }), ctxFor(prof('4.19'))).totalPages
    ).toBe(501_000)
  })

  it('mempolicy: a nodemask short of all nodes => CONSTRAINT_MEMORY_POLICY; __GFP_THISNODE => none', () => {
    const nodes = [
      { id: 0, presentPages: 400_000, spannedPages: 400_000 },
      { id: 1, presentPages: 600_000, spannedPages: 600_000 }
    ]
    const s = basic({ nodes })
    for (const p of s.processes) p.memsAllowed = [0, 1]
    const o = outOfMemory(s, globalOc(100, { nodemask: [1] }), ctxFor(prof('6.11')))
    expect(o.constraint).toBe('CONSTRAINT_MEMORY_POLICY')
    expect(o.totalPages).toBe(600_000)
    expect(o.report!.nodemask).toEqual([1])
    const s2 = basic({ nodes })
    for (const p of s2.processes) p.memsAllowed = [0, 1]
    const t = outOfMemory(
      s2,
      globalOc(100, { nodemask: [1], gfpMask: 0xcc0 | 0x200000 }),
      ctxFor(prof('6.11'))
    )
    expect(t.constraint).toBe('CONSTRAINT_NONE')
    expect(t.report!.nodemask).toBeNull()
  })
})

describe('check_panic_on_oom()', () => {
  it('panic_on_oom=1 panics for CONSTRAINT_NONE after dump_header', () => {
    const s = basic({ sysctl: { panicOnOom: 1 } })
    const o = outOfMemory(s, globalOc(100), ctxFor(prof('6.11')))
    expect(o.outcome).toBe('panic')
    expect(o.effects).toEqual([
      { type: 'panic', message: 'Out of memory: system-wide panic_on_oom is enabled' }
    ])
    const lines = texts(o)
    expect(lines[0]).toMatch(
      /^small invoked oom-killer: gfp_mask=0xcc0\(GFP_KERNEL\), order=0, oom_score_adj=0$/
    )
    expect(lines[lines.length - 1]).toBe(
      'Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled'
    )
    expect(o.printk[o.printk.length - 1]!.level).toBe(0)
  })

  it('panic_on_oom=1 does not panic for a memcg OOM; 2 does ("compulsory")', () => {
    const mk = (v: 1 | 2): OomState => {
      const s = basic({
        sysctl: { panicOnOom: v },
        memcgs: [makeMemcg({ path: '/a', limit: 60_000 })]
      })
      s.processes.find(p => p.pid === 101)!.memcg = '/a'
      return s
    }
    const oc = { ...globalOc(101), kind: 'memcg' as const, memcg: '/a' }
    expect(outOfMemory(mk(1), oc, ctxFor(prof('6.11'))).outcome).toBe('killed')
    const o = outOfMemory(mk(2), oc, ctxFor(prof('6.11')))
    expect(o.outcome).toBe('panic')
    expect(texts(o).at(-1)).toBe(
      'Kernel panic - not syncing: Out of memory: compulsory panic_on_oom is enabled'
    )
  })

  it('never for sysrq (4.x+); 3.10 panics on sysrq too', () => {
    const sysrq = { ...globalOc(null), kind: 'sysrq' as const, order: -1 }
    expect(
      outOfMemory(basic({ sysctl: { panicOnOom: 2 } }), sysrq, ctxFor(prof('6.11'))).outcome
    ).toBe('killed')
    expect(
      outOfMemory(
        basic({ sysctl: { panicOnOom: 2 } }),
        { ...sysrq, gfpMask: 0xd0 },
        ctxFor(prof('3.10'))
      ).outcome
    ).toBe('panic')
  })
})

describe('oom_kill_allocating_task', () => {
  it('kills current without a scan, with its own message', () => {
    const s = basic({ sysctl: { oomKillAllocatingTask: true } })
    const o = outOfMemory(s, globalOc(100), ctxFor(prof('6.11')))
    expect(o.victimPid).toBe(100)
    expect(o.ranking).toEqual([])
    expect(texts(o).at(-1)).toMatch(
      /^Out of memory \(oom_kill_allocating_task\): Killed process 100 \(small\)/
    )
  })

  it('not when current has oom_score_adj -1000, nor for memcg OOMs', () => {
    const s = basic({ sysctl: { oomKillAllocatingTask: true } })
    s.processes.find(p => p.pid === 100)!.oomScoreAdj = -1000
    expect(outOfMemory(s, globalOc(100), ctxFor(prof('6.11'))).victimPid).toBe(101)
    const m = basic({ sysctl: { oomKillAllocatingTask: true }, memcgs: [makeMemcg({ path: '/' })] })
    expect(
      outOfMemory(m, { ...globalOc(100), kind: 'memcg', memcg: '/' }, ctxFor(prof('6.11')))
        .victimPid
    ).toBe(101)
  })
})

describe('no killable task', () => {
  const empty = (): OomState => {
    const s = makeState({ totalRamPages: 1000 })
    addTask(s, { pid: 1, comm: 'init', anon: 100 })
    addTask(s, { pid: 50, comm: 'guard', anon: 300, oomScoreAdj: -1000 })
    return s
  }

  it('>= 4.19 global: dump_header, the warning, then "System is deadlocked on memory"', () => {
    const o = outOfMemory(empty(), globalOc(50), ctxFor(prof('6.11')))
    expect(o).toMatchObject({ outcome: 'panic', progress: false })
    const lines = texts(o)
    expect(lines.slice(-2)).toEqual([
      'Out of memory and no killable processes...',
      'Kernel panic - not syncing: System is deadlocked on memory'
    ])
    // dump_tasks lists the -1000 task but not init.
    expect(o.report!.tasks!.map(r => r.pid)).toEqual([50])
  })

  it('>= 4.19 memcg: the warning only, no panic (tpuvm_1.log)', () => {
    const s = empty()
    s.memcgs.set('/c', makeMemcg({ path: '/c', limit: 100 }))
    s.processes.find(p => p.pid === 50)!.memcg = '/c'
    const o = outOfMemory(s, { ...globalOc(50), kind: 'memcg', memcg: '/c' }, ctxFor(prof('6.11')))
    expect(o.outcome).toBe('no-victim')
    expect(texts(o).at(-1)).toBe('Out of memory and no killable processes...')
    expect(o.effects).toEqual([])
  })

  it('<= 4.18 global: panic("Out of memory and no killable processes...") without the warning', () => {
    const o = outOfMemory(empty(), globalOc(50, { gfpMask: 0x14000c0 }), ctxFor(prof('4.14')))
    expect(o.outcome).toBe('panic')
    const lines = texts(o)
    expect(lines.at(-1)).toBe(
      'Kernel panic - not syncing: Out of memory and no killable processes...'
    )
    expect(lines.filter(l => l === 'Out of memory and no killable processes...')).toEqual([])
  })

  it('sysrq: warning and "OOM request ignored. No task eligible", no panic', () => {
    const o = outOfMemory(
      empty(),
      { ...globalOc(null), kind: 'sysrq', order: -1 },
      ctxFor(prof('6.11'), 1e9, { worker: { pid: 33, comm: 'kworker/0:2' } })
    )
    expect(o.outcome).toBe('no-victim')
    expect(texts(o)[0]).toBe(
      'kworker/0:2 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=-1, oom_score_adj=0'
    )
    expect(texts(o).slice(-2)).toEqual([
      'Out of memory and no killable processes...',
      'OOM request ignored. No task eligible'
    ])
  })
})

describe('dump_header ratelimit (oom_kill_process, 10 per 5 s)', () => {
  it('the 11th report within 5 s prints only the Killed line; the next window reports the suppressed count', () => {
    const ctx = ctxFor(prof('6.11'))
    const headers: number[] = []
    for (let i = 0; i < 12; i++) {
      const s = basic()
      ctx.nowNs = 1e9 + i * 1e8
      const o = outOfMemory(s, globalOc(100), ctx)
      headers.push(texts(o).filter(l => l.includes('invoked oom-killer')).length)
      expect(texts(o).at(-1)).toMatch(/^Out of memory: Killed process 101 \(big\)/)
      if (i >= 10) expect(o.events.some(e => e.type === 'oom.ratelimited')).toBe(true)
    }
    expect(headers).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0])
    ctx.nowNs = 1e9 + 5e9 + 1
    const o = outOfMemory(basic(), globalOc(100), ctx)
    expect(texts(o)[0]).toBe('oom_kill_process: 2 callbacks suppressed')
    expect(texts(o)[1]).toMatch(/invoked oom-killer/)
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
