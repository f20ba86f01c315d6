/**
 * @module Loading koffi (an optional dependency, imported lazily) and binding the libc functions
 * the koffi backend calls: syscall(2), mlock2, munlockall, prctl, poll.
 */

/** The part of koffi we use. */
export interface KoffiLike {
  load(path: string): { func(signature: string): KoffiFn }
  errno(): number
}

/** A bound C function; `async` runs it on koffi's worker pool. */
type KoffiFn = ((...args: unknown[]) => unknown) & {
  async: (...args: unknown[]) => void
}

/** libc entry points bound through koffi, and koffi's errno. */
export interface Libc {
  syscall: (...args: unknown[]) => unknown
  mlock2: (addr: bigint, len: bigint, flags: number) => unknown
  munlockall: () => unknown
  prctl: (option: number, arg2: string, a3: number, a4: number, a5: number) => unknown
  /** poll(2) on a raw `struct pollfd` buffer (8 bytes each). */
  poll: (fds: Buffer, nfds: number, timeout: number) => unknown
  /** poll(2) on koffi's worker pool; `cb` runs on the main thread. */
  pollAsync: (
    fds: Buffer,
    nfds: number,
    timeout: number,
    cb: (err: unknown, r: number) => void
  ) => void
  eventfd: (initval: number, flags: number) => unknown
  errno: () => number
}

/** koffi and libc.so.6, or null when either cannot be loaded. */
export async function loadLibc(): Promise<Libc | null> {
  let koffi: KoffiLike
  try {
    const mod = (await import('koffi')) as { default?: KoffiLike } & KoffiLike
    koffi = mod.default ?? mod
  } catch {
    return null
  }
  try {
    const libc = koffi.load('libc.so.6')
    const poll = libc.func('int poll(void *fds, unsigned long nfds, int timeout)')
    return {
      syscall: libc.func('long syscall(long number, ...)'),
      mlock2: libc.func('int mlock2(uintptr_t addr, size_t len, unsigned int flags)'),
      munlockall: libc.func('int munlockall()'),
      prctl: libc.func(
        'int prctl(int option, const char *arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)'
      ),
      poll,
      pollAsync: (fds, nfds, timeout, cb) => poll.async(fds, nfds, timeout, cb),
      eventfd: libc.func('int eventfd(unsigned int initval, int flags)'),
      errno: () => koffi.errno()
    }
  } catch {
    return null
  }
}
