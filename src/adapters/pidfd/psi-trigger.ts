/**
 * @module Event-driven PSI: register a trigger on /proc/pressure/memory (or a v2 cgroup's
 * memory.pressure) and wait for POLLPRI with poll(2) on koffi's worker pool, since Node cannot
 * wait for POLLPRI itself. The kernel's rules for callers without CAP_SYS_RESOURCE apply: the
 * window must be a multiple of 2 s (and 500 ms..10 s), and the trigger string is written
 * NUL-terminated. Without koffi there is no trigger: `openPsiTrigger` says why.
 */
import { closeSync, openSync, writeSync } from 'node:fs'

/** poll(2) event bits. */
const POLLPRI = 0x002
const POLLERR = 0x008

interface KoffiPoll {
  struct(name: string, def: Record<string, string>): unknown
  load(path: string): { func(signature: string): PollFn }
}
interface PollFn {
  async(
    fds: { fd: number; events: number; revents: number },
    n: number,
    timeout: number,
    cb: (err: unknown, r: number) => void
  ): void
}

/** poll() bound once per process (koffi type names are global). */
let cachedPoll: PollFn | undefined

/** A registered trigger; `close()` stops waiting. */
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
  let koffi: KoffiPoll
  try {
    const mod = (await import('koffi')) as { default?: KoffiPoll } & KoffiPoll
    koffi = mod.default ?? mod
  } catch {
    return { error: 'koffi is not installed: PSI is polled (avg10) instead of event-driven' }
  }
  let poll: PollFn
  try {
    if (!cachedPoll) {
      koffi.struct('oomkit_pollfd', { fd: 'int', events: 'short', revents: 'short' })
      cachedPoll = koffi
        .load('libc.so.6')
        .func('int poll(_Inout_ oomkit_pollfd *fds, unsigned long nfds, int timeout)')
    }
    poll = cachedPoll
  } catch (error) {
    return { error: `poll(2) through koffi unavailable: ${(error as Error).message}` }
  }
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
  const wait = (): void => {
    if (!open) return
    const fds = { fd, events: POLLPRI, revents: 0 }
    // Wake at least once a second so close() is noticed.
    poll.async(fds, 1, 1000, (err, r) => {
      if (!open) {
        closeSync(fd)
        return
      }
      if (err || r < 0 || (fds.revents & POLLERR) !== 0) {
        open = false
        closeSync(fd)
        return
      }
      if (r > 0 && (fds.revents & POLLPRI) !== 0) onEvent()
      wait()
    })
  }
  wait()
  return {
    spec,
    close() {
      open = false
    }
  }
}
