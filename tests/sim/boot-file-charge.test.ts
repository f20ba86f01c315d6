import { describe, expect, it } from 'vitest'
import { parseScenario, runScenario } from '../../src/sim/index.ts'

// Processes whose file pages snapshot recorded without naming the file (program text, libc).
const JOB = (timeline: string): string => `name: file pages charged at boot
profile: '6.18'
machine: { memory: 1G }
cgroups:
  version: 2
  groups:
    - { path: /job, memory.max: 64M }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 800, comm: server, memcg: /job, rss: { anon: 8M, file: 4M } }
  - { pid: 801, comm: grower, memcg: /job, rss: { anon: 1M, file: 2M } }
${timeline}`

describe('boot: file pages of a mapping with no file named are charged to the memcg', () => {
  it('memory.current counts them with the anon pages', () => {
    const r = runScenario(parseScenario(JOB('timeline: []\n'), 'x'))
    const job = r.summary.final.memcgs.find(m => m.path === '/job')
    expect(job?.usage).toBe((8 + 4 + 1 + 2) * 256)
  })

  it('the grower is OOM-killed with the file pages still charged; file never negative', () => {
    const tl =
      'timeline:\n  - { at: 10ms, do: touch, pid: 801, size: 1M, every: 1ms, until: killed }\n'
    const r = runScenario(parseScenario(JOB(tl), 'x'))
    expect(r.summary.victims.length).toBeGreaterThan(0)
    const stat = r.log.map(l => l.text).filter(t => /^(file|anon|shmem) -?\d+$/.test(t))
    expect(stat.length).toBeGreaterThan(0)
    for (const t of stat) expect(Number(t.split(' ')[1])).toBeGreaterThanOrEqual(0)
  })

  it('mapped file pages of live tasks stay resident through reclaim (rss_file printed)', () => {
    const tl =
      'timeline:\n  - { at: 10ms, do: touch, pid: 801, size: 1M, every: 1ms, until: killed }\n'
    const r = runScenario(parseScenario(JOB(tl), 'x'))
    const rows = r.log.map(l => l.text).filter(t => /^\[ +80[01]\]/.test(t))
    // rss_file column (pages): 4 MiB of the server, 2 MiB of the grower.
    expect(rows.map(t => t.trim().split(/\s+/)[7])).toEqual(['1024', '512'])
    expect(r.log.some(l => l.text.includes('file-rss:2048kB'))).toBe(true)
  })
})
