/**
 * @module Boot phase 4: memory cgroups with their limits (v1 or v2 files), protections and
 * oom settings, and the cpuset mems each declared group gives its tasks.
 */
import { extraOf } from '../../kernel/mm/memcg-charge.ts'
import { declaredWrite } from '../../kernel/mm/memcg1-deprecated.ts'
import type { World } from '../../kernel/mm/world.ts'
import { makeMemcg } from '../../kernel/state-builders.ts'
import type { Scenario } from '../schema.ts'

type CgroupSpec = NonNullable<NonNullable<Scenario['cgroups']>['groups']>[number]

function limitOf(x: number | 'max' | undefined): number | null {
  return x === undefined || x === 'max' ? null : x
}

/** v1's memsw limit counts memory plus swap: the swap part is what is above the memory limit. */
function v1SwapLimit(g: CgroupSpec): number | null {
  const memsw = limitOf(g['memory.memsw.limit_in_bytes'])
  return memsw === null ? null : Math.max(0, memsw - (limitOf(g['memory.limit_in_bytes']) ?? 0))
}

/** Every declared memcg, parents first. */
export function bootMemcgs(w: World, s: Scenario): void {
  const v = s.cgroups?.version ?? 2
  for (const g of s.cgroups?.groups ?? []) {
    const memcg = makeMemcg({
      path: g.path,
      limit: limitOf(v === 1 ? g['memory.limit_in_bytes'] : g['memory.max']),
      swapLimit: v === 1 ? v1SwapLimit(g) : limitOf(g['memory.swap.max']),
      oomKillDisable: g['memory.oom_control']?.oom_kill_disable ?? false,
      oomGroup: g['memory.oom.group'] ?? false,
      swappiness: g['memory.swappiness'] ?? w.mem.vm.swappiness
    })
    w.oom.memcgs.set(g.path, memcg)
    // A group declared with memory.oom_control had the file written before the timeline.
    if (g['memory.oom_control'] !== undefined)
      declaredWrite(w, 'memory.oom_control.oom_kill_disable')
    const e = extraOf(w, g.path)
    e.high = limitOf(g['memory.high'])
    e.low = g['memory.low'] ?? 0
    e.min = g['memory.min'] ?? 0
  }
}

/** cpuset.mems of each group that sets it. */
export function cpusetMems(s: Scenario): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const g of s.cgroups?.groups ?? [])
    if (g['cpuset.mems'] !== undefined) out.set(g.path, g['cpuset.mems'])
  return out
}
