/**
 * @module The state the OOM engine reasons over: processes (thread groups), their threads,
 * address spaces (mm), memory cgroups and the OOM-relevant sysctls.
 *
 * Units: every memory amount in this module is in pages (PAGE_SIZE = 4096) unless the name
 * says otherwise (`pgtablesBytes`, `...Kb`). Plain data only: no classes, no methods, so a
 * state can be cloned, serialised into a trace or built from a parsed report.
 */

/** PAGE_SIZE on every profile we model (x86_64, arm64 with 4K pages). */
export const PAGE_SIZE = 4096
export const PAGE_SHIFT = 12

/** uapi/linux/oom.h, unchanged since 2.6.36. */
export const OOM_SCORE_ADJ_MIN = -1000
export const OOM_SCORE_ADJ_MAX = 1000
export const OOM_DISABLE = -17
export const OOM_ADJUST_MIN = -16
export const OOM_ADJUST_MAX = 15

/** One virtual memory area, with how much of it is resident, by counter. */
export interface Vma {
  /** Start address; only its order matters (reaper walk order). */
  readonly start: number
  /** Size in pages (contributes to total_vm). */
  pages: number
  /** Resident pages charged to MM_ANONPAGES / MM_FILEPAGES / MM_SHMEMPAGES. */
  anon: number
  file: number
  shmem: number
  /** Anonymous mapping (vma_is_anonymous). */
  anonymous: boolean
  /** VM_SHARED. */
  shared: boolean
  /** VM_LOCKED (mlock). */
  locked: boolean
  /** VM_HUGETLB. */
  hugetlb: boolean
  /** VM_PFNMAP. */
  pfnmap: boolean
}

/** MMF_* flags of an mm that the OOM code reads or writes. */
export interface MmFlags {
  /** MMF_OOM_SKIP: the reaper is done (or gave up); the OOM killer may look past this mm. */
  oomSkip: boolean
  /** MMF_OOM_REAP_QUEUED (>= 5.0): already queued for the reaper. */
  reapQueued: boolean
  /** MMF_UNSTABLE: the reaper has started unmapping. */
  unstable: boolean
  /** MMF_MULTIPROCESS (>= 5.10): shared with a process outside the thread group (CLONE_VM). */
  multiprocess: boolean
}

/** An address space (mm_struct). Shared by reference id between processes. */
export interface Mm {
  readonly id: number
  /** MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES, MM_SWAPENTS counters. */
  anon: number
  file: number
  shmem: number
  swapEnts: number
  /** total_vm in pages. */
  totalVm: number
  /** mm_pgtables_bytes; older profiles derive nr_ptes / nr_pmds from it (see profile). */
  pgtablesBytes: number
  /** nr_pmds for 4.0–4.14 profiles; defaults to 0 when absent. */
  nrPmds?: number
  vmas: Vma[]
  flags: MmFlags
  /** The mmap lock is held for write by someone (reaper trylock fails). */
  mmapLockHeld: boolean
  /** What get_mm_counter() does not see yet (src/kernel/mm/rss-stat.ts); absent: exact. */
  rssStat?: RssStat
}

/** Pending delta per rss member on one CPU (percpu) or in one task (splitTask). */
export interface RssPending {
  anon: number
  file: number
  shmem: number
}

/** mm->rss_stat's lag: pending deltas keyed by CPU or by tid (src/kernel/mm/rss-stat.ts). */
export interface RssStat {
  pending: Map<number, RssPending>
  /** splitTask: current->rss_stat.events per tid. */
  events: Map<number, number>
}

/** One thread (task_struct that is not necessarily the group leader). */
export interface Thread {
  readonly tid: number
  comm: string
  /** PF_EXITING. */
  exiting: boolean
  /** This thread has already dropped its mm (exit_mm done). */
  mmReleased: boolean
  /** Has a mempolicy nodemask (MPOL_BIND etc.); null = default policy. */
  mempolicyNodes: readonly number[] | null
}

/**
 * A process: a thread group with its signal_struct. `pid` is the tgid. The kernel's task list
 * order is the order of `OomState.processes`.
 */
export interface Process {
  readonly pid: number
  comm: string
  ppid: number
  uid: number
  /** has_capability_noaudit(p, CAP_SYS_ADMIN). */
  capSysAdmin: boolean
  /** CAP_SYS_RESOURCE: may lower oom_score_adj. */
  capSysResource: boolean
  /** PF_KTHREAD. */
  kthread: boolean
  /** Id of the mm in `OomState.mms`, or null (kthread, zombie). */
  mmId: number | null
  threads: Thread[]
  /** signal->oom_score_adj and oom_score_adj_min. */
  oomScoreAdj: number
  oomScoreAdjMin: number
  /** signal->oom_mm: set by mark_oom_victim (tsk_is_oom_victim). */
  oomVictimMmId: number | null
  /** TIF_MEMDIE on some thread. */
  memdie: boolean
  /** signal->oom_flag_origin (swapoff, ksm unmerge). */
  oomOrigin: boolean
  /** SIGNAL_GROUP_EXIT (a fatal signal is being delivered / exit_group). */
  groupExit: boolean
  /** A SIGKILL is pending (fatal_signal_pending). */
  sigkillPending: boolean
  /** signal->core_state: dumping core (PF_DUMPCORE on the dumper). */
  coreDumping: boolean
  /** vfork child still sharing its parent's mm (in_vfork). */
  inVfork: boolean
  /** Memory cgroup path ('/' for the root). */
  memcg: string
  /** Cpuset cgroup path ('/' for the root) and its effective mems. */
  cpuset: string
  memsAllowed: readonly number[]
}

/** A memory cgroup (v1 or v2 semantics per `OomState.cgroupVersion`). */
export interface Memcg {
  readonly path: string
  /** memory.limit_in_bytes (v1) / memory.max (v2), in pages; null = unlimited. */
  limit: number | null
  /** v1 memory.memsw.limit_in_bytes / v2 memory.swap.max, in pages; null = unlimited. */
  swapLimit: number | null
  /** Charged pages (memory.usage_in_bytes / memory.current). */
  usage: number
  swapUsage: number
  /** v1 memory.oom_control oom_kill_disable. */
  oomKillDisable: boolean
  /** v2 memory.oom.group. */
  oomGroup: boolean
  /** memory.swappiness (v1) or inherited vm.swappiness. */
  swappiness: number
  failcnt: number
  /** memory.events counters (hierarchical) and memory.events.local. */
  events: MemcgEvents
  eventsLocal: MemcgEvents
  /** v1 under_oom. */
  underOom: boolean
}

export interface MemcgEvents {
  low: number
  high: number
  max: number
  oom: number
  oom_kill: number
  oom_group_kill: number
}

export type Constraint =
  'CONSTRAINT_NONE' | 'CONSTRAINT_CPUSET' | 'CONSTRAINT_MEMORY_POLICY' | 'CONSTRAINT_MEMCG'

/** The OOM sysctls (vm.*). */
export interface OomSysctls {
  panicOnOom: 0 | 1 | 2
  oomKillAllocatingTask: boolean
  oomDumpTasks: boolean
}

/** A NUMA node as the OOM code sees it: pages for constrained totalpages. */
export interface NodeInfo {
  readonly id: number
  presentPages: number
  spannedPages: number
}

/** Everything out_of_memory() and friends read. */
export interface OomState {
  processes: Process[]
  mms: Map<number, Mm>
  memcgs: Map<string, Memcg>
  cgroupVersion: 1 | 2
  nodes: NodeInfo[]
  /** totalram_pages and total_swap_pages. */
  totalRamPages: number
  totalSwapPages: number
  sysctl: OomSysctls
  /** oom_killer_disabled (PM freeze). */
  oomKillerDisabled: boolean
  /** /proc/vmstat oom_kill. */
  vmOomKill: number
}
