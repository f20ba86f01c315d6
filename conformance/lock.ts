/**
 * @module One conformance run per machine at a time: the kernel's OOM ratelimit and the cgroup
 * names are machine-wide, so a second run (say `npm run conformance` while vitest runs the suite)
 * waits for the first. The lock is a file holding the owner's pid; a dead owner's lock is taken
 * over.
 */
import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const LOCK_PATH = join(tmpdir(), 'oomkit-conformance.lock')

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Take the lock, waiting up to `timeoutMs` for a live owner. Returns the release function. */
export async function acquireLock(
  timeoutMs = 10 * 60_000,
  onWait: (owner: number) => void = () => {}
): Promise<() => void> {
  const deadline = Date.now() + timeoutMs
  let told = false
  for (;;) {
    try {
      const fd = openSync(LOCK_PATH, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      let released = false
      return () => {
        if (released) return
        released = true
        try {
          if (readFileSync(LOCK_PATH, 'utf8') === String(process.pid)) unlinkSync(LOCK_PATH)
        } catch {
          // already gone
        }
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    let owner: number
    try {
      owner = Number(readFileSync(LOCK_PATH, 'utf8'))
    } catch {
      continue
    }
    if (!Number.isInteger(owner) || owner <= 0 || !alive(owner)) {
      try {
        unlinkSync(LOCK_PATH)
      } catch {
        // someone else took it over first
      }
      continue
    }
    if (Date.now() > deadline)
      throw new Error(`another conformance run (pid ${owner}) holds ${LOCK_PATH}`)
    if (!told) {
      onWait(owner)
      told = true
    }
    await new Promise(r => setTimeout(r, 500))
  }
}
