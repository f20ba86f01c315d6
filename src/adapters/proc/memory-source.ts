/**
 * @module `MemorySource`: what the daemon reads from a host, every method synchronous and cheap
 * (one /proc/meminfo read is a few microseconds; the full process scan is done only when a victim
 * has to be chosen). The records are plain data with units in the field names (kB, bytes,
 * pages). Implementations: live-memory-source.ts (/proc and cgroupfs directly) and
 * host-memory-source.ts (on top of a `HostSource`); tests use recorded traces and fakes.
 */
import type { Psi } from './host-source.ts'

export type { Psi, PsiLine } from './host-source.ts'

/** /proc/meminfo fields the daemon uses (kB, as the kernel prints them). */
export interface MemInfo {
  memTotalKb: number
  memAvailableKb: number
  swapTotalKb: number
  swapFreeKb: number
  anonPagesKb: number
}

/** One watched memory cgroup. */
export interface CgroupReading {
  /** The cgroup directory as configured (absolute filesystem path). */
  path: string
  version: 1 | 2
  /** memory.usage_in_bytes (v1) / memory.current (v2). */
  usageBytes: number
  /** Inactive file pages in bytes (reclaimable before the limit bites). */
  inactiveFileBytes: number
  /** memory.limit_in_bytes / memory.max; null = unlimited. */
  limitBytes: number | null
  /** v1 memory.memsw.limit_in_bytes (memory + swap) / v2 memory.swap.max; null = unlimited or
   * absent. Optional: recorded traces predate it. */
  swapLimitBytes?: number | null
  /** v1 memory.swappiness; null on v2 (vm.swappiness applies) or when absent. */
  swappiness?: number | null
  /** memory.pressure (v2 only). */
  psi: Psi | null
  /** v1 memory.oom_control oom_kill / v2 memory.events oom_kill. */
  oomKills: number
  /** cgroup.kill exists (v2, >= 5.14). */
  canKill: boolean
}

/** One process (from /proc/<pid>/{stat,status,cmdline,cgroup,...}). */
export interface ProcReading {
  pid: number
  ppid: number
  /** Session id (stat field 6): a hook leads its own, and its children stay in it. */
  session?: number
  comm: string
  cmdline: string
  /** readlink /proc/<pid>/exe, '' when unreadable (kernel threads, other users). */
  exe: string
  /** The file at the path `exe` names (in the daemon's own mount namespace) is the very file the
   * process runs: same device and inode as /proc/<pid>/exe. A process cannot forge this; it is
   * false for a deleted or replaced binary and for a path seen in another mount namespace. */
  exeTrusted?: boolean
  uid: number
  /** User name from /etc/passwd when known. */
  user: string
  kthread: boolean
  /** Start time in clock ticks since boot (field 22 of stat): (pid, startTime) names a process. */
  startTime: number
  /** stat state letter (R, S, D, Z, ...). */
  state: string
  oomScoreAdj: number
  /** CapEff has CAP_SYS_ADMIN. */
  capSysAdmin: boolean
  /** RssAnon, RssFile, RssShmem, VmSwap in kB. */
  rssAnonKb: number
  rssFileKb: number
  rssShmemKb: number
  swapKb: number
  /** VmPTE in kB. */
  pteKb: number
  /** get_mm_rss() in pages from /proc/<pid>/stat (what oom_badness() sums), when known. */
  rssPages?: number
  /** Memory cgroup path relative to the hierarchy root ('/' for the root). */
  memcg: string
}

/** Where the daemon reads memory state. Every method is synchronous, cheap and never throws for
 * a process or cgroup that went away. */
export interface MemorySource {
  /** The daemon's own pid (never a victim). */
  readonly selfPid: number
  meminfo(): MemInfo
  /** System PSI, or null when /proc/pressure is absent. */
  psi(): Psi | null
  /** /proc/sys/vm/swappiness, null when unreadable. */
  vmSwappiness(): number | null
  /** A watched cgroup (absolute directory path), or null when it is gone. */
  cgroup(path: string): CgroupReading | null
  /** Every process, or those whose pid is in `pids`. */
  processes(pids?: readonly number[]): ProcReading[]
  /** One process, or null when it is gone. */
  process(pid: number): ProcReading | null
  /** Pids in a cgroup directory (recursively). */
  cgroupPids(path: string): number[]
  /** The directory of a memory cgroup given its /proc/<pid>/cgroup path, or null. */
  cgroupDir(memcg: string): string | null
}
