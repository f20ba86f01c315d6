/** @module The vm.* sysctls the OOM model needs, read from <proc>/sys/vm (null when unreadable). */
import { join } from 'node:path'
import type { VmSysctls } from './host-source.ts'
import { readText } from './read-text.ts'

/** Read the OOM-relevant vm.* sysctls under `proc`. */
export function readVmSysctls(proc: string): VmSysctls {
  const vm = (name: string): number | null => {
    const r = readText(join(proc, 'sys/vm', name))
    if (!r.ok) return null
    const n = parseInt(r.value, 10)
    return Number.isFinite(n) ? n : null
  }
  return {
    overcommitMemory: vm('overcommit_memory'),
    overcommitRatio: vm('overcommit_ratio'),
    overcommitKbytes: vm('overcommit_kbytes'),
    panicOnOom: vm('panic_on_oom'),
    oomKillAllocatingTask: vm('oom_kill_allocating_task'),
    oomDumpTasks: vm('oom_dump_tasks'),
    minFreeKbytes: vm('min_free_kbytes'),
    watermarkScaleFactor: vm('watermark_scale_factor'),
    swappiness: vm('swappiness')
  }
}
