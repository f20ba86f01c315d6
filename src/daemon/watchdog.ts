/**
 * @module The watchdog: a worker thread that watches the main loop's heartbeat. If the loop has
 * not beaten for `timeoutMs` AND MemAvailable is below the kill stage, it falls back to the
 * kernel's OOM killer by writing "f" to /proc/sysrq-trigger (or only logs, with action 'log').
 * The worker reads /proc/meminfo itself and writes to fd 2 directly, so it works while the main
 * thread is stuck.
 */
import { Worker } from 'node:worker_threads'

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads')
const fs = require('node:fs')
const beat = new Float64Array(workerData.heartbeat)
let cfg = workerData.config
parentPort.on('message', m => { cfg = m })
let lastFire = 0
const timer = setInterval(() => {
  const now = Date.now()
  const stale = now - beat[0]
  if (beat[0] === 0 || stale < cfg.timeoutMs) return
  let availKb = Infinity
  try {
    const m = /MemAvailable:\\s+(\\d+)/.exec(fs.readFileSync(cfg.meminfo, 'utf8'))
    if (m) availKb = Number(m[1])
  } catch {}
  if (availKb * 1024 > cfg.killBelowBytes) return
  if (now - lastFire < cfg.timeoutMs) return
  lastFire = now
  const line = JSON.stringify({ level: 50, time: now, msg: 'watchdog: main loop stalled ' + stale + ' ms with MemAvailable ' + availKb + ' kB below the kill stage', action: cfg.action }) + '\\n'
  try { fs.writeSync(2, line) } catch {}
  if (cfg.action === 'sysrq-f') {
    try { fs.writeFileSync(cfg.sysrq, 'f') } catch (e) { try { fs.writeSync(2, JSON.stringify({ level: 50, time: Date.now(), msg: 'watchdog: sysrq-f failed: ' + e.code }) + '\\n') } catch {} }
  }
  parentPort.postMessage({ fired: now, stale, availKb })
}, Math.min(1000, workerData.config.timeoutMs / 2))
`

/** Watchdog settings (the kill threshold in bytes is recomputed on reload). */
export interface WatchdogConfig {
  timeoutMs: number
  action: 'sysrq-f' | 'log'
  killBelowBytes: number
  meminfo: string
  sysrq: string
}

/** A running watchdog. */
export interface Watchdog {
  beat(nowWallMs: number): void
  update(config: WatchdogConfig): void
  stop(): Promise<void>
  onFire(cb: (info: { stale: number; availKb: number }) => void): void
}

/** Start the watchdog worker (unref'd: it never keeps the process alive). */
export function startWatchdog(config: WatchdogConfig): Watchdog {
  const shared = new SharedArrayBuffer(8)
  const beat = new Float64Array(shared)
  beat[0] = Date.now()
  const worker = new Worker(WORKER_SOURCE, {
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
      worker.on('message', (m: { stale: number; availKb: number }) => cb(m))
    }
  }
}
