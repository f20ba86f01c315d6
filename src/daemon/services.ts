/**
 * @module What a running daemon needs besides its loop, started and stopped together: the
 * process-control backend with self-protection, the live MemorySource, the journal, the metrics
 * endpoint, the notifier and the watchdog.
 */
import { existsSync } from 'node:fs'
import type { Server } from 'node:http'
import type { Logger } from './log.ts'
import { createHostMemorySource } from '../adapters/proc/host-memory-source.ts'
import { createSystemReader } from '../adapters/proc/daemon-system-reader.ts'
import { LiveHostSource } from '../adapters/proc/live-host-source.ts'
import { loadProcessControl } from '../adapters/pidfd/process-control.ts'
import type { ProcessControl } from '../adapters/pidfd/process-control.ts'
import { createKoffiControl } from '../adapters/pidfd/koffi-backend.ts'
import { createLazyControl } from '../adapters/pidfd/lazy-control.ts'
import type { LazyControl } from '../adapters/pidfd/lazy-control.ts'
import { setOwnComm } from '../adapters/proc/daemon-comm.ts'
import type { DaemonConfig } from './config-schema.ts'
import { Journal } from './journal.ts'
import type { DaemonMetrics } from './metrics.ts'
import { createNotifier } from './notify.ts'
import type { Notifier } from './notify.ts'
import type { MemorySource } from './readings.ts'
import { protectSelf } from './self-protect.ts'
import type { SelfProtection as Protection } from './self-protect.ts'
import { thresholdBytes } from './units.ts'
import { SYSRQ, startWatchdog } from './watchdog.ts'
import type { Watchdog, WatchdogConfig } from './watchdog.ts'

export interface Services {
  control: ProcessControl
  /** The lazily loaded koffi backend (null with --no-ffi): `prepare()` before a kill. */
  lazyControl: LazyControl | null
  protection: Protection
  source: MemorySource
  journal: Journal
  metrics: DaemonMetrics | null
  server: Server | null
  notifier: Notifier
  watchdog: Watchdog | null
  memTotalKb: number
}

/** The watchdog acts only where a trigger is on: the system's kill stage when the MemAvailable
 * trigger is enabled, and each watched cgroup's kill stage. */
export function watchdogConfig(config: DaemonConfig, memTotalKb: number): WatchdogConfig {
  const kill = config.memory.enabled ? config.memory.available.kill : undefined
  const cgroups = []
  for (const c of config.cgroups)
    if (c.available.kill) cgroups.push({ path: c.path, kill: c.available.kill })
  return {
    timeoutMs: config.selfProtect.watchdog.timeout,
    action: config.selfProtect.watchdog.action,
    killBelowBytes: kill ? thresholdBytes(kill, memTotalKb * 1024) : 0,
    cgroups,
    meminfo: '/proc/meminfo',
    sysrq: SYSRQ
  }
}

/** Say at start-up what the watchdog's fallback can do here. */
function checkWatchdogFallback(config: DaemonConfig, logger: Logger): void {
  const wd = config.selfProtect.watchdog
  if (wd.action !== 'sysrq-f' || !config.memory.enabled) return
  if (!existsSync(SYSRQ))
    logger.warn(
      { event: 'watchdog', sysrq: SYSRQ },
      `watchdog: ${SYSRQ} does not exist: a stall under system pressure will only be logged (watched cgroups still get cgroup.kill or their largest process killed)`
    )
}

/** Once koffi is in (a threshold approaches): lock our code as configured, and say so. */
function onKoffiLoaded(config: DaemonConfig, logger: Logger) {
  return (control: ProcessControl, ms: number): void => {
    const lock = config.selfProtect.mlockall ? control.lockMemory() : null
    logger.info(
      { event: 'ffi', backend: control.features, loadMs: Math.round(ms), mlockall: lock?.ok },
      `koffi loaded in ${Math.round(ms)} ms: pidfd ${control.features.pidfd ? 'on' : 'off'}, process_mrelease ${control.features.mrelease ? 'on' : 'off'}`
    )
    for (const note of control.features.notes) logger.warn({ event: 'ffi' }, note)
    if (lock && !lock.ok)
      logger.warn({ event: 'self-protect' }, `mlockall not in effect: ${lock.message}`)
  }
}

/** The backend: with FFI, kill(2) until `prepare()` loads koffi (lazy-control.ts); without,
 * kill(2) for good. Name and protect ourselves, warning about what is not in effect. */
async function startControl(
  config: DaemonConfig,
  ffi: 'auto' | 'fallback',
  logger: Logger
): Promise<{ control: ProcessControl; protection: Protection; prepare: LazyControl | null }> {
  const lazy =
    ffi === 'auto' ? createLazyControl(createKoffiControl, onKoffiLoaded(config, logger)) : null
  const control = lazy ?? (await loadProcessControl('fallback'))
  if (!lazy) for (const note of control.features.notes) logger.warn({ event: 'ffi' }, note)
  // A recognisable comm ("oomkit-daemon") lets other tools match the daemon by name.
  setOwnComm('oomkit-daemon')
  // With FFI, memory is locked when koffi loads (onKoffiLoaded), not now.
  const protection = protectSelf(
    { ...config.selfProtect, mlockall: !lazy && config.selfProtect.mlockall },
    control
  )
  if (lazy && config.selfProtect.mlockall)
    protection.mlockall = { ok: false, error: 'deferred: locked when koffi loads' }
  const adj = protection.oomScoreAdj
  if (adj.error)
    logger.warn(
      { event: 'self-protect', ...adj },
      `could not set own oom_score_adj to ${adj.wanted} (${adj.error}); it stays ${adj.actual}`
    )
  if (!lazy && config.selfProtect.mlockall && !protection.mlockall.ok)
    logger.warn(
      { event: 'self-protect' },
      `mlockall not in effect: ${protection.mlockall.error ?? 'unknown'}`
    )
  return { control, protection, prepare: lazy }
}

/** The per-tick meminfo and PSI reads from kept-open files (daemon-system-reader.ts); the
 * HostSource's reads when a file cannot be read that way. */
function withSystemReader(source: MemorySource): MemorySource {
  const reader = createSystemReader()
  return {
    ...source,
    meminfo: () => reader.meminfo() ?? source.meminfo(),
    psi: () => reader.psi() ?? source.psi()
  }
}

export async function startServices(
  config: DaemonConfig,
  opts: { ffi: 'auto' | 'fallback'; env: Readonly<Record<string, string | undefined>> },
  logger: Logger
): Promise<Services> {
  const { control, protection, prepare: lazyControl } = await startControl(config, opts.ffi, logger)
  const source = withSystemReader(createHostMemorySource(new LiveHostSource('/')))
  const journal = new Journal(config.journal)
  const reported = new Set<string>()
  journal.onError = code => {
    // Once per errno: a full disk must not flood the log either.
    if (reported.has(code)) return
    reported.add(code)
    logger.error(
      { event: 'journal-error', errno: code, path: config.journal },
      `cannot write the kill journal (${code}); kills go on and are logged here`
    )
  }
  // prom-client costs ~5 MB of heap: load it only when metrics are on.
  let metrics: DaemonMetrics | null = null
  let server: Server | null = null
  if (config.metrics.enabled) {
    const m = await import('./metrics.ts')
    metrics = new m.DaemonMetrics()
    server = await m.serveMetrics(metrics, config.metrics.listen, config.metrics.allowNonLoopback)
  }
  const notifier = createNotifier(config.notify.desktop, opts.env)
  const memTotalKb = source.meminfo().memTotalKb
  let watchdog: Watchdog | null = null
  if (config.selfProtect.watchdog.enabled) {
    try {
      watchdog = startWatchdog(watchdogConfig(config, memTotalKb))
      watchdog.onFire(info =>
        logger.error(
          { event: 'watchdog', ...info },
          `watchdog fired in ${info.scope}: ${info.acted}`
        )
      )
      checkWatchdogFallback(config, logger)
    } catch (error) {
      logger.warn({ event: 'watchdog' }, `watchdog off: ${(error as Error).message}`)
    }
  }
  return {
    control,
    lazyControl,
    protection,
    source,
    journal,
    metrics,
    server,
    notifier,
    watchdog,
    memTotalKb
  }
}

export async function stopServices(s: Services): Promise<void> {
  const { server } = s
  if (server) await new Promise(resolve => server.close(resolve))
  await s.watchdog?.stop()
  s.journal.close()
  // V8 cannot free locked heap pages at teardown: unlock before returning.
  s.control.unlockMemory()
}
