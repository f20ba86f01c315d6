import { describe, expect, it } from 'vitest'
import type { CaseRun } from '../../conformance/case-run.ts'
import { currentTaskMismatch } from '../../conformance/checks/check-simulator.ts'
import { reportDerivedTimeline, reportCurrentTid } from '../../conformance/growth-timeline.ts'
import type { KernelKill, KernelTaskRow } from '../../conformance/kernel-report.ts'
import { kindCase } from '../../conformance/kind-cases.ts'

const row = (pid: number, rss: number): KernelTaskRow =>
  ({ pid, tgid: pid, rss, rssAnon: rss - 500, rssFile: 500, rssShmem: 0 }) as KernelTaskRow

function kill(current: string, tid: number, victim: number, rows: KernelTaskRow[]): KernelKill {
  const invoked = `${current} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0`
  return {
    complete: true,
    texts: [
      invoked,
      `CPU: 0 UID: 0 PID: ${tid} Comm: ${current} Not tainted 6.18.44 #1 PREEMPT(none) `,
      `Memory cgroup out of memory: Killed process ${victim} (x) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0`
    ],
    tasks: rows,
    killed: { pid: victim }
  } as unknown as KernelKill
}

const entry = (pid: number, rss: number, tids: number[] = [pid]) => ({
  proc: {
    pid,
    rssAnon: rss - 500,
    rssFile: 500,
    rssShmem: 0,
    threads: tids.map(tid => ({ tid, comm: `t${tid}` }))
  },
  sharesMmWith: null
})

describe('concurrent growers: the simulated growth comes from the kernel reports', () => {
  // Grower 10 (writing from thread 13) and co-grower 20; report 1: 20 faulted, 30 was killed;
  // report 2: thread 13 faulted, 20 was killed.
  const run = {
    growerPid: 10,
    growerTid: 13,
    coGrowers: [{ hog: 1, pid: 20, tid: null, mode: 'free' }],
    snapshot: { entries: [entry(10, 1000, [10, 13]), entry(20, 800), entry(30, 5000)] },
    kills: [
      kill('g20', 20, 30, [row(10, 1000 + 2148), row(20, 800 + 4096), row(30, 5000)]),
      kill('t13', 13, 20, [row(10, 1000 + 6144), row(20, 800 + 4096)])
    ]
  } as unknown as CaseRun

  it('reads the current tid from dump_stack()', () => {
    expect(reportCurrentTid(run.kills[1]!)).toBe(13)
  })

  it('grows the others to their report rows, then the current task to its row and the OOM', () => {
    const t = reportDerivedTimeline(run, 256) as Record<string, unknown>[]
    expect(t).toEqual([
      // report 1: 10 grows its 2148 pages first, less the 32-page cushion (from thread 13: 8
      // steps, then the 68 pages of the step it was in), then 20 until the OOM
      {
        at: '1000ms',
        do: 'touch',
        pid: 10,
        thread: 13,
        size: 256,
        every: '1ms',
        count: 8,
        until: 'killed'
      },
      {
        at: '3000ms',
        do: 'touch',
        pid: 10,
        thread: 13,
        size: 68,
        every: '1ms',
        count: 1,
        until: 'killed'
      },
      { at: '6000ms', do: 'touch', pid: 20, size: 256, every: '1ms', count: 16, until: 'oom' },
      // then the step it faulted in, mapped whole and faulted a page at a time: its part
      // (none) plus the lag allowance, 64 pages and for the other grower (10) its lag, 32, and
      // the 32 it stands short of its row
      { at: '8000ms', do: 'mmap', pid: 20, name: 'oomkit-step-1', size: 256 },
      {
        at: '8001ms',
        do: 'touch',
        pid: 20,
        size: 1,
        vma: 'oomkit-step-1',
        every: '1ms',
        count: 128,
        until: 'oom'
      },
      // report 2: 20 is not growing any more (it is the victim); 10 grows 4028 more: 15 steps,
      // then 188 + 64 + 32 (20's lag; 20 stands at its row) one-page faults until the OOM
      {
        at: '16000ms',
        do: 'touch',
        pid: 10,
        thread: 13,
        size: 256,
        every: '1ms',
        count: 15,
        until: 'oom'
      },
      { at: '18000ms', do: 'mmap', pid: 10, name: 'oomkit-step-2', size: 284 },
      {
        at: '18001ms',
        do: 'touch',
        pid: 10,
        thread: 13,
        size: 1,
        vma: 'oomkit-step-2',
        every: '1ms',
        count: 284,
        until: 'oom'
      }
    ])
  })
})

describe('check 2 compares the current task of every agreed kill', () => {
  const k = kill('tt1_gt4', 21400, 5, [])
  it('agrees when the simulator names the same thread', () => {
    expect(currentTaskMismatch([k], k.texts, 1)).toBeNull()
  })
  it('names the kill where the simulator printed the leader instead', () => {
    const ours = [
      'tt1_g invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      'CPU: 1 UID: 0 PID: 21396 Comm: tt1_g Not tainted',
      k.texts[2]!
    ]
    expect(currentTaskMismatch([k], ours, 1)?.kill).toBe(0)
  })
})

describe('the thread kinds', () => {
  it('threaded-trigger: the grower grows from a named thread; concurrent: 2-3 growers, 1 MiB steps', () => {
    for (let n = 1; n <= 8; n++) {
      const t = kindCase('threaded-trigger', n)
      expect(t.seed).toBe(600_000 + n)
      expect(t.hogs[t.grower]).toMatchObject({ growThread: true, namedThreads: true })
      const c = kindCase('concurrent', n)
      expect(c.seed).toBe(700_000 + n)
      expect(c.stepKb).toBe(1024)
      const growers = c.hogs.filter((h, i) => i === c.grower || h.coGrow !== undefined)
      expect(growers.length).toBeGreaterThanOrEqual(2)
      expect(growers.length).toBeLessThanOrEqual(3)
    }
  })
})
