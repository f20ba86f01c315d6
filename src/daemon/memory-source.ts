/**
 * @module The daemon's view of the host, behind a small interface so the live /proc reader can be
 * swapped for recorded traces in tests (and for the host adapter when it lands).
 */
import type { CgroupReading, MemInfo, ProcReading, Psi } from './readings.ts'

/** Where the daemon reads memory state. Every method is synchronous and cheap. */
export interface MemorySource {
  /** The daemon's own pid (never a victim). */
  readonly selfPid: number
  meminfo(): MemInfo
  /** System PSI, or null when /proc/pressure is absent. */
  psi(): Psi | null
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
