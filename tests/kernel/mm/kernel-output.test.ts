/**
 * The kernel hands back what it did as data (kernel-output.ts): out_of_memory() entered from
 * the mm code appends printk records and effects to the world's output instead of calling into
 * the simulator; panic() stops the kernel with KernelPanic.
 */
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../../../src/sim/index.ts'
import { bootScenario } from '../../../src/sim/build.ts'
import { profiles } from '../../../src/kernel/profiles.ts'
import { invokeOom } from '../../../src/kernel/mm/oom-entry.ts'
import { KernelPanic } from '../../../src/kernel/mm/kernel-output.ts'
import { outOf } from '../../../src/kernel/mm/world.ts'

const yaml = `name: t
profile: '6.1'
machine: { memory: 1G }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 10, comm: hog, rss: { anon: 500M } }
`

function world(sysctl = '') {
  const s = parseScenario(yaml + sysctl, 't.yaml')
  return bootScenario(s, profiles['6.1']!).world
}

const sysrq = {
  kind: 'sysrq' as const,
  memcg: null,
  gfpMask: 0xcc0,
  order: -1,
  nodemask: null,
  currentPid: null
}

describe('out_of_memory() from the mm code returns its effects as data', () => {
  it('a kill: printk records, then oom-invoked, SIGKILL and the victim record, in order', () => {
    const w = world()
    invokeOom(w, sysrq)
    const out = outOf(w)
    expect(out.log.some(l => l.text.includes('invoked oom-killer'))).toBe(true)
    const types = out.effects.map(e => e.type)
    expect(types[0]).toBe('oom-invoked')
    expect(types).toContain('signal')
    expect(types.at(-1)).toBe('oom-killed')
    expect(out.effects.at(-1)).toMatchObject({ type: 'oom-killed', pid: 10, comm: 'hog' })
    expect(w.oom.processes.find(p => p.pid === 10)?.sigkillPending).toBe(true)
  })

  it('panic_on_oom: KernelPanic is thrown and the panic effect is in the output', () => {
    const w = world('sysctl: { vm.panic_on_oom: 2 }\n')
    expect(() => invokeOom(w, { ...sysrq, kind: 'global', order: 0 })).toThrow(KernelPanic)
    expect(outOf(w).effects.some(e => e.type === 'panic')).toBe(true)
  })
})
