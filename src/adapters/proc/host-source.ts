/**
 * @module The HostSource interface: everything oomkit reads from a Linux host (/proc, /sys and
 * the memory cgroup filesystems), as parsed plain data.
 *
 * Units: kB where a field name ends in `Kb`, bytes where it ends in `Bytes`, pages only where
 * the name says so. A read never throws for the normal life of a host: a process that exits
 * mid-read is `gone`, a file the caller may not read is `denied`, a file this kernel does not
 * have is `absent`.
 */

/** Why a read produced no value. */
export type ReadFailure = 'gone' | 'denied' | 'absent'

/** The result of one read: a value, or the (normal) reason there is none. */
export type Read<T> = { ok: true; value: T } | { ok: false; why: ReadFailure }

/** /proc/<pid>/status, the fields the OOM code cares about. Memory fields are kB, null when the
 * line is missing (kernel threads and zombies have no mm, hence no Vm and Rss lines). */
export interface ProcStatus {
  name: string
  /** State letter: R, S, D, Z, T, t, X, I, P. */
  state: string
  tgid: number
  ppid: number
  /** Real, effective, saved, filesystem uid. */
  uid: readonly [number, number, number, number]
  threads: number
  vmSizeKb: number | null
  rssAnonKb: number | null
  rssFileKb: number | null
  rssShmemKb: number | null
  vmSwapKb: number | null
  /** mm_pgtables_bytes >> 10. */
  vmPteKb: number | null
  /** CapEff as a bit set. */
  capEff: bigint
  /** The `Kthread:` line (>= 6.x kernels), null when the kernel does not print it. */
  kthread: boolean | null
}

/** /proc/<pid>/stat, the fields used to recognise kernel threads on older kernels and to tell a
 * process from a later one with the same pid. */
export interface ProcStat {
  pid: number
  comm: string
  state: string
  ppid: number
  /** task->flags (PF_*). */
  flags: number
  /** Field 22, start time in clock ticks since boot: (pid, startTime) names a process. */
  startTime: number
  /**
   * Field 24, rss in pages: get_mm_rss(), the same (per-CPU approximate) counter read that
   * oom_badness() uses. Since 6.16 the status Rss* lines are exact sums and can differ from it
   * by up to the per-CPU batch per counter; 0 without an mm.
   */
  rssPages: number
}

/** Where a blocked (state D) thread sleeps: enough to tell a parent waiting for its vfork child. */
export interface BlockedTask {
  /** /proc/<pid>/task/<tid>/wchan: the kernel function it sleeps in; null when hidden ('0') or
   * unreadable. */
  wchan: string | null
  /** /proc/<pid>/task/<tid>/syscall: the syscall number it is blocked in and its first argument
   * (clone's flags); null when running, hidden or unreadable. */
  syscallNr: number | null
  syscallArg0: number | null
  /** /proc/<pid>/task/<tid>/children (CONFIG_PROC_CHILDREN): pids this thread forked; null when
   * the kernel has no such file. */
  children: readonly number[] | null
}

/** One thread of a process, /proc/<pid>/task/<tid>. */
export interface TaskReading {
  tid: number
  /** The thread's own comm (prctl PR_SET_NAME or pthread_setname_np). */
  comm: string
  /** State letter, as in ProcStatus. */
  state: string
  /** Read only for a thread in state D; null otherwise. */
  blocked: BlockedTask | null
}

/** One line of /proc/<pid>/cgroup: `hierarchy-id:controllers:path`. v2 is `0::path`. */
export interface CgroupLine {
  hierarchy: number
  controllers: readonly string[]
  path: string
}

/** /proc/meminfo: every line, value in kB (HugePages_* counts are plain numbers). */
export type Meminfo = Readonly<Record<string, number>>

/** One zone of /proc/zoneinfo (pages). */
export interface ZoneReading {
  node: number
  zone: string
  free: number
  min: number
  low: number
  high: number
  /** WMARK_PROMO (>= 6.1), null when absent. */
  promo: number | null
  boost: number
  spanned: number
  present: number
  managed: number
  /** lowmem_reserve[] as printed by `protection: (...)`. */
  protection: readonly number[]
  /** `node_unreclaimable:` of the zone's node (kswapd_failures >= MAX_RECLAIM_RETRIES). */
  nodeUnreclaimable?: boolean
}

/** The vm.* sysctls oomkit reads; null when the kernel has no such file. */
export interface VmSysctls {
  overcommitMemory: number | null
  overcommitRatio: number | null
  overcommitKbytes: number | null
  panicOnOom: number | null
  oomKillAllocatingTask: number | null
  oomDumpTasks: number | null
  minFreeKbytes: number | null
  watermarkScaleFactor: number | null
  swappiness: number | null
}

/** One PSI line: `some`/`full` averages (percent) and total stall (microseconds). */
export interface PsiLine {
  avg10: number
  avg60: number
  avg300: number
  totalUs: number
}

/** /proc/pressure/memory. `full` is absent on very old PSI kernels. */
export interface Psi {
  some: PsiLine
  full: PsiLine | null
}

/** memory.events / memory.events.local counters (v2). */
export type MemcgEventCounts = Readonly<Record<string, number>>

/** memory.stat of a memory cgroup, its own pages only (not its descendants'), bytes. */
export interface MemcgStatReading {
  anonBytes: number
  /** Page cache, shmem/tmpfs included (v1 `cache`, v2 `file`). */
  fileBytes: number
  shmemBytes: number
  /** Page cache mapped by some process (v1 `mapped_file`, v2 `file_mapped`). */
  fileMappedBytes: number
  activeAnonBytes: number
  inactiveAnonBytes: number
  activeFileBytes: number
  inactiveFileBytes: number
  unevictableBytes: number
}

/**
 * One memory cgroup. Byte values are bytes; `null` limits mean unlimited (v1 PAGE_COUNTER_MAX or
 * v2 "max"); other null fields mean the file is missing on this hierarchy or kernel.
 */
export interface MemcgReading {
  /** Path as /proc/<pid>/cgroup prints it ('/' for the root). */
  path: string
  /** memory.limit_in_bytes (v1) / memory.max (v2). */
  limitBytes: number | null
  /** v1 memory.memsw.limit_in_bytes (memory + swap). */
  memswLimitBytes: number | null
  /** v2 memory.swap.max. */
  swapMaxBytes: number | null
  /** v2 memory.high / memory.low / memory.min. */
  highBytes: number | null
  lowBytes: number | null
  minBytes: number | null
  /** memory.usage_in_bytes (v1) / memory.current (v2). */
  usageBytes: number
  /** v1 memory.memsw.usage_in_bytes - usage, v2 memory.swap.current. */
  swapUsageBytes: number
  /** v1 memory.failcnt. */
  failcnt: number
  /** v1 memory.oom_control. */
  oomKillDisable: boolean
  underOom: boolean
  /** v1 oom_control `oom_kill`, v2 memory.events `oom_kill`. */
  oomKills: number
  /** v2 memory.oom.group. */
  oomGroup: boolean
  /** memory.swappiness (v1 only), null on v2. */
  swappiness: number | null
  /** v2 memory.events and memory.events.local (empty on v1). */
  events: MemcgEventCounts
  eventsLocal: MemcgEventCounts
  /** memory.stat (own pages), null when unreadable (the v2 root has none). */
  stat: MemcgStatReading | null
}

/** The memory cgroup hierarchy as found on the host. */
export interface MemcgTree {
  version: 1 | 2
  /** Mount point of the memory controller, relative to the source root. */
  mount: string
  /** Every memory cgroup, parents before children. */
  groups: MemcgReading[]
}

/** Everything oomkit reads from a host. Implementations must not throw for ENOENT, ESRCH,
 * EACCES or EPERM; they return a `Read` failure instead. */
export interface HostSource {
  /** Human description of where the data comes from ("/" or a fixture directory). */
  readonly description: string
  /** Every numeric entry of /proc (thread-group leaders), ascending. */
  listPids(): number[]
  procStatus(pid: number): Read<ProcStatus>
  procStat(pid: number): Read<ProcStat>
  /** /proc/<pid>/oom_score as the kernel prints it. */
  procOomScore(pid: number): Read<number>
  procOomScoreAdj(pid: number): Read<number>
  procCgroup(pid: number): Read<CgroupLine[]>
  /** The threads of a process, ascending tid (/proc/<pid>/task/). */
  procTasks(pid: number): Read<TaskReading[]>
  meminfo(): Read<Meminfo>
  zoneinfo(): Read<ZoneReading[]>
  /** /proc/vmstat (counters by name). */
  vmstat(): Read<Readonly<Record<string, number>>>
  sysctls(): VmSysctls
  pressure(): Read<Psi>
  /** uname -r (/proc/sys/kernel/osrelease). */
  release(): Read<string>
  /** The memory cgroup hierarchy (v1 memory controller or v2 unified), absent without one. */
  memcgs(): Read<MemcgTree>
  /**
   * Optional: pid -> its path in `tree`'s hierarchy (what procCgroup's line for that hierarchy
   * says), read per cgroup rather than per process; pids it leaves out are read with procCgroup.
   */
  memcgPids?(tree: MemcgTree): Read<ReadonlyMap<number, string>>
  /** uid -> user name from /etc/passwd (empty map when unreadable). */
  users(): ReadonlyMap<number, string>
}
