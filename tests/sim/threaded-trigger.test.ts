import { describe, expect, it } from 'vitest'
import { parseScenario, runScenario } from '../../src/sim/index.ts'

function run(yaml: string) {
  return runScenario(parseScenario(yaml, 't.yaml'))
}

const lines = (r: ReturnType<typeof run>): string[] =>
  r.log.map(l => (typeof l === 'string' ? l : (l as { text: string }).text))

// A worker thread (tid 702, "grower") of a bigger process faults its memcg into an OOM.
const scenario = (thread: string): string => `name: t
profile: '6.18'
machine: { memory: 1G, cpus: 2 }
cgroups:
  version: 2
  groups: [{ path: /job, memory.max: 64M, memory.swap.max: 0 }]
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - pid: 700
    comm: server
    memcg: /job
    threads: [{ tid: 700 }, { tid: 701, comm: io }, { tid: 702, comm: grower }]
    rss: { anon: 30M }
  - { pid: 800, comm: small, memcg: /job, rss: { anon: 20M } }
timeline:
  - { at: 1s, do: touch, pid: 700, ${thread} size: 1M, every: 10ms, until: killed }
`

describe('touch by a thread (mm/oom_kill.c dump_header(), 6.18: current is the thread)', () => {
  it('names the thread in the invoked line and its tid in the CPU line', () => {
    for (const thread of ['thread: 702,', 'thread: grower,']) {
      const log = lines(run(scenario(thread)))
      expect(log.find(l => l.includes('invoked oom-killer'))).toMatch(/^grower invoked oom-killer:/)
      expect(log.find(l => l.startsWith('CPU: '))).toMatch(/ PID: 702 Comm: grower /)
      expect(log.some(l => /Killed process 700 \(server\)/.test(l))).toBe(true)
    }
  })

  it('without a thread the leader is current, as before', () => {
    const log = lines(run(scenario('')))
    expect(log.find(l => l.includes('invoked oom-killer'))).toMatch(/^server invoked oom-killer:/)
    expect(log.find(l => l.startsWith('CPU: '))).toMatch(/ PID: 700 Comm: server /)
  })

  it('a thread the process does not have is a scenario error', () => {
    expect(() => run(scenario('thread: 999,'))).toThrow(/process 700 has no thread 999/)
    expect(() => run(scenario('thread: nope,'))).toThrow(/no thread named 'nope'/)
  })
})
