/** @module Starting pre-kill/post-kill hooks without waiting, tracked so stop() lets them finish. */
import type { Logger } from 'pino'
import type { DaemonConfig } from './config-schema.ts'
import { hookEnv, runHook } from './hooks.ts'
import type { HookVictim } from './hooks.ts'

export class HookRunner {
  private readonly pending = new Set<Promise<unknown>>()
  private readonly logger: Logger
  private readonly env: Readonly<Record<string, string | undefined>>

  constructor(logger: Logger, env: Readonly<Record<string, string | undefined>>) {
    this.logger = logger
    this.env = env
  }

  /** Start the stage's hook, if configured; returns its promise (exit code, null on timeout). */
  fire(
    hooks: DaemonConfig['hooks'],
    stage: 'pre-kill' | 'post-kill',
    victim: HookVictim
  ): Promise<number | null> | null {
    const command = stage === 'pre-kill' ? hooks.preKill : hooks.postKill
    if (!command) return null
    const p = runHook(command, hookEnv(stage, victim), hooks.timeout, this.env).then(code => {
      this.pending.delete(p)
      if (code !== 0)
        this.logger.warn(
          { event: 'hook', stage, code },
          `${stage} hook exited with ${code ?? 'a timeout'}`
        )
      return code
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
