/**
 * The 2.6.32 / 3.x Mem-Info and memcg report, simulated (issue 15, items 3 and 4): the line
 * shapes a booted world prints on the rhel6, 3.10.0 and 3.10 profiles.
 */
import { describe, expect, it } from 'vitest'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

const memcgScenario = (profile: string): string => `
name: memcg OOM on ${profile}
profile: '${profile}'
machine: { memory: 1G, cpus: 4 }
cgroups:
  version: 1
  groups:
    - { path: /test, memory.limit_in_bytes: 8M }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 700, comm: t, memcg: /test, rss: { anon: 1M } }
timeline:
  - { at: 10ms, do: touch, pid: 700, size: 1M, every: 1ms, until: killed }
`

function logOf(yaml: string): string[] {
  return runScenario(parseScenario(yaml, 'test.yaml')).log.map(l => l.text)
}

describe('memcg OOM reports of 2.6.32 and 3.10 (simulated)', () => {
  it('dump_header(), 2.6.32-220: the memcg lines, then the global Mem-Info in the el6 layout', () => {
    const log = logOf(memcgScenario('rhel6'))
    const memcgLine = log.findIndex(l => l.startsWith('memory+swap: usage'))
    const memInfo = log.indexOf('Mem-Info:')
    expect(memcgLine).toBeGreaterThan(0)
    expect(memInfo).toBe(memcgLine + 1)
    // mem_cgroup_print_oom_info(), 2.6.32-642: no kmem line, no "Memory cgroup stats" lines.
    expect(log.some(l => l.startsWith('kmem:'))).toBe(false)
    expect(log.some(l => l.startsWith('Memory cgroup stats'))).toBe(false)
    // show_free_areas(), 2.6.32: a pageset line per online CPU under each per-cpu header.
    const pcp = log.filter(l => /^CPU {4}\d: hi: {2}186, btch: {2}31 usd: {0,3}\d+$/.test(l))
    expect(pcp).toHaveLength(4)
    const zones = log.filter(l => / free:\d+kB min:/.test(l))
    expect(zones.length).toBeGreaterThan(0)
    for (const z of zones) expect(z).not.toMatch(/managed:|free_cma:/)
    expect(log.some(l => /^ ?free_cma:/.test(l))).toBe(false)
    for (const l of log.filter(x => x.startsWith('lowmem_reserve[]:'))) {
      expect(l.split(' ').length - 1).toBe(4)
    }
    // show_mem(), lib/show_mem.c 2.6.32: the pfn-walk counts.
    const tail = log.slice(log.findIndex(l => l.endsWith('pages RAM'))).slice(0, 4)
    expect(tail.map(l => l.replace(/^\d+ /, ''))).toEqual([
      'pages RAM',
      'pages reserved',
      'pages shared',
      'pages non-shared'
    ])
    // __mem_cgroup_try_charge() -> mem_cgroup_handle_oom(), 2.6.32: the kill inside the charge.
    expect(log.some(l => l.includes('mem_cgroup_handle_oom'))).toBe(true)
    expect(log.some(l => l.includes('mem_cgroup_oom_synchronize'))).toBe(false)
  })

  it('mem_cgroup_print_oom_info(), 3.10.4: stats keys cache rss rss_huge mapped_file swap, no Mem-Info', () => {
    const log = logOf(memcgScenario('3.10.0'))
    expect(log).not.toContain('Mem-Info:')
    const stats = log.find(l => l.startsWith('Memory cgroup stats for /test:'))
    expect(stats?.match(/ (\w+):/g)?.slice(0, 5)).toEqual([
      ' cache:',
      ' rss:',
      ' rss_huge:',
      ' mapped_file:',
      ' swap:'
    ])
    expect(log.some(l => l.includes('mem_cgroup_handle_oom'))).toBe(true)
  })

  it('3.12+ (the 3.10 profile: 3.13 and el7): mem_cgroup_oom_synchronize from the fault end', () => {
    const log = logOf(memcgScenario('3.10'))
    expect(log.some(l => l.includes('mem_cgroup_oom_synchronize'))).toBe(true)
    expect(log.some(l => l.includes('mem_cgroup_handle_oom'))).toBe(false)
  })
})

describe('global Mem-Info of 3.10.0 (simulated)', () => {
  it('show_free_areas() / show_mem(), 3.10.4: per-CPU lines, 4 lowmem_reserve entries, shared tail', () => {
    const log = logOf(`
name: global OOM on 3.10.0
profile: '3.10.0'
machine: { memory: 256M, cpus: 2 }
sysctl:
  vm.overcommit_memory: 1
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 700, comm: t, rss: { anon: 1M } }
timeline:
  - { at: 10ms, do: touch, pid: 700, size: 4M, every: 1ms, until: killed }
`)
    expect(log.filter(l => / per-cpu:$/.test(l)).length).toBeGreaterThan(0)
    expect(log.filter(l => /^CPU {4}\d: hi:/.test(l)).length).toBeGreaterThan(0)
    for (const l of log.filter(x => x.startsWith('lowmem_reserve[]:'))) {
      expect(l.split(' ').length - 1).toBe(4)
    }
    expect(log.some(l => l.endsWith('pages non-shared'))).toBe(true)
    expect(log.some(l => l.endsWith('pages HighMem/MovableOnly'))).toBe(false)
  })
})
