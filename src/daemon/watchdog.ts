/**
 * @module The watchdog: a worker thread that watches the main loop's heartbeat. If the loop has
 * not beaten for `timeoutMs` and a watched scope is past its kill stage, it acts in that scope
 * (watchdog-worker.ts: cgroup.kill or the cgroup's largest process; sysrq-f for the system
 * trigger), or only logs with action 'log'. The loop announces its own waits by beating into the
 * future, so they are never taken for a stall.
 */
import { Worker } from 'node:worker_threads'
import type { Threshold } from './units.ts'
import { WATCHDOG_WORKER_SOURCE } from './watchdog-worker.ts'

/** Where the system fallback writes 'f' (the kernel's OOM killer, sysrq-f). */
export const SYSRQ = '/proc/sysrq-trigger'

/** Watchdog settings (the kill threshold in bytes is recomputed on reload). */
export interface WatchdogConfig {
  timeoutMs: number
  action: 'sysrq-f' | 'log'
  /** MemAvailable kill stage in bytes; 0 when the system trigger is off. */
  killBelowBytes: number
  /** Watched cgroups and their kill stage (percent of the limit, or bytes of headroom). */
  cgroups?: { path: string; kill: Threshold }[]
  meminfo: string
  sysrq: string
}

/** What the worker did. */
export interface WatchdogFire {
  stale: number
  scope: string
  acted: string
  availKb: number | null
}

/** A running watchdog. */
export interface Watchdog {
  beat(nowWallMs: number): void
  update(config: WatchdogConfig): void
  stop(): Promise<void>
  onFire(cb: (info: WatchdogFire) => void): void
}

/** Start the watchdog worker (unref'd: it never keeps the process alive). */
export function startWatchdog(config: WatchdogConfig): Watchdog {
  const shared = new SharedArrayBuffer(8)
  const beat = new Float64Array(shared)
  beat[0] = Date.now()
  const worker = new Worker(WATCHDOG_WORKER_SOURCE, {
    eval: true,
    workerData: { heartbeat: shared, config },
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 }
  })
  worker.unref()
  return {
    beat(nowWallMs: number) {
      beat[0] = nowWallMs
    },
    update(next: WatchdogConfig) {
      worker.postMessage(next)
    },
    async stop() {
      await worker.terminate()
    },
    onFire(cb) {
      worker.on('message', (m: WatchdogFire) => cb(m))
    }
  }
}
