import { describe, expect, it } from 'vitest'
import { applyGrow, GROW_STEP_PAGES, WhatIfError } from '../../src/host/what-if.ts'
import { loadScenario, runScenario } from '../../src/sim/index.ts'
import type { ScenarioFile } from '../../src/sim/index.ts'

function base(): ScenarioFile {
  return {
    name: 'two growers',
    profile: '6.18',
    machine: { memory: '1G' },
    cgroups: { version: 2, groups: [{ path: '/job', 'memory.max': '64M' }] },
    processes: [
      { pid: 1, comm: 'init', ppid: 0, rss: { anon: '1M' } },
      { pid: 10, comm: 'a', memcg: '/job', rss: { anon: '1M' } },
      { pid: 11, comm: 'b', memcg: '/job', rss: { anon: '1M' } }
    ]
  }
}

describe('--grow PID=SIZE@STEP', () => {
  it('takes a step size; 64 MiB without one', () => {
    const s = base()
    applyGrow(s, '10=oom@1M')
    applyGrow(s, '11=oom')
    applyGrow(s, '11=+4M@1M')
    expect(s.timeline?.map(t => (t as { size: number }).size)).toEqual([256, GROW_STEP_PAGES, 256])
    expect((s.timeline?.[2] as { count?: number }).count).toBe(4)
    expect(() => applyGrow(base(), '10=oom@0')).toThrow(WhatIfError)
  })

  it('two growers with 1 MiB steps interleave: both have grown when the memcg OOMs', () => {
    const s = base()
    applyGrow(s, '10=oom@1M')
    applyGrow(s, '11=oom@1M')
    const r = runScenario(loadScenario(s, 'x'))
    const row = (pid: number): string =>
      r.log.map(l => l.text).find(t => new RegExp(`^\\[ +${pid}\\]`).test(t)) ?? ''
    const rss = (pid: number): number => Number(row(pid).trim().split(/\s+/)[4])
    // Each holds about half of the 64 MiB (16384 pages) when the first OOM comes.
    expect(rss(10)).toBeGreaterThan(6000)
    expect(rss(11)).toBeGreaterThan(6000)
  })
})

describe('--grow by a thread (PID/TID or TID)', () => {
  function threaded(): ScenarioFile {
    const s = base()
    s.processes[1] = {
      pid: 10,
      comm: 'a',
      memcg: '/job',
      rss: { anon: '8M' },
      threads: [{ tid: 10 }, { tid: 12, comm: 'worker' }]
    }
    return s
  }

  it('PID/TID and a bare TID make that thread the writer', () => {
    for (const arg of ['10/12=oom@1M', '12=oom@1M']) {
      const s = threaded()
      applyGrow(s, arg)
      expect(s.timeline?.[0]).toMatchObject({ do: 'touch', pid: 10, thread: 12, size: 256 })
      const r = runScenario(loadScenario(s, 'x'))
      const text = r.log.map(l => l.text)
      expect(text.find(t => t.includes('invoked oom-killer'))).toMatch(/^worker invoked/)
      expect(text.find(t => t.startsWith('CPU: '))).toMatch(/ PID: 12 Comm: worker /)
    }
  })

  it('PID/PID is the leader; an unknown thread is an error', () => {
    const s = threaded()
    applyGrow(s, '10/10=oom')
    expect(s.timeline?.[0]).not.toHaveProperty('thread')
    expect(() => applyGrow(threaded(), '10/13=oom')).toThrow(/process 10 has no thread '13'/)
    expect(() => applyGrow(threaded(), '13=oom')).toThrow(WhatIfError)
  })
})
