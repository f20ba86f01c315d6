/**
 * A global OOM from an anonymous fault prints the fault's own mask. On x86 the zeroed user page
 * is allocated with __GFP_ZERO in the mask in every profile: __alloc_zeroed_user_highpage()
 * (arch/x86/include/asm/page.h, 2.6.32-642 .. 5.10.44), alloc_zeroed_user_highpage_movable()
 * (5.15.100, 6.1.20), vma_alloc_zeroed_movable_folio() (6.6.9 ..). The 3.x mask is the one
 * cadvisor_2.log (3.13.0-27) prints; 6.1's is the one the Debian 6.1 guest prints.
 */
import { describe, expect, it } from 'vitest'
import { gfpFromNames } from '../../../src/kernel/mm/gfp-bits.ts'
import { profiles, type KernelProfile } from '../../../src/kernel/profiles.ts'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

const scenario = (profile: string): string => `
name: anonymous fault, global OOM on ${profile}
profile: '${profile}'
machine: { memory: 1G, cpus: 2 }
sysctl: { vm.overcommit_memory: 1 }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 700, comm: t, rss: { anon: 1M } }
timeline:
  - { at: 10ms, do: touch, pid: 700, size: 4M, every: 1ms, until: killed }
`

const MASKS: Record<string, string> = {
  '3.10': 'gfp_mask=0x280da,',
  '4.19': 'gfp_mask=0x6280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO),',
  '5.10': 'gfp_mask=0x100dca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO),',
  '6.1': 'gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO),'
}

describe('global OOM from an anonymous fault: the zeroed user page mask', () => {
  for (const [profile, mask] of Object.entries(MASKS)) {
    it(profile, () => {
      const r = runScenario(parseScenario(scenario(profile), 'test.yaml'))
      const line = r.log.find(l => l.text.includes('invoked oom-killer'))?.text ?? ''
      expect(line).toContain(`t invoked oom-killer: ${mask}`)
    })
  }
})

describe('page-table pages: PGALLOC_GFP', () => {
  it('3.10 (arch/x86/mm/pgtable.c 3.10.4): GFP_KERNEL|__GFP_NOTRACK|__GFP_REPEAT|__GFP_ZERO', () => {
    const p = profiles['3.10'] as KernelProfile
    expect(gfpFromNames(p.alloc.pgtableGfp, p)).toBe(0xd0 | 0x200000 | 0x400 | 0x8000)
  })
})
