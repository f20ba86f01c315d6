/**
 * @module Starting and stopping the daemon for real: FFI backend, self-protection, the live
 * MemorySource, journal, metrics endpoint, notifier, watchdog and signal handling (SIGHUP
 * reloads the config, SIGTERM/SIGINT stop). The CLI command calls `runDaemon`.
 */
import { release } from 'node:os'
import type { Server } from 'node:http'
import { pino } from 'pino'
import type { Logger } from 'pino'
import { loadProcessControl } from '../adapters/pidfd/process-control.ts'
import type { ProcessControl } from '../adapters/pidfd/process-control.ts'
import { UserError } from '../errors.ts'
import type { CliIO } from '../cli/io.ts'
import { findProfile, profileForRelease } from '../kernel/profiles.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import type { DaemonConfig } from './config-schema.ts'
import { Daemon } from './daemon.ts'
import { Journal } from './journal.ts'
import { createHostMemorySource } from '../adapters/proc/host-memory-source.ts'
import { LiveHostSource } from '../adapters/proc/live-host-source.ts'
import type { DaemonMetrics } from './metrics.ts'
import { createNotifier } from './notify.ts'
import { protectSelf } from './self-protect.ts'
import { thresholdBytes } from './units.ts'
import { startWatchdog } from './watchdog.ts'
import { openPsiTrigger, psiTriggerProblem } from '../adapters/pidfd/psi-trigger.ts'
import type { PsiTrigger } from '../adapters/pidfd/psi-trigger.ts'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Watchdog, WatchdogConfig } from './watchdog.ts'

/** The kernel profile the config asks for ('auto' = this kernel's release). */
export function resolveProfile(name: string): KernelProfile {
  if (name === 'auto') return profileForRelease(release())
  const p = findProfile(name)
  if (!p) throw new UserError(`profile: unknown kernel profile "${name}"`)
  return p
}

/** A pino logger writing JSON lines to the CLI's stderr. */
export function makeLogger(io: CliIO, level: string): Logger {
  return pino(
    { level, base: { name: 'oomkit-daemon' }, timestamp: pino.stdTimeFunctions.isoTime },
    { write: (s: string) => io.stderr.write(s) }
  )
}

function watchdogConfig(config: DaemonConfig, memTotalKb: number): WatchdogConfig {
  const kill = config.memory.available.kill ?? config.memory.available.term
  return {
    timeoutMs: config.selfProtect.watchdog.timeout,
    action: config.selfProtect.watchdog.action,
    killBelowBytes: kill ? thresholdBytes(kill, memTotalKb * 1024) : 0,
    meminfo: '/proc/meminfo',
    sysrq: '/proc/sysrq-trigger'
  }
}

/** CAP_SYS_RESOURCE in our effective set (PSI windows need not be multiples of 2 s then). */
function hasSysResource(): boolean {
  try {
    const m = /CapEff:\s+([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))
    return m ? ((BigInt(`0x${m[1] ?? '0'}`) >> 24n) & 1n) === 1n : false
  } catch {
    return false
  }
}

/** Register PSI triggers (system, and v2 cgroups with PSI stages); each event wakes the loop. */
async function openTriggers(
  config: DaemonConfig,
  daemon: Daemon,
  logger: Logger
): Promise<PsiTrigger[]> {
  const t = config.psiTrigger
  if (!t) return []
  const problem = psiTriggerProblem(t.stall, t.window, hasSysResource())
  if (problem) {
    logger.warn(
      { event: 'psi-trigger' },
      `PSI trigger not registered: ${problem}; polling avg10 instead`
    )
    return []
  }
  const paths = ['/proc/pressure/memory']
  for (const c of config.cgroups)
    if (c.psi && existsSync(join(c.path, 'memory.pressure')))
      paths.push(join(c.path, 'memory.pressure'))
  const out: PsiTrigger[] = []
  for (const path of paths) {
    const r = await openPsiTrigger(path, t.metric, t.stall, t.window, () => {
      logger.debug({ event: 'psi-trigger', path }, 'PSI trigger fired')
      daemon.wakeUp()
    })
    if ('error' in r)
      logger.warn(
        { event: 'psi-trigger', path },
        `PSI trigger not registered on ${path}: ${r.error}`
      )
    else {
      logger.info(
        { event: 'psi-trigger', path, spec: r.spec },
        `PSI trigger "${r.spec}" registered on ${path}`
      )
      out.push(r)
    }
  }
  return out
}

export interface RunOptions {
  config: DaemonConfig
  /** Re-read the config (file + flags) on SIGHUP; null when there is no file. */
  reload: (() => DaemonConfig) | null
  io: CliIO
  ffi: 'auto' | 'fallback'
  /** Resolves when the daemon should stop (tests); signals also stop it. */
  until?: Promise<unknown>
}

/** Run until SIGTERM/SIGINT (or `until`); resolves to the exit code. */
export async function runDaemon(opts: RunOptions): Promise<number> {
  const { io } = opts
  let config = opts.config
  const logger = makeLogger(io, config.log.level)
  const profile = resolveProfile(config.profile)
  const control: ProcessControl = await loadProcessControl(opts.ffi)
  for (const note of control.features.notes) logger.warn({ event: 'ffi' }, note)
  // A recognisable comm ("oomkit-daemon") lets other tools match the daemon by name.
  control.setName('oomkit-daemon')
  const protection = protectSelf(config.selfProtect, control)
  if (protection.oomScoreAdj.error)
    logger.warn(
      { event: 'self-protect', ...protection.oomScoreAdj },
      `could not set own oom_score_adj to ${protection.oomScoreAdj.wanted} (${protection.oomScoreAdj.error}); it stays ${protection.oomScoreAdj.actual}`
    )
  if (config.selfProtect.mlockall && !protection.mlockall.ok)
    logger.warn(
      { event: 'self-protect' },
      `mlockall not in effect: ${protection.mlockall.error ?? 'unknown'}`
    )
  const source = createHostMemorySource(new LiveHostSource('/'))
  const journal = new Journal(config.journal)
  // prom-client costs ~5 MB of heap: load it only when metrics are on.
  let metrics: DaemonMetrics | null = null
  let server: Server | null = null
  if (config.metrics.enabled) {
    const m = await import('./metrics.ts')
    metrics = new m.DaemonMetrics()
    server = await m.serveMetrics(metrics, config.metrics.listen, config.metrics.allowNonLoopback)
  }
  const notifier = createNotifier(config.notify.desktop, io.env)
  const memTotalKb = source.meminfo().memTotalKb
  let watchdog: Watchdog | null = null
  if (config.selfProtect.watchdog.enabled) {
    watchdog = startWatchdog(watchdogConfig(config, memTotalKb))
    watchdog.onFire(info => logger.error({ event: 'watchdog', ...info }, 'watchdog fired'))
  }
  const daemon = new Daemon(config, {
    source,
    control,
    logger,
    journal,
    metrics,
    notifier,
    profile,
    env: io.env,
    heartbeat: wall => watchdog?.beat(wall)
  })
  const triggers = await openTriggers(config, daemon, logger)

  const onHup = (): void => {
    if (!opts.reload) {
      logger.warn({ event: 'reload' }, 'SIGHUP: no config file to reload')
      return
    }
    try {
      config = opts.reload()
      daemon.reload(config)
      watchdog?.update(watchdogConfig(config, memTotalKb))
    } catch (error) {
      const line = error instanceof UserError ? error.line() : String(error)
      logger.error({ event: 'reload-failed' }, `reload failed, keeping the running config: ${line}`)
    }
  }
  const onStop = (): void => daemon.stop()
  process.on('SIGHUP', onHup)
  process.on('SIGTERM', onStop)
  process.on('SIGINT', onStop)
  // Announced only now: a SIGHUP or SIGTERM sent on seeing this line finds its handler.
  logger.info(
    {
      event: 'start',
      profile: profile.name,
      backend: control.features,
      oomScoreAdj: protection.oomScoreAdj.actual,
      mlockall: protection.mlockall.ok,
      notify: notifier.why,
      metrics: server ? config.metrics.listen : null,
      journal: config.journal,
      dryRun: config.kill.dryRun,
      cgroups: config.cgroups.map(c => c.path),
      rssBytes: process.memoryUsage.rss()
    },
    `oomkit daemon started (kernel profile ${profile.name}, ${control.features.backend} backend${config.kill.dryRun ? ', dry run' : ''})`
  )
  void opts.until?.then(onStop)
  try {
    await daemon.run()
  } finally {
    process.off('SIGHUP', onHup)
    process.off('SIGTERM', onStop)
    process.off('SIGINT', onStop)
    if (server) await new Promise(resolve => server.close(resolve))
    await watchdog?.stop()
    for (const t of triggers) t.close()
    // V8 cannot free locked heap pages at teardown: unlock before returning.
    control.unlockMemory()
    logger.info({ event: 'stop' }, 'oomkit daemon stopped')
  }
  return 0
}
