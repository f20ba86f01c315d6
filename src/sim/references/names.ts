/** @module The names a timeline may write: sysctls and cgroup files. */

/** The sysctls a timeline `sysctl` action may write. */
export const SYSCTL_NAMES = [
  'vm.panic_on_oom',
  'vm.oom_kill_allocating_task',
  'vm.oom_dump_tasks',
  'vm.overcommit_memory',
  'vm.overcommit_ratio',
  'vm.overcommit_kbytes',
  'vm.min_free_kbytes',
  'vm.watermark_scale_factor',
  'vm.swappiness',
  'vm.dirty_background_ratio',
  'vm.drop_caches',
  'lru_gen.min_ttl_ms'
]

/** The cgroup files a timeline `cgroup-set` action may write. */
export const CGROUP_KEYS = [
  'memory.max',
  'memory.high',
  'memory.low',
  'memory.min',
  'memory.swap.max',
  'memory.oom.group',
  'memory.limit_in_bytes',
  'memory.memsw.limit_in_bytes',
  'memory.oom_control.oom_kill_disable'
]
