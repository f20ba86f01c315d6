/** @module Boot phase 2: the OOM state (sysctls, totals) and the World around the memory model. */
import type { MemModel } from '../../kernel/mm/model.ts'
import type { World } from '../../kernel/mm/world.ts'
import type { KernelProfile } from '../../kernel/profiles.ts'
import { makeState } from '../../kernel/state-builders.ts'
import type { Scenario } from '../schema.ts'

/** An empty World (no processes, memcgs or files yet) on a booted memory model. */
export function bootWorld(s: Scenario, profile: KernelProfile, mem: MemModel): World {
  const sys = s.sysctl ?? {}
  const zones = mem.nodes.flatMap(n => n.zones)
  const nodePages = (n: MemModel['nodes'][number]): number =>
    n.zones.reduce((a, z) => a + z.presentPages, 0)
  const oom = makeState({
    cgroupVersion: s.cgroups?.version ?? 2,
    nodes: mem.nodes.map(n => ({
      id: n.id,
      presentPages: nodePages(n),
      spannedPages: nodePages(n)
    })),
    totalRamPages: zones.reduce((a, z) => a + z.managedPages, 0),
    totalSwapPages: mem.swap.filter(d => d.active).reduce((a, d) => a + d.pages, 0),
    sysctl: {
      panicOnOom: sys['vm.panic_on_oom'] ?? 0,
      oomKillAllocatingTask: (sys['vm.oom_kill_allocating_task'] ?? 0) === 1,
      oomDumpTasks: (sys['vm.oom_dump_tasks'] ?? 1) === 1
    }
  })
  return {
    profile,
    mem,
    oom,
    zones,
    files: new Map(),
    placement: new Map(),
    memcgUsage: new Map(),
    nowNs: 0,
    trace: [],
    suspendedStorage: false,
    stats: { allocEvents: 0, allocFailures: 0, reclaimedPages: 0, swapOuts: 0 }
  }
}
