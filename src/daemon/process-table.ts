/**
 * @module The candidates of a scope, scanned through the MemorySource, with each process's RSS
 * remembered from an earlier scan so the chooser can rank by growth.
 */
import type { MemorySource, ProcReading } from './readings.ts'
import { rssKb } from './readings.ts'

/** RSS (kB) of a process at a scan, and when (ms). */
export interface RssSample {
  rssKb: number
  timeMs: number
  startTime: number
}

export class ProcessTable {
  /** RSS per pid at the latest scan (or an older one kept while recent). */
  previousRss = new Map<number, RssSample>()
  lastScanMs = Number.NEGATIVE_INFINITY

  /** Read candidates in a scope ('system' or a cgroup directory) and remember their RSS. */
  scan(source: MemorySource, nowMs: number, scope: string): ProcReading[] {
    const procs =
      scope === 'system' ? source.processes() : source.processes(source.cgroupPids(scope))
    const next = new Map<number, RssSample>()
    for (const p of procs) {
      const before = this.previousRss.get(p.pid)
      // Keep the older sample while it is recent, so growth spans a useful interval.
      if (before && before.startTime === p.startTime && nowMs - before.timeMs < 1000)
        next.set(p.pid, before)
      else next.set(p.pid, { rssKb: rssKb(p), timeMs: nowMs, startTime: p.startTime })
    }
    this.previousRss = next
    this.lastScanMs = nowMs
    return procs
  }
}
