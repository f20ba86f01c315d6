/**
 * @module The watchdog: a helper process (watchdog-helper.ts, bash) that watches the main loop's
 * heartbeat. If the loop has not beaten for `timeoutMs` and a watched scope is past its kill
 * stage, the helper acts in that scope (cgroup.kill or the cgroup's largest process; sysrq-f for
 * the system trigger), or only logs with action 'log'. The loop announces its own waits by
 * beating into the future, so they are never taken for a stall. A helper process rather than a
 * worker thread: no second V8 isolate in the daemon (~5.5 MiB of RSS; issue 20), and it goes on
 * even when the daemon's whole process is stuck.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import type { Readable } from 'node:stream'
import type { Threshold } from './units.ts'
import { WATCHDOG_HELPER_SOURCE } from './watchdog-helper.ts'

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

/** What the helper did. */
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

/** bash, where the helper runs; null when there is none. */
export function findBash(): string | null {
  return ['/bin/bash', '/usr/bin/bash'].find(p => existsSync(p)) ?? null
}

const field = (s: string): string => s.replace(/[\t\n]/g, ' ')

/** The helper's settings lines. */
function configLines(c: WatchdogConfig): string {
  const head = ['C', c.timeoutMs, c.action, Math.floor(c.killBelowBytes), c.meminfo, c.sysrq]
  const lines = [head.map(v => field(String(v))).join('\t')]
  for (const g of c.cgroups ?? []) {
    const [kind, value] =
      g.kill.kind === 'percent' ? ['p', Math.round(g.kill.value * 100)] : ['b', g.kill.value]
    lines.push(['G', kind, Math.floor(value), field(g.path)].join('\t'))
  }
  return lines.join('\n') + '\n'
}

/** The helper's `F` lines as they arrive. */
function onFireLines(out: Readable, cb: (info: WatchdogFire) => void): void {
  let pending = ''
  out.on('data', (b: Buffer) => {
    const lines = (pending + b.toString()).split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      const [tag, stale, scope, acted, avail] = line.split('\t')
      if (tag !== 'F' || scope === undefined || acted === undefined) continue
      cb({ stale: Number(stale), scope, acted, availKb: avail ? Number(avail) : null })
    }
  })
}

/** Start the helper (unref'd: it never keeps the daemon alive; it exits when the daemon does).
 * Throws when there is no bash. */
export function startWatchdog(config: WatchdogConfig): Watchdog {
  const bash = findBash()
  if (!bash) throw new Error('no bash at /bin/bash or /usr/bin/bash')
  const child = spawn(
    bash,
    ['--noprofile', '--norc', '-c', WATCHDOG_HELPER_SOURCE, 'oomkit-watchdog'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }
    }
  )
  const stdin = child.stdin
  stdin.on('error', () => undefined)
  child.unref()
  ;(stdin as unknown as { unref?: () => void }).unref?.()
  ;(child.stdout as unknown as { unref?: () => void }).unref?.()
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  let timeoutMs = config.timeoutMs
  let deadline = 0
  const send = (text: string): void => {
    if (stdin.writable) stdin.write(text)
  }
  send(configLines(config))
  return {
    beat(nowWallMs: number) {
      // A write wakes the helper: only when it moves the deadline by more than a quarter of
      // the timeout (a loop polling every 100 ms beats far more often than that).
      const now = Date.now()
      const next = Math.max(now, nowWallMs) + timeoutMs
      if (next - deadline <= timeoutMs / 4) return
      deadline = next
      send(`B\t${Math.max(0, Math.round(nowWallMs - now))}\n`)
    },
    update(next: WatchdogConfig) {
      timeoutMs = next.timeoutMs
      deadline = 0
      send(configLines(next))
    },
    async stop() {
      send('Q\n')
      stdin.end()
      const timer = setTimeout(() => child.kill('SIGKILL'), 1000)
      await exited
      clearTimeout(timer)
    },
    onFire(cb) {
      onFireLines(child.stdout, cb)
    }
  }
}
