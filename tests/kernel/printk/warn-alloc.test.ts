/**
 * warn_alloc() per profile: 3.10's warn_alloc_failed() prints
 * `%s: page allocation failure: order:%d, mode:0x%x` and dump_stack frames; >= 5.0 prints
 * `... mode:%#x(%pGg), nodemask=%*pbl,cpuset=%s,mems_allowed=%*pbl` and dump_stack_lvl (6.x).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { profiles } from '../../../src/kernel/profiles.ts'
import { warnAllocCallChain } from '../../../src/kernel/printk/warn-alloc.ts'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

const p310 = profiles['3.10']!
const p61 = profiles['6.1']!

describe('warn_alloc() in the profile format', () => {
  it('3.10: warn_alloc_failed header without nodemask or cpuset, dump_stack frames', () => {
    const chain = warnAllocCallChain(p310)
    expect(chain.slice(0, 2)).toEqual(['dump_stack', 'warn_alloc_failed'])
    expect(chain).not.toContain('dump_stack_lvl')
  })

  it('6.1: dump_stack_lvl and warn_alloc', () => {
    expect(warnAllocCallChain(p61).slice(0, 2)).toEqual(['dump_stack_lvl', 'warn_alloc'])
  })
})

describe('oomkit simulate examples/costly-order-failure.yaml', () => {
  const scenario = readFileSync('examples/costly-order-failure.yaml', 'utf8')
  const run = (profile: string): string[] => {
    const s = parseScenario(scenario.replace("profile: '6.1'", `profile: '${profile}'`), 'x.yaml')
    return runScenario(s).log.map(l => l.text)
  }

  it('--profile 3.10 prints the 3.10 line and dump_stack, not the 5.0+ cpuset part', () => {
    const log = run('3.10')
    expect(log).toContain('modprobe: page allocation failure: order:4, mode:0xd0')
    expect(log.some(l => l.includes(',cpuset=/,mems_allowed=0'))).toBe(false)
    expect(log.some(l => l.includes('dump_stack_lvl'))).toBe(false)
    expect(log.some(l => l === ' dump_stack')).toBe(true)
    expect(log.some(l => l === ' warn_alloc_failed')).toBe(true)
  })

  it('--profile 6.1 prints the >= 5.0 line with nodemask, cpuset and mems_allowed', () => {
    const log = run('6.1')
    expect(log).toContain(
      'modprobe: page allocation failure: order:4, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0'
    )
    expect(log.some(l => l === ' dump_stack_lvl')).toBe(true)
  })
})
