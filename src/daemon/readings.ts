/**
 * @module The plain data the daemon's policy reads: memory totals, PSI, memory cgroups and
 * processes, each sampled at a time in milliseconds. Units are in the field names (kB, bytes,
 * pages); the policy core is a pure function of these records and the time.
 */
import type { Psi } from '../adapters/proc/host-source.ts'

/** /proc/meminfo fields the triggers use (kB, as the kernel prints them). */
export interface MemInfo {
  memTotalKb: number
  memAvailableKb: number
  swapTotalKb: number
  swapFreeKb: number
  anonPagesKb: number
}

/** One PSI line and a PSI file (/proc/pressure/memory or a v2 cgroup's memory.pressure): the
 * host adapter's records (averages in percent, total stall time in microseconds). */
export type { Psi, PsiLine } from '../adapters/proc/host-source.ts'

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
  /** memory.pressure (v2 only). */
  psi: Psi | null
  /** v1 memory.oom_control oom_kill / v2 memory.events oom_kill. */
  oomKills: number
  /** cgroup.kill exists (v2, >= 5.14). */
  canKill: boolean
}

/** One process as the daemon sees it (from /proc/<pid>/{stat,status,cmdline,cgroup,...}). */
export interface ProcReading {
  pid: number
  ppid: number
  comm: string
  cmdline: string
  /** readlink /proc/<pid>/exe, '' when unreadable (kernel threads, other users). */
  exe: string
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

/** One sample of everything the triggers read. */
export interface Readings {
  /** Monotonic milliseconds. */
  timeMs: number
  meminfo: MemInfo
  /** System-wide /proc/pressure/memory, null when PSI is off. */
  psi: Psi | null
  cgroups: CgroupReading[]
}

/** Total resident kB of a process (RssAnon + RssFile + RssShmem). */
export function rssKb(p: ProcReading): number {
  return p.rssAnonKb + p.rssFileKb + p.rssShmemKb
}
