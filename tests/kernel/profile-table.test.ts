/** Version rules of the built-in profile table, each against the kernel function it follows. */
import { describe, expect, it } from 'vitest'
import { tryCharge } from '../../src/kernel/mm/memcg-charge.ts'
import { makeMemcg } from '../../src/kernel/state-builders.ts'
import { bootScenario } from '../../src/sim/build.ts'
import { DEFAULT_SCENARIO_YAML, parseScenario } from '../../src/sim/index.ts'
import { prof } from './fixtures.ts'

/** Reclaim passes before the memcg OOM of a full memcg with nothing to reclaim. */
function reclaimPassesBeforeOom(profileName: string): number {
  const { world: w } = bootScenario(
    parseScenario(DEFAULT_SCENARIO_YAML, 'default.yaml'),
    prof(profileName)
  )
  w.oom.memcgs.set('/full', makeMemcg({ path: '/full', limit: 10, usage: 10 }))
  w.trace.length = 0
  let ooms = 0
  const gfp = {
    mask: 0xd0,
    order: 0,
    noretry: false,
    retryMayfail: false,
    nofail: false,
    high: false,
    directReclaim: true,
    io: true
  }
  const hooks = { memcgOom: (): boolean => (ooms++, false) }
  tryCharge(w, '/full', 1, gfp, hooks, { inUserFault: false, oomVictim: false })
  expect(ooms).toBe(1)
  return w.trace.filter(e => e.type === 'reclaim.memcg').length
}

describe('try_charge(): memcg reclaim retries', () => {
  it('MEM_CGROUP_RECLAIM_RETRIES 5 (4.19.304, 5.4.214); MAX_RECLAIM_RETRIES 16 (>= 5.9)', () => {
    // One pass, then `if (nr_retries--) goto retry` whether or not reclaim made progress.
    expect(reclaimPassesBeforeOom('3.10')).toBe(6)
    expect(reclaimPassesBeforeOom('4.19')).toBe(6)
    expect(reclaimPassesBeforeOom('5.4')).toBe(6)
    expect(reclaimPassesBeforeOom('5.10')).toBe(17)
    expect(reclaimPassesBeforeOom('6.18')).toBe(17)
  })
})

describe('5.4: late stable (5.4.214) and the 5.4.0 variant (5.4.59)', () => {
  it('oom_badness()/queue_oom_reaper() 5.4.214: signed badness with OOM_REAPER_DELAY', () => {
    const late = prof('5.4')
    expect(late.badness.form).toBe('pagesSigned')
    expect(late.reaper.delayMs).toBe(2000)
    expect(late.alloc.minFreeKbytesMax).toBe(65536)
    expect(late.kill.alreadyExitingLine).toBe(false)
    expect(late.oomScore.oomAdjReadCapped).toBe(false)
    expect(late.format.showMem.unstable).toBe(true)
    const early = prof('5.4.0')
    expect(early.badness.form).toBe('pagesClamped')
    expect(early.oomScore.form).toBe('scaled')
    expect(early.reaper.delayMs).toBe(0)
    expect(early.alloc.pagefaultOom).toBe('globalOom')
  })
})

describe('6.1 (Debian 6.1.176 in QEMU, conformance/qemu)', () => {
  it('do_anonymous_page(), x86: alloc_zeroed_user_highpage_movable() adds __GFP_ZERO (0x140dca)', () => {
    expect(prof('6.1').alloc.anonFaultGfp).toEqual([
      'GFP_HIGHUSER_MOVABLE',
      '__GFP_COMP',
      '__GFP_ZERO'
    ])
  })
})
