/** The oom_reaper (mm/oom_kill.c oom_reaper/oom_reap_task/__oom_reap_task_mm) per profile. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { outOfMemory } from '../../src/kernel/oom-kill.ts'
import { makeReaperState, reaperEnqueue, reaperStep } from '../../src/kernel/oom-reaper.ts'
import type { ReaperState } from '../../src/kernel/oom-reaper.ts'
import type { KernelProfile } from '../../src/kernel/profiles.ts'
import { addTask, makeMm, makeState, makeThread, makeVma } from '../../src/kernel/state-builders.ts'
import type { OomState } from '../../src/kernel/types.ts'
import { ctxFor, globalOc, prof } from './fixtures.ts'

/** A victim with one VMA of each kind. */
function victimState(): OomState {
  const s = makeState({ totalRamPages: 1_000_000 })
  const vmas = [
    makeVma({ start: 0x1000, anon: 1000 }),
    makeVma({ start: 0x2000, anon: 300, locked: true }),
    makeVma({ start: 0x3000, file: 50, anonymous: false }),
    makeVma({ start: 0x4000, shmem: 70, anonymous: false, shared: true }),
    makeVma({ start: 0x5000, anon: 20, hugetlb: true })
  ]
  s.mms.set(9, makeMm({ id: 9, vmas }))
  addTask(s, { pid: 9, comm: 'hog' })
  return s
}

function killAndQueue(s: OomState, profile: KernelProfile, nowNs: number): ReaperState {
  const o = outOfMemory(s, globalOc(9), ctxFor(profile, nowNs))
  const rs = makeReaperState()
  for (const e of o.effects) if (e.type === 'queue-reaper') reaperEnqueue(rs, s, e)
  return rs
}

describe('__oom_reap_task_mm() walk order', () => {
  it('forward up to 6.13, reverse (highest address first) on 6.18', () => {
    const walk = (name: string): number[] => {
      const s = victimState()
      const rs = killAndQueue(s, prof(name), 1e9)
      const r = reaperStep(s, rs, { profile: prof(name), nowNs: 10e9 })
      const e = r.events.find(x => x.type === 'oom.reaped')
      return e !== undefined && e.type === 'oom.reaped' ? e.vmas : []
    }
    expect(walk('6.11')).toEqual([0x1000, 0x2000, 0x3000])
    expect(walk('6.18')).toEqual([0x3000, 0x2000, 0x1000])
  })

  it('MMF_OOM_SKIP is always set once the reaper is done, whatever the lock does', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 15 }), locks => {
        const s = victimState()
        const rs = killAndQueue(s, prof('6.11'), 1e9)
        let t = 3e9
        for (const held of locks) {
          s.mms.get(9)!.mmapLockHeld = held
          reaperStep(s, rs, { profile: prof('6.11'), nowNs: t })
          t += 1e8
        }
        const end = reaperStep(s, rs, { profile: prof('6.11'), nowNs: 60e9 })
        expect(s.mms.get(9)!.flags.oomSkip).toBe(true)
        expect(end.nextWakeNs).toBeNull()
      })
    )
  })
})

describe('queue_oom_reaper() and the reap', () => {
  it('6.1: reaped 2 s after the kill, mlocked memory included; shared and hugetlb kept', () => {
    const s = victimState()
    const rs = killAndQueue(s, prof('6.1'), 10e9)
    const early = reaperStep(s, rs, { profile: prof('6.1'), nowNs: 11e9 })
    expect(early.printk).toEqual([])
    expect(early.nextWakeNs).toBe(12e9)
    const r = reaperStep(s, rs, { profile: prof('6.1'), nowNs: 12e9 })
    expect(r.printk).toEqual([
      {
        timeNs: 12e9,
        level: 6,
        text: 'oom_reaper: reaped process 9 (hog), now anon-rss:80kB, file-rss:0kB, shmem-rss:280kB'
      }
    ])
    expect(r.events.map(e => e.type)).toEqual([
      'oom:wake_reaper',
      'oom:start_task_reaping',
      'oom:finish_task_reaping',
      'oom.reaped'
    ])
    expect(r.freed).toEqual([{ pid: 9, mmId: 9, anon: 1300, file: 50, shmem: 0, freedPages: 1300 }])
    const mm = s.mms.get(9)!
    expect(mm.flags).toMatchObject({ oomSkip: true, unstable: true, reapQueued: true })
    expect(r.nextWakeNs).toBeNull()
  })

  it('5.10: no delay, mlocked VMAs are skipped', () => {
    const s = victimState()
    const rs = killAndQueue(s, prof('5.10'), 10e9)
    const r = reaperStep(s, rs, { profile: prof('5.10'), nowNs: 10e9 })
    expect(r.printk[0]!.text).toBe(
      'oom_reaper: reaped process 9 (hog), now anon-rss:1280kB, file-rss:0kB, shmem-rss:280kB'
    )
    expect(r.events[0]!.type).toBe('oom:start_task_reaping')
  })

  it('MMF_OOM_REAP_QUEUED: a second queue attempt for the same mm is ignored (>= 5.0)', () => {
    const s = victimState()
    const o = outOfMemory(s, globalOc(9), ctxFor(prof('6.11'), 1e9))
    expect(o.effects.filter(e => e.type === 'queue-reaper')).toHaveLength(1)
    s.processes[0]!.groupExit = true
    // current exiting path: mark + queue again -> no new queue effect.
    s.processes[0]!.memdie = false
    const again = outOfMemory(s, globalOc(9), ctxFor(prof('6.11'), 2e9))
    expect(again.outcome).toBe('current-exiting')
    expect(again.effects).toEqual([])
  })

  it('>= 5.18 timer: a victim that exited by itself (MMF_OOM_SKIP) is dropped', () => {
    const s = victimState()
    const rs = killAndQueue(s, prof('6.11'), 10e9)
    s.mms.get(9)!.flags.oomSkip = true
    const r = reaperStep(s, rs, { profile: prof('6.11'), nowNs: 13e9 })
    expect(r.events).toEqual([])
    expect(r.printk).toEqual([])
  })

  it('mmap lock held: 10 attempts 100 ms apart, "unable to reap" 1 s after the first, MMF_OOM_SKIP set', () => {
    const s = victimState()
    s.mms.get(9)!.mmapLockHeld = true
    const rs = killAndQueue(s, prof('6.11'), 10e9)
    const r = reaperStep(s, rs, { profile: prof('6.11'), nowNs: 20e9 })
    const skips = r.events.filter(e => e.type === 'oom:skip_task_reaping').map(e => e.timeNs)
    expect(skips).toEqual(Array.from({ length: 10 }, (_, i) => 12e9 + i * 1e8))
    expect(r.printk).toEqual([
      { timeNs: 13e9, level: 6, text: 'oom_reaper: unable to reap pid:9 (hog)' }
    ])
    expect(s.mms.get(9)!.flags.oomSkip).toBe(true)
    expect(s.mms.get(9)!.anon).toBe(1320)
  })

  it('oom_reap_task() 5.4.286: locks only after "unable to reap"; 5.10.44: sched_show_task first', () => {
    const failed = (name: string): unknown => {
      const s = victimState()
      s.mms.get(9)!.mmapLockHeld = true
      const rs = killAndQueue(s, prof(name), 10e9)
      const r = reaperStep(s, rs, { profile: prof(name), nowNs: 20e9 })
      return r.events.find(e => e.type === 'oom.reap_failed')
    }
    expect(failed('5.4')).toMatchObject({ pid: 9, schedShowTask: false })
    expect(failed('4.19')).toMatchObject({ pid: 9, schedShowTask: false })
    expect(failed('5.10')).toMatchObject({ pid: 9, schedShowTask: true })
  })

  it('the lock released during the retries: reaped on a later attempt', () => {
    const s = victimState()
    s.mms.get(9)!.mmapLockHeld = true
    const rs = killAndQueue(s, prof('6.11'), 10e9)
    reaperStep(s, rs, { profile: prof('6.11'), nowNs: 12.25e9 })
    s.mms.get(9)!.mmapLockHeld = false
    const r = reaperStep(s, rs, { profile: prof('6.11'), nowNs: 20e9 })
    expect(r.printk[0]!.timeNs).toBe(12.3e9)
    expect(r.printk[0]!.text).toMatch(/^oom_reaper: reaped process 9 \(hog\)/)
  })

  it('no reaper on 3.10; init pinning the mm prevents queueing', () => {
    const s = victimState()
    const o = outOfMemory(s, globalOc(9, { gfpMask: 0xd0 }), ctxFor(prof('3.10')))
    expect(o.effects.some(e => e.type === 'queue-reaper')).toBe(false)
    const p = victimState()
    addTask(p, { pid: 1, comm: 'init', mmId: 9 })
    const q = outOfMemory(p, globalOc(9), ctxFor(prof('6.11')))
    expect(q.effects.some(e => e.type === 'queue-reaper')).toBe(false)
  })

  it('oom_reaper_list is LIFO: the task queued last is reaped first', () => {
    const s = makeState({ totalRamPages: 1_000_000 })
    addTask(s, { pid: 5, comm: 'a', anon: 10 })
    addTask(s, { pid: 6, comm: 'b', anon: 10 })
    const rs = makeReaperState()
    reaperEnqueue(rs, s, { type: 'queue-reaper', pid: 5, mmId: 5, atNs: 1e9 })
    reaperEnqueue(rs, s, { type: 'queue-reaper', pid: 6, mmId: 6, atNs: 1e9 })
    // Both timers fire before the reaper runs (4.19 has no delay; both are on the list).
    rs.list.unshift(
      ...rs.timers
        .splice(0)
        .map(t => ({ pid: t.pid, comm: t.comm, mmId: t.mmId }))
        .reverse()
    )
    const r = reaperStep(s, rs, { profile: prof('4.19'), nowNs: 1e9 })
    expect(r.printk.map(l => l.text.slice(0, 32))).toEqual([
      'oom_reaper: reaped process 6 (b)',
      'oom_reaper: reaped process 5 (a)'
    ])
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
