/**
 * @module The OOM domain the daemon's badness is computed against, asked of the kernel model:
 * constrained_alloc()'s totalpages. For a system trigger that is totalram + total swap
 * (CONSTRAINT_NONE); for a cgroup trigger it is mem_cgroup_get_max() (`memcgMax`): the memcg
 * limit plus its swap allowance (v1 memsw.limit - limit, v2 memory.swap.max) capped at total
 * swap, none when the memcg's swappiness is 0.
 */
import { constrainedAlloc } from '../kernel/oom-constraint.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import { makeMemcg, makeState } from '../kernel/state-builders.ts'
import { PAGE_SIZE } from '../kernel/types.ts'
import type { CgroupReading, Readings } from './readings.ts'

/** vm.swappiness when /proc/sys/vm/swappiness cannot be read (the kernel's default). */
const DEFAULT_SWAPPINESS = 60

function pages(bytes: number): number {
  return Math.floor(bytes / PAGE_SIZE)
}

/** A watched cgroup as the engine's memcg (pages). */
function engineMemcg(cg: CgroupReading, vmSwappiness: number) {
  const swapLimit = cg.swapLimitBytes ?? null
  return makeMemcg({
    path: cg.path,
    limit: cg.limitBytes === null ? null : pages(cg.limitBytes),
    swapLimit: swapLimit === null ? null : pages(swapLimit),
    // v1 memory.swappiness; v2 has none, vm.swappiness applies.
    swappiness: cg.swappiness ?? vmSwappiness
  })
}

/**
 * totalpages for a trigger in `scope` ('system' or a watched cgroup directory). A cgroup
 * without a limit (or no longer read) falls back to the system domain.
 */
export function badnessDomainPages(
  scope: string,
  readings: Readings,
  vmSwappiness: number | null,
  profile: KernelProfile
): number {
  const m = readings.meminfo
  const cg = scope === 'system' ? undefined : readings.cgroups.find(c => c.path === scope)
  const limited = cg !== undefined && cg.limitBytes !== null
  const state = makeState({
    totalRamPages: pages(m.memTotalKb * 1024),
    totalSwapPages: pages(m.swapTotalKb * 1024),
    cgroupVersion: cg?.version ?? 2,
    memcgs: limited ? [engineMemcg(cg, vmSwappiness ?? DEFAULT_SWAPPINESS)] : []
  })
  const kind = limited ? 'memcg' : 'global'
  return constrainedAlloc(state, kind, limited ? cg.path : null, 0, null, null, profile).totalPages
}
