/**
 * in_vfork() from /proc readings (src/host/vfork.ts): the parent thread waits in vfork (state D,
 * wchan or syscall), its children file names the child, and the mm counters are equal.
 */
import { describe, expect, it } from 'vitest'
import type { TaskReading } from '../../src/adapters/proc/host-source.ts'
import { vforkChildren, vforkParentCandidates, type VforkCandidate } from '../../src/host/vfork.ts'

const mm = {
  vmSizeKb: 53680,
  rssAnonKb: 51300,
  rssFileKb: 1020,
  rssShmemKb: 0,
  vmPteKb: 144,
  vmSwapKb: 0
}

function proc(
  pid: number,
  ppid: number,
  tasks: TaskReading[],
  over: Partial<VforkCandidate> = {}
): VforkCandidate {
  return { pid, ppid, hasMm: true, tasks, ...mm, ...over }
}

const waiting = (
  tid: number,
  over: Partial<NonNullable<TaskReading['blocked']>> = {}
): TaskReading => ({
  tid,
  comm: 'make',
  state: 'D',
  blocked: { wchan: 'kernel_clone', syscallNr: 58, syscallArg0: 0, children: [200], ...over }
})
const running = (tid: number): TaskReading => ({ tid, comm: 'cc', state: 'S', blocked: null })

describe('vfork children on a host reading', () => {
  it('a child whose parent thread waits in vfork and that shows the same mm', () => {
    const found = vforkChildren([
      proc(100, 1, [running(100), waiting(101)]),
      proc(200, 100, [running(200)])
    ])
    expect([...found]).toEqual([[200, 100]])
  })

  it('the wait is recognised by the syscall when wchan is hidden (vfork, clone with CLONE_VFORK)', () => {
    for (const blocked of [
      { wchan: null, syscallNr: 58 },
      { wchan: null, syscallNr: 56, syscallArg0: 0x4000 | 0x100 | 17 }
    ]) {
      const found = vforkChildren([
        proc(100, 1, [waiting(100, blocked)]),
        proc(200, 100, [running(200)])
      ])
      expect(found.get(200)).toBe(100)
    }
    const plainClone = vforkChildren([
      proc(100, 1, [waiting(100, { wchan: null, syscallNr: 56, syscallArg0: 0x100 | 17 })]),
      proc(200, 100, [running(200)])
    ])
    expect(plainClone.size).toBe(0)
  })

  it('not when the parent does not wait, the mm differs, or the waiting thread forked another child', () => {
    expect(vforkChildren([proc(100, 1, [running(100)]), proc(200, 100, [running(200)])]).size).toBe(
      0
    )
    expect(
      vforkChildren([
        proc(100, 1, [waiting(100)]),
        proc(200, 100, [running(200)], { rssAnonKb: 4 })
      ]).size
    ).toBe(0)
    expect(
      vforkChildren([
        proc(100, 1, [waiting(100, { children: [300] })]),
        proc(200, 100, [running(200)])
      ]).size
    ).toBe(0)
    expect(
      vforkChildren([
        proc(100, 1, [waiting(100, { wchan: 'pipe_read' })]),
        proc(200, 100, [running(200)])
      ]).size
    ).toBe(0)
  })

  it('possible vfork parents: a child with the same mm counters, whatever the threads show', () => {
    const parent = proc(100, 1, [running(100)])
    const sameMm = proc(200, 100, [running(200)])
    const otherMm = proc(300, 100, [running(300)], { rssAnonKb: 1 })
    expect(vforkParentCandidates([parent, sameMm]).map(p => p.pid)).toEqual([100])
    expect(vforkParentCandidates([parent, otherMm])).toEqual([])
    expect(vforkParentCandidates([{ ...parent, hasMm: false }, sameMm])).toEqual([])
  })
})
