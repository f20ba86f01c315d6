/**
 * @module The plain data the daemon's policy reads: memory totals, PSI, memory cgroups and
 * processes (the `MemorySource` records of src/adapters/proc/memory-source.ts), each sample
 * stamped with a time in milliseconds. The policy core is a pure function of these records and
 * the time.
 */
import type { CgroupReading, MemInfo, ProcReading, Psi } from '../adapters/proc/memory-source.ts'

export type {
  CgroupReading,
  MemInfo,
  MemorySource,
  ProcReading,
  Psi,
  PsiLine
} from '../adapters/proc/memory-source.ts'

/** One sample of everything the triggers read. */
export interface Readings {
  /** Monotonic milliseconds. */
  timeMs: number
  meminfo: MemInfo
  /** System-wide /proc/pressure/memory, null when PSI is off. */
  psi: Psi | null
  cgroups: CgroupReading[]
  /** Per watched cgroup path: the usage (bytes) below which the kernel wakes the loop when it
   * is crossed (a v1 memory threshold registered before this sample), so no polling is needed. */
  calmBelow?: Readonly<Record<string, number>>
}

/** Total resident kB of a process (RssAnon + RssFile + RssShmem). */
export function rssKb(p: ProcReading): number {
  return p.rssAnonKb + p.rssFileKb + p.rssShmemKb
}
