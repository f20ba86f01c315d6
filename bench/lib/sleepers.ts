/**
 * @module Extra sleeping processes for the host-size figures: one shell in its own process group
 * starts N `sleep`s; `stop()` kills the whole group and waits for the PIDs to go.
 */
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))

export function pidCount(): number {
  return readdirSync('/proc').filter(n => /^\d+$/.test(n)).length
}

export async function startSleepers(n: number): Promise<{ stop(): Promise<void> }> {
  const before = pidCount()
  const sh = spawn(
    'sh',
    ['-c', `i=0; while [ $i -lt ${n} ]; do sleep 600 & i=$((i+1)); done; wait`],
    {
      detached: true,
      stdio: 'ignore'
    }
  )
  const pgid = sh.pid!
  const stop = async (): Promise<void> => {
    try {
      process.kill(-pgid, 'SIGKILL')
    } catch {
      // already gone
    }
    const deadline = Date.now() + 20_000
    while (pidCount() > before + 50 && Date.now() < deadline) await sleep(100)
  }
  const deadline = Date.now() + 60_000
  while (pidCount() < before + n && Date.now() < deadline) await sleep(100)
  if (pidCount() < before + n) {
    await stop()
    throw new Error(`could not start ${n} sleeping processes`)
  }
  return { stop }
}
