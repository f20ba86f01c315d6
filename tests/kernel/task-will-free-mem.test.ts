/** task_will_free_mem(). */
import { describe, expect, it } from 'vitest'
import { addTask, makeState, makeThread } from '../../src/kernel/state-builders.ts'
import { taskWillFreeMem } from '../../src/kernel/task-will-free-mem.ts'
import { outOfMemory } from '../../src/kernel/oom-kill.ts'
import { ctxFor, globalOc, printkTexts, prof } from './fixtures.ts'

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
      expect(printkTexts(o).some(l => l.includes('Killed process 401 (straggler)'))).toBe(true)
    })
  }
})
