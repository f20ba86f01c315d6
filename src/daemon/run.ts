/**
 * @module Starting and stopping the daemon for real: the services (services.ts), the loop, PSI
 * wake-ups, and signal handling (SIGHUP reloads the config, SIGTERM/SIGINT stop). The CLI
 * command calls `runDaemon` with its IO, which only needs to provide `DaemonIO`.
 */
import { release } from 'node:os'
import { jsonLogger } from './log.ts'
import type { Logger } from './log.ts'
import { UserError } from '../errors.ts'
import { sharedFdWatch } from '../adapters/pidfd/fd-watch.ts'
import { findProfile, profileForRelease } from '../kernel/profiles.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import type { DaemonConfig } from './config-schema.ts'
import { CgroupWakeups } from './cgroup-wakeups.ts'
import { Daemon } from './daemon.ts'
import { watchKernelKills } from './kernel-kills.ts'
import { openPsiWakeups } from './psi-wakeups.ts'
import { startServices, stopServices, watchdogConfig } from './services.ts'
import type { Services } from './services.ts'

/** What the daemon needs of its caller's I/O: where log lines go, and the environment. */
export interface DaemonIO {
  readonly stderr: { write(chunk: string): unknown }
  readonly env: Readonly<Record<string, string | undefined>>
}

/** The kernel profile the config asks for ('auto' = this kernel's release). */
export function resolveProfile(name: string): KernelProfile {
  if (name === 'auto') return profileForRelease(release())
  const p = findProfile(name)
  if (!p) throw new UserError(`profile: unknown kernel profile "${name}"`)
  return p
}

/** The daemon's JSON-lines logger on stderr (log.ts; pino's line shape). */
export function makeLogger(io: DaemonIO, level: string): Logger {
  return jsonLogger(level, 'oomkit-daemon', io.stderr)
}

export interface RunOptions {
  config: DaemonConfig
  /** Re-read the config (file + flags) on SIGHUP; null when there is no file. */
  reload: (() => DaemonConfig) | null
  io: DaemonIO
  ffi: 'auto' | 'fallback'
  /** Resolves when the daemon should stop (tests); signals also stop it. */
  until?: Promise<unknown>
}

/**
 * A watched cgroup that does not exist is a warning, not an error: it may be created later (a
 * unit started after the daemon), and the daemon watches it from the moment it appears. Said at
 * start and at each reload, so a typo does not go unnoticed.
 */
export function warnMissingCgroups(
  config: DaemonConfig,
  s: Pick<Services, 'source'>,
  logger: Logger
): void {
  for (const c of config.cgroups)
    if (s.source.cgroup(c.path) === null)
      logger.warn(
        { event: 'cgroup-missing', cgroup: c.path },
        `watched cgroup ${c.path} does not exist (or has no memory controller); watching for it`
      )
}

/** SIGHUP reloads (keeping the running config when the new one is bad), SIGTERM/SIGINT stop.
 * Returns the function that removes the handlers. */
function handleSignals(opts: RunOptions, daemon: Daemon, s: Services, logger: Logger): () => void {
  const onHup = (): void => {
    if (!opts.reload) {
      logger.warn({ event: 'reload' }, 'SIGHUP: no config file to reload')
      return
    }
    try {
      const config = opts.reload()
      daemon.reload(config)
      warnMissingCgroups(config, s, logger)
      s.watchdog?.update(watchdogConfig(config, s.memTotalKb))
    } catch (error) {
      const line = error instanceof UserError ? error.line() : String(error)
      logger.error({ event: 'reload-failed' }, `reload failed, keeping the running config: ${line}`)
    }
  }
  const onStop = (): void => daemon.stop()
  process.on('SIGHUP', onHup)
  process.on('SIGTERM', onStop)
  process.on('SIGINT', onStop)
  return () => {
    process.off('SIGHUP', onHup)
    process.off('SIGTERM', onStop)
    process.off('SIGINT', onStop)
  }
}

function announceStart(config: DaemonConfig, profile: KernelProfile, s: Services, logger: Logger) {
  const { control, protection } = s
  const backend =
    s.lazyControl && !s.lazyControl.ready
      ? 'koffi backend loaded when a kill is near'
      : `${control.features.backend} backend`
  logger.info(
    {
      event: 'start',
      profile: profile.name,
      backend:
        s.lazyControl?.ready === false ? { backend: 'koffi', loaded: false } : control.features,
      oomScoreAdj: protection.oomScoreAdj.actual,
      mlockall: protection.mlockall.ok,
      notify: s.notifier.why,
      metrics: s.server ? config.metrics.listen : null,
      journal: config.journal,
      dryRun: config.kill.dryRun,
      cgroups: config.cgroups.map(c => c.path),
      rssBytes: process.memoryUsage.rss()
    },
    `oomkit daemon started (kernel profile ${profile.name}, ${backend}${config.kill.dryRun ? ', dry run' : ''})`
  )
}

/** Kernel memory thresholds for watched v1 cgroups, through koffi (none with --no-ffi, and
 * none without watched cgroups: koffi then stays unloaded until a kill is near). */
async function cgroupWakeups(
  opts: RunOptions,
  wake: () => void,
  logger: Logger
): Promise<CgroupWakeups | null> {
  if (opts.ffi === 'fallback' || opts.config.cgroups.length === 0) return null
  const watch = await sharedFdWatch()
  return watch ? new CgroupWakeups(watch, wake, logger) : null
}

/** Load koffi's kill path once (Daemon calls it when a kill is near); says once if it cannot. */
function killPathLoader(s: Services, logger: Logger): () => void {
  const lazy = s.lazyControl
  if (!lazy) return () => undefined
  let asked = false
  return () => {
    if (asked) return
    asked = true
    logger.info({ event: 'ffi' }, 'a kill is near: loading koffi (pidfd, process_mrelease)')
    void lazy.prepare().then(ok => {
      if (!ok)
        logger.warn(
          { event: 'ffi' },
          'koffi (optional dependency) is not installed or failed to load: signalling by pid with kill(2), no process_mrelease, no mlockall'
        )
    })
  }
}

/** Run until SIGTERM/SIGINT (or `until`); resolves to the exit code. */
export async function runDaemon(opts: RunOptions): Promise<number> {
  const { io, config } = opts
  const logger = makeLogger(io, config.log.level)
  const profile = resolveProfile(config.profile)
  const s = await startServices(config, { ffi: opts.ffi, env: io.env }, logger)
  const kernelKills = watchKernelKills({ journal: s.journal, metrics: s.metrics, logger })
  const thresholds = await cgroupWakeups(opts, () => daemon.wakeUp(), logger)
  const daemon: Daemon = new Daemon(config, {
    source: s.source,
    control: s.control,
    logger,
    journal: s.journal,
    metrics: s.metrics,
    notifier: s.notifier,
    profile,
    env: io.env,
    calmBelow: (c, cgroups) => thresholds?.calmBelow(c, cgroups) ?? {},
    prepareKill: killPathLoader(s, logger),
    // After every tick: the watchdog's heartbeat, and the kernel's own kills logged since.
    heartbeat: wall => {
      s.watchdog?.beat(wall)
      kernelKills?.poll()
    }
  })
  const wakeups = await openPsiWakeups(config, () => daemon.wakeUp(), logger)
  const unhandle = handleSignals(opts, daemon, s, logger)
  // Announced only now: a SIGHUP or SIGTERM sent on seeing this line finds its handler.
  announceStart(config, profile, s, logger)
  warnMissingCgroups(config, s, logger)
  void opts.until?.then(() => daemon.stop())
  try {
    await daemon.run()
  } finally {
    unhandle()
    for (const t of wakeups) t.close()
    thresholds?.close()
    kernelKills?.poll()
    kernelKills?.stop()
    await stopServices(s)
    logger.info({ event: 'stop' }, 'oomkit daemon stopped')
  }
  return 0
}
