/**
 * @module The explain-only profiles of kernels before the 2.6.36 badness() rewrite, variants of
 * the rhel6 profile. A declarative table.
 */
import { variant, type KernelProfile } from './profile-types.ts'
import { profiles } from './profile-table.ts'

/**
 * 2.6.24–2.6.35 vanilla, before the 2.6.36 badness() rewrite (mm/oom_kill.c read in 2.6.26):
 * total_vm-based badness() with children, CPU/run time, nice, capabilities and oom_adj as a
 * shift; "Out of memory: kill process %d (%s) score %li or a child"; "Killed process %d (%s)";
 * dump_tasks() with cpu and oom_adj columns. Explain reads it; the simulator does not model it,
 * so it stays out of `profiles` (the simulated table).
 */
const v2_6_26 = variant(profiles['rhel6']!, {
  name: '2.6.26',
  version: '2.6.26',
  description: 'Linux 2.6.24–2.6.30: total_vm badness(), oom_adj shift, __GFP_MOVABLE 0x100000',
  badness: { form: 'totalVm', rootBonus: 'none' },
  format: { gfpLayout: '2.6' }
})

/** 2.6.31–2.6.35: the same badness(); include/linux/gfp.h moved __GFP_MOVABLE to 0x08. */
const v2_6_31 = variant(v2_6_26, {
  name: '2.6.31',
  version: '2.6.31',
  description: 'Linux 2.6.31–2.6.35: total_vm badness(), oom_adj shift, the 3.x gfp bits',
  format: { gfpLayout: '3x' }
})

/** Profiles explain can name but the simulator does not run, by name (oldest first). */
export const legacyProfiles: Readonly<Record<string, KernelProfile>> = {
  '2.6.26': v2_6_26,
  '2.6.31': v2_6_31
}
