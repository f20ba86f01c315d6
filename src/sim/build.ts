/**
 * @module Booting a scenario, in phases (src/sim/boot/): memory (nodes, zones, watermarks,
 * lowmem_reserve, the buddy lists), the world and its OOM state, kernel memory (hugetlb pools,
 * per-CPU lists, slab), memcgs, cached files, processes with their mms and resident pages, then
 * what processes share (COW pages, multi-process mms) and the overcommit reserves.
 *
 * Units: pages; the loaded scenario's sizes are page counts already.
 */
import { bootReserveKbytes } from '../kernel/mm/overcommit.ts'
import { envOf, type World } from '../kernel/mm/world.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import type { Vma } from '../kernel/types.ts'
import { FIRST_MAPPING_PAGE, type ExitSpec, type ProcessBoot } from './boot/context.ts'
import { bootFiles } from './boot/files.ts'
import { bootKernelMemory } from './boot/kernel-memory.ts'
import { bootMemcgs, cpusetMems } from './boot/memcgs.ts'
import { bootMemory } from './boot/memory.ts'
import { bootProcesses } from './boot/processes.ts'
import { bootSharedMms } from './boot/shared-mms.ts'
import { bootWorld } from './boot/world.ts'
import type { Scenario } from './schema.ts'

export type { ExitSpec } from './boot/context.ts'

/** The booted world plus the per-process simulator data. */
export interface Booted {
  world: World
  exits: Map<number, ExitSpec>
  vmaByName: Map<number, Map<string, Vma>>
  hz: number
  kernelRelease: string
  hardware: string | null
  cpus: number
}

/** init_user_reserve() / init_admin_reserve() from the memory still free, unless set. */
function setReserves(w: World, s: Scenario): void {
  const sys = s.sysctl ?? {}
  const r = bootReserveKbytes(w.zones.reduce((a, z) => a + z.free, 0))
  w.mem.vm.userReserveKbytes = sys['vm.user_reserve_kbytes'] ?? r.user
  w.mem.vm.adminReserveKbytes = sys['vm.admin_reserve_kbytes'] ?? r.admin
}

/** Boot the world described by a scenario under a profile. */
export function bootScenario(s: Scenario, profile: KernelProfile): Booted {
  const w = bootWorld(s, profile, bootMemory(s, profile))
  envOf(w).lruGen = s.machine.config?.lruGen === true // read by boot's LRU placement
  bootKernelMemory(w, s)
  bootMemcgs(w, s)
  bootFiles(w, s)
  const b: ProcessBoot = { w, exits: new Map(), vmaByName: new Map(), cursor: FIRST_MAPPING_PAGE }
  bootProcesses(b, s, cpusetMems(s))
  bootSharedMms(b, s)
  setReserves(w, s)
  const m = s.machine
  return {
    world: w,
    exits: b.exits,
    vmaByName: b.vmaByName,
    hz: m.hz ?? 1000,
    kernelRelease: m.kernelRelease ?? `${profile.version}-oomkit`,
    hardware: m.hardware ?? null,
    cpus: m.cpus ?? 1
  }
}
