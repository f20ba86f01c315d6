/**
 * @module The kernel's own OOM kills: /dev/kmsg drained at each tick of the loop from the
 * daemon's start on (the backlog is skipped; kmsg-poll.ts), each kill journalled as a
 * `kernel-kill` record, counted in `oomkit_daemon_kernel_oom_kills_total{constraint,memcg}` and
 * logged as a warning. Without permission to read /dev/kmsg (CAP_SYSLOG, dmesg_restrict) the
 * daemon says so once and goes on without.
 */
import type { Logger } from './log.ts'
import { openKmsgPoll } from '../adapters/kmsg/kmsg-poll.ts'
import type { KmsgPoll } from '../adapters/kmsg/kmsg-poll.ts'
import type { Journal } from './journal.ts'
import { KernelKillParser } from './kernel-kill-parse.ts'
import type { KernelKill } from './kernel-kill-parse.ts'
import type { DaemonMetrics } from './metrics.ts'

/** Distinct memcg label values kept; further cgroups are counted as "other" (any user can
 * create cgroups in a delegated subtree: the label set must stay bounded). */
export const MEMCG_LABELS_MAX = 64

/** Where a kernel kill goes. */
export interface KernelKillSinks {
  journal: Journal
  metrics: DaemonMetrics | null
  logger: Logger
}

/** A running watcher: `poll()` at each tick. */
export interface KernelKillWatch {
  poll(): void
  stop(): void
}

/** Record one kill in the journal, the metrics and the log; `labels` bounds the memcg label. */
export function recordKernelKill(k: KernelKill, sinks: KernelKillSinks, labels: Set<string>): void {
  const memcg = k.oomMemcg ?? ''
  if (!labels.has(memcg) && labels.size < MEMCG_LABELS_MAX) labels.add(memcg)
  sinks.metrics?.kernelKills.inc({
    constraint: k.constraint,
    memcg: labels.has(memcg) ? memcg : 'other'
  })
  const reason = k.scope === 'unknown' ? 'kernel-oom' : `kernel-oom-${k.scope}`
  const time = new Date().toISOString()
  sinks.journal.writeKernelKill({ time, event: 'kernel-kill', reason, kernel: k })
  const where = k.oomMemcg !== null ? `memory cgroup ${k.oomMemcg}` : `${k.scope} scope`
  sinks.logger.warn(
    { event: 'kernel-kill', kernel: k },
    `the kernel's OOM killer killed pid ${k.pid} (${k.comm}) in ${where} (${k.constraint})`
  )
}

/** Start watching; null (and one warning) when /dev/kmsg cannot be read. */
export function watchKernelKills(
  sinks: KernelKillSinks,
  path = '/dev/kmsg'
): KernelKillWatch | null {
  let kmsg: KmsgPoll
  try {
    kmsg = openKmsgPoll(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    sinks.logger.warn(
      { event: 'kmsg', errno: code, path },
      `cannot read ${path} (${code}): the kernel's own OOM kills will not be journalled`
    )
    return null
  }
  const parser = new KernelKillParser()
  const labels = new Set<string>()
  let failed = false
  return {
    poll() {
      if (failed) return
      try {
        const { texts, lost } = kmsg.drain()
        if (lost > 0)
          sinks.logger.warn(
            { event: 'kmsg', lost },
            `${path}: ${lost} records were overwritten before they were read`
          )
        for (const text of texts) {
          const kill = parser.push(text)
          if (kill) recordKernelKill(kill, sinks, labels)
        }
      } catch (error) {
        failed = true
        sinks.logger.error(
          { event: 'kmsg', err: error },
          `${path}: read failed; kernel OOM kills are no longer journalled`
        )
      }
    },
    stop: () => kmsg.close()
  }
}
