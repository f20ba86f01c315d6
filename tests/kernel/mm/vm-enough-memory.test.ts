/**
 * The warning of a refused overcommit check, __vm_enough_memory() (mm/util.c): none in 6.1.20,
 * "%s: pid: %d, comm: %s, not enough memory for the allocation" in 6.6.9, and the same with
 * "bytes: %lu" in 6.11.11 and 6.18.2; pr_warn_ratelimited, so KERN_WARNING.
 */
import { describe, expect, it } from 'vitest'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

const scenario = (profile: string): string => `
name: strict overcommit on ${profile}
profile: '${profile}'
machine: { memory: 1G, cpus: 2 }
sysctl: { vm.overcommit_memory: 2, vm.overcommit_ratio: 10 }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 700, comm: grow, rss: { anon: 1M } }
timeline:
  - { at: 10ms, do: touch, pid: 700, size: 4M, every: 1ms, until: killed }
`

function warnings(profile: string): { level: number; text: string }[] {
  const log = runScenario(parseScenario(scenario(profile), 'test.yaml')).log
  return log.filter(l => l.text.includes('__vm_enough_memory'))
}

describe('__vm_enough_memory(): the refusal warning', () => {
  it('6.1: none', () => {
    expect(warnings('6.1')).toEqual([])
  })

  it('6.6: without the byte count', () => {
    const [w] = warnings('6.6')
    expect(w?.level).toBe(4)
    expect(w?.text).toMatch(
      /^__vm_enough_memory: pid: 700, comm: grow, not enough memory for the allocation$/
    )
  })

  it.each(['6.11', '6.18'])('%s: with the byte count of the refused mapping', profile => {
    const [w] = warnings(profile)
    expect(w?.text).toMatch(
      /^__vm_enough_memory: pid: 700, comm: grow, bytes: \d+ not enough memory for the allocation$/
    )
  })
})
