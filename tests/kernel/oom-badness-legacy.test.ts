/** badness() before 2.6.36 (mm/oom_kill.c, 2.6.26) and the legacy profile rows. */
import { describe, expect, it } from 'vitest'
import { gfpNamesOf } from '../../src/kernel/gfp.ts'
import { legacyBadness, shiftByOomAdj } from '../../src/kernel/oom-badness-legacy.ts'
import type { LegacyBadnessInput } from '../../src/kernel/oom-badness-legacy.ts'
import {
  legacyProfileForRelease,
  legacyProfiles,
  profileForRelease,
  profiles
} from '../../src/kernel/profiles.ts'

const plain: LegacyBadnessInput = {
  totalVm: 10_000,
  childrenTotalVm: [],
  cpuJiffies: 0,
  shiftHz: 8,
  runSeconds: 0,
  nice: 0,
  capSysAdminOrResource: false,
  capSysRawio: false,
  cpusetIntersects: true,
  oomAdj: 0,
  swapoff: false
}

describe('badness(), <= 2.6.35', () => {
  it('total_vm plus half of each own-mm child (plus one)', () => {
    expect(legacyBadness(plain)).toBe(10_000)
    expect(legacyBadness({ ...plain, childrenTotalVm: [182_144, 12_108] })).toBe(
      10_000 + 91_073 + 6_055
    )
  })
  it('CPU time and run time divide by their (fourth) roots', () => {
    // HZ=250 (SHIFT_HZ 8): 16 units of 2048 jiffies -> sqrt 4.
    expect(legacyBadness({ ...plain, cpuJiffies: 16 * 2048 })).toBe(2_500)
    // 16 units of 1024 s -> int_sqrt(int_sqrt(16)) = 2.
    expect(legacyBadness({ ...plain, runSeconds: 16 * 1024 })).toBe(5_000)
  })
  it('nice doubles, capabilities and a foreign cpuset divide', () => {
    expect(legacyBadness({ ...plain, nice: 5 })).toBe(20_000)
    expect(legacyBadness({ ...plain, capSysAdminOrResource: true, capSysRawio: true })).toBe(625)
    expect(legacyBadness({ ...plain, cpusetIntersects: false })).toBe(1_250)
  })
  it('oom_adj is a shift; a positive shift starts from at least 1; swapoff is ULONG_MAX', () => {
    expect(legacyBadness({ ...plain, oomAdj: 3 })).toBe(80_000)
    expect(legacyBadness({ ...plain, oomAdj: -4 })).toBe(625)
    expect(shiftByOomAdj(0, 2)).toBe(4)
    expect(legacyBadness({ ...plain, swapoff: true })).toBe(2 ** 64 - 1)
  })
})

describe('legacy profile rows', () => {
  it('for explain, vanilla releases before 2.6.36 take a legacy row; RHEL6 and 2.6.36+ do not', () => {
    expect(legacyProfileForRelease('2.6.26-2-686')?.name).toBe('2.6.26')
    expect(legacyProfileForRelease('2.6.24')?.name).toBe('2.6.26')
    expect(legacyProfileForRelease('2.6.33-rc4-mm1')?.name).toBe('2.6.31')
    expect(legacyProfileForRelease('2.6.32-220.7.1.el6.x86_64')).toBeUndefined()
    expect(legacyProfileForRelease('2.6.38')).toBeUndefined()
    expect(legacyProfileForRelease('3.10.0')).toBeUndefined()
  })
  it('the simulator never gets them: releases map as before', () => {
    expect(profileForRelease('2.6.26-2-686').name).toBe('rhel6')
    expect(Object.keys(profiles)).not.toContain('2.6.26')
  })
  it('the gfp bits of each era: 0x1201d2 is GFP_HIGHUSER_MOVABLE|__GFP_COLD before 2.6.31', () => {
    const old = legacyProfiles['2.6.26']
    const newer = legacyProfiles['2.6.31']
    if (!old || !newer) throw new Error('legacy rows missing')
    expect(gfpNamesOf(0x1201d2, old)).toBe('GFP_HIGHUSER_MOVABLE|__GFP_COLD')
    expect(gfpNamesOf(0x201da, newer)).toBe('GFP_HIGHUSER_MOVABLE|__GFP_COLD')
  })
})
