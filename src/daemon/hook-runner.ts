/** @module Starting pre-kill/post-kill hooks without waiting, tracked so stop() lets them finish
 * and so their processes (each hook leads its own session) are never chosen as victims. */
import type { Logger } from './log.ts'
import type { DaemonConfig } from './config-schema.ts'
import { hookEnv, runHook } from './hooks.ts'
import type { HookOutcome, HookVictim } from './hooks.ts'

/** Sessions of this many recent hooks stay excluded (what a hook left running included). */
const SESSIONS_KEPT = 64

function describe(o: HookOutcome): string | null {
  if (o.kind === 'timeout') return 'was killed at its timeout (with its whole process group)'
  if (o.kind === 'spawn-failed') return `could not start: ${o.errno}`
  if (o.code === 0) return null
  return o.code === null ? `was killed by ${o.signal ?? 'a signal'}` : `exited with ${o.code}`
}

export class HookRunner {
  private readonly pending = new Set<Promise<unknown>>()
  private readonly logger: Logger
  /** Session ids (= pids) of recent hooks, oldest first. */
  readonly sessions = new Set<number>()

  constructor(logger: Logger) {
    this.logger = logger
  }

  private started(pid: number): void {
    this.sessions.add(pid)
    for (const old of this.sessions) {
      if (this.sessions.size <= SESSIONS_KEPT) break
      this.sessions.delete(old)
    }
  }

  /** Start the stage's hook, if configured; returns its promise (how it ended). */
  fire(
    hooks: DaemonConfig['hooks'],
    stage: 'pre-kill' | 'post-kill',
    victim: HookVictim
  ): Promise<HookOutcome> | null {
    const command = stage === 'pre-kill' ? hooks.preKill : hooks.postKill
    if (!command) return null
    const stdin = JSON.stringify({ hook: stage, victim })
    const p = runHook(command, hookEnv(stage, victim), hooks.timeout, stdin, pid =>
      this.started(pid)
    ).then(outcome => {
      this.pending.delete(p)
      const what = describe(outcome)
      if (what) this.logger.warn({ event: 'hook', stage, ...outcome }, `${stage} hook ${what}`)
      return outcome
    })
    this.pending.add(p)
    return p
  }

  /** Wait for a hook for at most `ms`. */
  async wait(hook: Promise<unknown>, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([hook, new Promise(r => (timer = setTimeout(r, ms)))])
    clearTimeout(timer)
  }

  /** Wait for every hook still running. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.pending])
  }
}
