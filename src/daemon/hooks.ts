/**
 * @module Pre-kill and post-kill hook commands, run with /bin/sh -c and the victim in environment
 * variables (OOMKIT_* plus earlyoom's EARLYOOM_PID/UID/NAME/CMDLINE for drop-in scripts) and, in
 * full, as one JSON object on stdin. A hook gets a clean environment (nothing of the daemon's
 * own), leads its own session and process group (killed whole on timeout), and no variable is
 * long enough to make exec fail (E2BIG: one string over 128 KiB, or all over the argument limit).
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'

/** The victim as the hooks see it. */
export interface HookVictim {
  pid: number
  uid: number
  comm: string
  cmdline: string
  memcg: string
  rssKb: number
  signal: string
  reason: string
  dryRun: boolean
  /** Post-kill only. */
  timeToExitMs?: number | null
  memoryFreedKb?: number | null
}

/** The environment a hook starts with, and nothing else of the daemon's. */
export const HOOK_BASE_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8'
}

/** A variable's value is cut to this many characters (the full victim is on stdin). */
export const HOOK_VALUE_MAX = 4096

const cut = (v: string): string => (v.length > HOOK_VALUE_MAX ? v.slice(0, HOOK_VALUE_MAX) : v)

/** The environment a hook gets (documented in docs/daemon.md, "Hooks"). */
export function hookEnv(stage: 'pre-kill' | 'post-kill', v: HookVictim): Record<string, string> {
  const env: Record<string, string> = {
    ...HOOK_BASE_ENV,
    OOMKIT_HOOK: stage,
    OOMKIT_PID: String(v.pid),
    OOMKIT_UID: String(v.uid),
    OOMKIT_NAME: v.comm,
    OOMKIT_CMDLINE: cut(v.cmdline),
    OOMKIT_CGROUP: cut(v.memcg),
    OOMKIT_RSS_KB: String(v.rssKb),
    OOMKIT_SIGNAL: v.signal,
    OOMKIT_REASON: v.reason,
    OOMKIT_DRY_RUN: v.dryRun ? '1' : '0',
    EARLYOOM_PID: String(v.pid),
    EARLYOOM_UID: String(v.uid),
    EARLYOOM_NAME: v.comm,
    EARLYOOM_CMDLINE: cut(v.cmdline)
  }
  if (stage === 'post-kill') {
    env.OOMKIT_EXIT_MS = v.timeToExitMs == null ? '' : String(Math.round(v.timeToExitMs))
    env.OOMKIT_FREED_KB = v.memoryFreedKb == null ? '' : String(Math.round(v.memoryFreedKb))
  }
  return env
}

/** How a hook ended: its exit code, killed at the timeout, or never started (with the errno). */
export type HookOutcome =
  | { kind: 'exit'; code: number | null; signal: string | null }
  | { kind: 'timeout' }
  | { kind: 'spawn-failed'; errno: string }

/** SIGKILL a hook's whole process group (it leads it: detached). */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
  } catch {
    /* already gone */
  }
}

/**
 * Run a hook; never throws (a failing hook must not stop a kill). `onStart` gets its pid, which
 * is also its session and process group id.
 */
export function runHook(
  command: string,
  env: Record<string, string>,
  timeoutMs: number,
  stdinJson: string,
  onStart: (pid: number) => void = () => undefined
): Promise<HookOutcome> {
  return new Promise(resolve => {
    let child: ChildProcess
    try {
      child = spawn('/bin/sh', ['-c', command], {
        env,
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore']
      })
    } catch (error) {
      resolve({ kind: 'spawn-failed', errno: (error as NodeJS.ErrnoException).code ?? 'EIO' })
      return
    }
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child)
    }, timeoutMs)
    child.once('error', error => {
      clearTimeout(timer)
      resolve({ kind: 'spawn-failed', errno: (error as NodeJS.ErrnoException).code ?? 'EIO' })
    })
    child.once('spawn', () => {
      if (child.pid !== undefined) onStart(child.pid)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve(timedOut ? { kind: 'timeout' } : { kind: 'exit', code, signal })
    })
    // A hook that does not read its stdin closes the pipe: EPIPE is not an error here.
    child.stdin?.on('error', () => undefined)
    child.stdin?.end(stdinJson + '\n')
  })
}
