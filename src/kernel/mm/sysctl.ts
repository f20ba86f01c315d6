/**
 * @module Writes to /proc/sys/vm (kernel/sysctl.c handlers): the OOM knobs, overcommit, and
 * min_free_kbytes / watermark_scale_factor, which recompute the watermarks; and the multi-gen
 * LRU's /sys/kernel/mm/lru_gen/min_ttl_ms (named `lru_gen.min_ttl_ms`).
 */
import { dropCaches } from './drop-caches.ts'
import { setupLowmemReserve, setupZoneWatermarks } from './watermarks.ts'
import { emit, type World } from './world.ts'

/** One sysctl write, by `writer` (the writing task; drop_caches logs it). */
export function sysctlWrite(
  w: World,
  name: string,
  value: number,
  writer: { pid: number; comm: string } = { pid: 0, comm: 'sysctl' }
): void {
  const vm = w.mem.vm
  switch (name) {
    case 'vm.panic_on_oom':
      w.oom.sysctl.panicOnOom = Math.min(2, Math.max(0, value)) as 0 | 1 | 2
      break
    case 'vm.oom_kill_allocating_task':
      w.oom.sysctl.oomKillAllocatingTask = value !== 0
      break
    case 'vm.oom_dump_tasks':
      w.oom.sysctl.oomDumpTasks = value !== 0
      break
    case 'vm.overcommit_memory':
      vm.overcommitMemory = Math.min(2, Math.max(0, value)) as 0 | 1 | 2
      break
    case 'vm.overcommit_ratio':
      vm.overcommitRatio = value
      vm.overcommitKbytes = 0
      break
    case 'vm.overcommit_kbytes':
      vm.overcommitKbytes = value
      vm.overcommitRatio = 0
      break
    case 'vm.min_free_kbytes':
      vm.minFreeKbytes = value
      vm.minFreeKbytesUser = true
      setupZoneWatermarks(w.mem, w.profile, false)
      setupLowmemReserve(w.mem, w.profile, false)
      break
    case 'vm.watermark_scale_factor':
      vm.watermarkScaleFactor = value
      setupZoneWatermarks(w.mem, w.profile, false)
      break
    case 'vm.swappiness':
      vm.swappiness = value
      break
    case 'vm.dirty_background_ratio':
      vm.dirtyBackgroundRatio = Math.min(100, Math.max(0, value))
      break
    case 'vm.drop_caches':
      dropCaches(w, value, writer)
      break
    case 'lru_gen.min_ttl_ms':
      // /sys/kernel/mm/lru_gen/min_ttl_ms (store_min_ttl(), 6.1 mm/vmscan.c): 0 turns it off.
      vm.lruGenMinTtlMs = Math.max(0, value)
      break
  }
  emit(w, 'sim.sysctl', { name, value })
}
