/**
 * @module Pre-kill and post-kill hook commands, run with /bin/sh -c and the victim in environment
 * variables (OOMKIT_* plus earlyoom's EARLYOOM_PID/UID/NAME/CMDLINE for drop-in scripts).
 */
import { spawn } from 'node:child_process'

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

/** The environment a hook gets (documented in docs/daemon.md, "Hooks"). */
export function hookEnv(stage: 'pre-kill' | 'post-kill', v: HookVictim): Record<string, string> {
  const env: Record<string, string> = {
    OOMKIT_HOOK: stage,
    OOMKIT_PID: String(v.pid),
    OOMKIT_UID: String(v.uid),
    OOMKIT_NAME: v.comm,
    OOMKIT_CMDLINE: v.cmdline,
    OOMKIT_CGROUP: v.memcg,
    OOMKIT_RSS_KB: String(v.rssKb),
    OOMKIT_SIGNAL: v.signal,
    OOMKIT_REASON: v.reason,
    OOMKIT_DRY_RUN: v.dryRun ? '1' : '0',
    EARLYOOM_PID: String(v.pid),
    EARLYOOM_UID: String(v.uid),
    EARLYOOM_NAME: v.comm,
    EARLYOOM_CMDLINE: v.cmdline
  }
  if (stage === 'post-kill') {
    env.OOMKIT_EXIT_MS = v.timeToExitMs == null ? '' : String(Math.round(v.timeToExitMs))
    env.OOMKIT_FREED_KB = v.memoryFreedKb == null ? '' : String(Math.round(v.memoryFreedKb))
  }
  return env
}

/**
 * Run a hook; resolves with its exit code (null if killed at `timeoutMs` or not started). Never
 * throws: a failing hook must not stop a kill.
 */
export function runHook(
  command: string,
  env: Record<string, string>,
  timeoutMs: number,
  baseEnv: Readonly<Record<string, string | undefined>>
): Promise<number | null> {
  return new Promise(resolve => {
    let child
    try {
      child = spawn('/bin/sh', ['-c', command], { env: { ...baseEnv, ...env }, stdio: 'ignore' })
    } catch {
      resolve(null)
      return
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('error', () => {
      clearTimeout(timer)
      resolve(null)
    })
    child.once('exit', code => {
      clearTimeout(timer)
      resolve(code)
    })
  })
}
