/**
 * @module Kernel wake-ups for watched v1 memory cgroups: each one's `memory.usage_in_bytes`
 * thresholds (trigger-levels.ts `cgroupWakeLevels`: an early level and its first stage) are kept
 * registered, and a crossing wakes the loop at once. While a cgroup's usage is below its early
 * level the triggers need not poll it (readings.ts `calmBelow`), so a daemon watching a cgroup with
 * plenty of headroom sleeps as long as one watching only the system. A registration made during
 * a sample counts from the next sample on (a crossing between the read and the registration is
 * not signalled). v2 cgroups, and hosts without koffi, keep polling.
 */
import { registerUsageThresholds } from '../adapters/cgroup/memcg-threshold.ts'
import type { UsageThresholds } from '../adapters/cgroup/memcg-threshold.ts'
import type { FdWatch } from '../adapters/pidfd/fd-watch.ts'
import type { DaemonConfig } from './config-schema.ts'
import type { Logger } from './log.ts'
import type { CgroupReading } from './readings.ts'
import { cgroupWakeLevels } from './trigger-levels.ts'

interface Armed {
  thresholds: UsageThresholds
  /** Registered during the current sample: not yet trusted. */
  fresh: boolean
}

const sameLevels = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])

export class CgroupWakeups {
  private readonly armed = new Map<string, Armed>()
  /** Registration failures already logged (path and message). */
  private readonly told = new Set<string>()
  private readonly watch: FdWatch
  private readonly wake: () => void
  private readonly logger: Logger

  constructor(watch: FdWatch, wake: () => void, logger: Logger) {
    this.watch = watch
    this.wake = wake
    this.logger = logger
  }

  /** Keep each watched v1 cgroup's thresholds registered; the usage below which each is calm. */
  calmBelow(config: DaemonConfig, cgroups: readonly CgroupReading[]): Record<string, number> {
    const out: Record<string, number> = {}
    const wanted = new Set<string>()
    for (const watch of config.cgroups) {
      const cg = cgroups.find(c => c.path === watch.path)
      if (!cg || cg.version !== 1 || cg.limitBytes === null) continue
      const levels = cgroupWakeLevels(cg.limitBytes, watch.available)
      if (levels.length === 0) continue
      wanted.add(watch.path)
      const armed = this.arm(watch.path, levels)
      if (!armed) continue
      if (armed.fresh) armed.fresh = false
      else out[watch.path] = levels[0]!
    }
    for (const path of this.armed.keys()) if (!wanted.has(path)) this.disarm(path)
    return out
  }

  /** Unregister everything. */
  close(): void {
    for (const path of [...this.armed.keys()]) this.disarm(path)
  }

  private arm(path: string, levels: number[]): Armed | null {
    const current = this.armed.get(path)
    if (current && sameLevels(current.thresholds.bytes, levels)) return current
    if (current) this.disarm(path)
    const r = registerUsageThresholds(this.watch, path, levels, {
      onCross: () => this.wake(),
      onGone: () => {
        // The cgroup was removed: poll for it again (it may come back).
        this.disarm(path)
        this.wake()
      }
    })
    if ('error' in r) {
      const key = `${path}\n${r.error}`
      if (!this.told.has(key)) {
        this.told.add(key)
        this.logger.warn(
          { event: 'cgroup-threshold', cgroup: path },
          `no kernel memory threshold on ${path} (${r.error}); polling it`
        )
      }
      return null
    }
    this.logger.debug(
      { event: 'cgroup-threshold', cgroup: path, bytes: levels },
      `kernel memory thresholds registered on ${path}`
    )
    const armed = { thresholds: r, fresh: true }
    this.armed.set(path, armed)
    return armed
  }

  private disarm(path: string): void {
    this.armed.get(path)?.thresholds.close()
    this.armed.delete(path)
  }
}
