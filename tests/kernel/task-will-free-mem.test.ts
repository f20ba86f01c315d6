/** task_will_free_mem(). */
import { describe, expect, it } from 'vitest'
import { addTask, makeState } from '../../src/kernel/state-builders.ts'
import { taskWillFreeMem } from '../../src/kernel/task-will-free-mem.ts'

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
