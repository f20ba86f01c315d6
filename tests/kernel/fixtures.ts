/** Engine test fixtures: states rebuilt from real OOM reports. */
import { addTask, makeState } from '../../src/kernel/state-builders.ts'
import type { OomState } from '../../src/kernel/types.ts'
import type { EngineContext, OomControl } from '../../src/kernel/oom-kill.ts'
import type { KnobContext } from '../../src/kernel/proc-knobs.ts'
import { profiles } from '../../src/kernel/profiles.ts'
import type { KernelProfile } from '../../src/kernel/profiles.ts'
import { makeRatelimit } from '../../src/kernel/ratelimit.ts'

/**
 * /work/shared/oomlogs/cnnotes611_1.log (Linux 6.11, QEMU, 8 GiB, no swap). totalram_pages is
 * the managed page count: (15360 + 1964520 + 6138744) kB / 4 = 2029656 pages, which is also
 * "2097022 pages RAM" - "67366 pages reserved". Global init (not listed: unkillable) and a
 * kthread are added so the scan has something to skip.
 */
export function cnnotes611State(): OomState {
  const s = makeState({ totalRamPages: 2029656, totalSwapPages: 0 })
  addTask(s, { pid: 1, comm: 'init', anon: 80, file: 200, totalVm: 600, pgtablesBytes: 40960 })
  addTask(s, { pid: 2, comm: 'kthreadd', kthread: true })
  const rows: [number, string, number, number, number, number, number, number][] = [
    // pid, comm, total_vm, rss_anon, rss_file, rss_shmem, pgtables_bytes, oom_score_adj
    [111, 'sh', 431, 32, 257, 0, 49152, 0],
    [114, 'stress-ng', 7500, 96, 452, 4128, 90112, -1000],
    [115, 'stress-ng-vm', 7501, 84, 186, 0, 61440, -1000],
    [116, 'stress-ng-vm', 2628942, 1995157, 141, 0, 16052224, 1000]
  ]
  for (const [pid, comm, totalVm, anon, file, shmem, pgtablesBytes, oomScoreAdj] of rows) {
    addTask(s, { pid, comm, totalVm, anon, file, shmem, pgtablesBytes, oomScoreAdj, ppid: 111 })
  }
  return s
}

/** The lines of cnnotes611_1.log the engine must reproduce byte for byte (no timestamps). */
export const cnnotes611Lines = {
  rows: [
    '[    111]     0   111      431      289       32      257         0    49152        0             0 sh',
    '[    114]     0   114     7500     4676       96      452      4128    90112        0         -1000 stress-ng',
    '[    115]     0   115     7501      270       84      186         0    61440        0         -1000 stress-ng-vm',
    '[    116]     0   116  2628942  1995298  1995157      141         0 16052224        0          1000 stress-ng-vm'
  ],
  summary:
    'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=stress-ng-vm,pid=116,uid=0',
  killed:
    'Out of memory: Killed process 116 (stress-ng-vm) total-vm:10515768kB, anon-rss:7980628kB, file-rss:564kB, shmem-rss:0kB, UID:0 pgtables:15676kB oom_score_adj:1000',
  invoked:
    'stress-ng-vm invoked oom-killer: gfp_mask=0x440dc0(GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=1000'
}

/** A profile by name (throws on a typo). */
export function prof(name: string): KernelProfile {
  const p = profiles[name]
  if (p === undefined) throw new Error(`no profile ${name}`)
  return p
}

/** A global OOM for a GFP_KERNEL-like allocation by `currentPid` (6.x layout 0xcc0). */
export function globalOc(currentPid: number | null, extra: Partial<OomControl> = {}): OomControl {
  return {
    kind: 'global',
    memcg: null,
    gfpMask: 0xcc0,
    order: 0,
    nodemask: null,
    currentPid,
    ...extra
  }
}

/** An engine context at `nowNs` with a fresh ratelimit. */
export function ctxFor(
  profile: KernelProfile,
  nowNs = 1_000_000_000,
  extra: Partial<EngineContext> = {}
): EngineContext {
  return { profile, nowNs, ratelimit: makeRatelimit(), ...extra }
}

/** The printk texts of an engine outcome, in order. */
export const printkTexts = (o: { printk: { text: string }[] }): string[] =>
  o.printk.map(r => r.text)

/** A /proc knob context for the profile at 1 s, the deprecation warning not yet printed. */
export const knobContext = (name: string): KnobContext => ({
  profile: prof(name),
  nowNs: 1e9,
  once: { oomAdjDeprecatedWarned: false }
})

/** A writer with CAP_SYS_RESOURCE. */
export const sudoWithCapSysResource = { pid: 900, comm: 'sudo', capSysResource: true }
