/**
 * @module Event-driven PSI: register a trigger on /proc/pressure/memory (or a v2 cgroup's
 * memory.pressure) and wait for POLLPRI in the daemon's one poll(2) (fd-watch.ts, on koffi's
 * worker pool, since Node cannot wait for POLLPRI itself; no timeout, so no idle wake-ups). The
 * kernel's rules for callers without CAP_SYS_RESOURCE apply: the window must be a multiple of 2 s
 * (and 500 ms..10 s), and the trigger string is written NUL-terminated. Without koffi there is no
 * trigger: `openPsiTrigger` says why.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { POLLPRI, sharedFdWatch } from './fd-watch.ts'

/** A registered trigger; `close()` stops waiting. */
/** The cgroup's `memory.pressure` file, or null when the cgroup has none (v1, or PSI off). */
export function cgroupPressureFile(cgroupDir: string): string | null {
  const file = join(cgroupDir, 'memory.pressure')
  return existsSync(file) ? file : null
}

export interface PsiTrigger {
  readonly spec: string
  close(): void
}

/** Why a trigger could not be opened. */
export interface PsiTriggerError {
  error: string
}

/** Check the kernel's unprivileged limits (psi_trigger_create): window 500 ms..10 s, a multiple of 2 s. */
export function psiTriggerProblem(
  stallMs: number,
  windowMs: number,
  privileged: boolean
): string | null {
  if (windowMs < 500 || windowMs > 10_000) return `window ${windowMs} ms is outside 500 ms..10 s`
  if (!privileged && windowMs % 2000 !== 0)
    return `window ${windowMs} ms must be a multiple of 2 s without CAP_SYS_RESOURCE`
  if (stallMs <= 0 || stallMs > windowMs) return `stall ${stallMs} ms must be within the window`
  return null
}

/**
 * Register `<metric> <stall us> <window us>` on `path` and call `onEvent` each time the kernel
 * signals it. Resolves to the trigger, or an error message (no koffi, EINVAL, no PSI).
 */
export async function openPsiTrigger(
  path: string,
  metric: 'some' | 'full',
  stallMs: number,
  windowMs: number,
  onEvent: () => void
): Promise<PsiTrigger | PsiTriggerError> {
  const watch = await sharedFdWatch()
  if (!watch)
    return { error: 'koffi is not installed: PSI is polled (avg10) instead of event-driven' }
  let fd: number
  const spec = `${metric} ${Math.round(stallMs * 1000)} ${Math.round(windowMs * 1000)}`
  try {
    fd = openSync(path, 'r+')
  } catch (error) {
    return { error: `cannot open ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` }
  }
  try {
    // The kernel parses the trigger with sscanf on a copy of the buffer: it must end in NUL.
    writeSync(fd, `${spec}\0`)
  } catch (error) {
    closeSync(fd)
    return {
      error: `trigger "${spec}" refused: ${(error as NodeJS.ErrnoException).code ?? 'error'}`
    }
  }
  let open = true
  const close = (): void => {
    if (!open) return
    open = false
    watch.remove(fd)
    closeSync(fd)
  }
  watch.add(fd, POLLPRI, {
    onEvent: () => onEvent(),
    // The cgroup was removed (psi_trigger_poll() reports POLLERR): the trigger is gone.
    onGone: () => {
      open = false
      closeSync(fd)
    }
  })
  return { spec, close }
}
