/**
 * @module The FFI backend: libc's syscall(2) through koffi for pidfd_open, pidfd_send_signal and
 * process_mrelease, plus mlockall/munlockall. koffi is an optional dependency and is imported
 * lazily; `createKoffiControl()` resolves to null when it cannot be loaded.
 */
import { closeSync, readFileSync } from 'node:fs'
import type {
  ControlFeatures,
  KillSignal,
  OpResult,
  ProcessControl,
  ProcessHandle
} from './process-control.ts'
import {
  MLOCK_ONFAULT,
  PR_SET_NAME,
  SIGNALS,
  SYS_PIDFD_OPEN,
  SYS_PIDFD_SEND_SIGNAL,
  SYS_PROCESS_MRELEASE,
  errnoName
} from './syscalls.ts'

interface KoffiLike {
  load(path: string): { func(signature: string): (...args: unknown[]) => unknown }
  errno(): number
}

function fail(errno: number, what: string): { ok: false; errno: string; message: string } {
  const name = errnoName(errno)
  return { ok: false, errno: name, message: `${what} failed: ${name}` }
}

/** The koffi backend, or null when koffi or libc cannot be loaded. */
export async function createKoffiControl(): Promise<ProcessControl | null> {
  let koffi: KoffiLike
  try {
    const mod = (await import('koffi')) as { default?: KoffiLike } & KoffiLike
    koffi = mod.default ?? mod
  } catch {
    return null
  }
  let syscall: (...args: unknown[]) => unknown
  let mlock2: (addr: bigint, len: bigint, flags: number) => unknown
  let munlockall: () => unknown
  let prctl: (option: number, arg2: string, a3: number, a4: number, a5: number) => unknown
  try {
    const libc = koffi.load('libc.so.6')
    syscall = libc.func('long syscall(long number, ...)')
    mlock2 = libc.func('int mlock2(uintptr_t addr, size_t len, unsigned int flags)')
    munlockall = libc.func('int munlockall()')
    prctl = libc.func(
      'int prctl(int option, const char *arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)'
    )
  } catch {
    return null
  }
  const features: ControlFeatures = {
    backend: 'koffi',
    pidfd: true,
    mrelease: true,
    mlockall: true,
    notes: []
  }
  // Probe pidfd_open on ourselves once: kernels < 5.3 answer ENOSYS.
  const probe = Number(syscall(SYS_PIDFD_OPEN, 'int', process.pid, 'uint', 0))
  if (probe < 0) {
    features.pidfd = false
    features.mrelease = false
    features.notes.push(
      `pidfd_open unavailable (${errnoName(koffi.errno())}): signalling by pid with kill(2)`
    )
  } else {
    closeSync(probe)
  }

  const control: ProcessControl = {
    features,
    open(pid: number) {
      if (!features.pidfd) {
        try {
          process.kill(pid, 0)
          return { ok: true, handle: { pid, fd: -1 } }
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
          return { ok: false, errno: code, message: `kill(${pid}, 0) failed: ${code}` }
        }
      }
      const fd = Number(syscall(SYS_PIDFD_OPEN, 'int', pid, 'uint', 0))
      if (fd < 0) return fail(koffi.errno(), `pidfd_open(${pid})`)
      return { ok: true, handle: { pid, fd } }
    },
    signal(handle: ProcessHandle, signal: KillSignal): OpResult {
      if (handle.fd < 0) {
        try {
          process.kill(handle.pid, signal)
          return { ok: true }
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
          return { ok: false, errno: code, message: `kill(${handle.pid}) failed: ${code}` }
        }
      }
      const r = Number(
        syscall(
          SYS_PIDFD_SEND_SIGNAL,
          'int',
          handle.fd,
          'int',
          SIGNALS[signal],
          'void *',
          null,
          'uint',
          0
        )
      )
      return r < 0
        ? fail(koffi.errno(), `pidfd_send_signal(${handle.pid}, ${signal})`)
        : { ok: true }
    },
    mrelease(handle: ProcessHandle): OpResult {
      if (!features.mrelease || handle.fd < 0)
        return { ok: false, errno: 'ENOSYS', message: 'process_mrelease unavailable' }
      const r = Number(syscall(SYS_PROCESS_MRELEASE, 'int', handle.fd, 'uint', 0))
      if (r >= 0) return { ok: true }
      const errno = koffi.errno()
      // Kernels < 5.15 have no process_mrelease: stop trying and say so once.
      if (errnoName(errno) === 'ENOSYS') {
        features.mrelease = false
        features.notes.push(
          'process_mrelease unavailable (ENOSYS): relying on the exit path to free memory'
        )
      }
      return fail(errno, `process_mrelease(${handle.pid})`)
    },
    close(handle: ProcessHandle): void {
      if (handle.fd < 0) return
      try {
        closeSync(handle.fd)
      } catch {
        /* already closed */
      }
    },
    lockMemory(): OpResult {
      // Not mlockall(): V8 discards freed heap pages with madvise() and changes code-space
      // protections, and aborts when either fails on locked memory. Instead lock every
      // file-backed mapping (node's text, libc, addons) on fault: the code the daemon has run
      // stays resident, so it cannot stall re-reading its own binary under memory pressure.
      let maps: string
      try {
        maps = readFileSync('/proc/self/maps', 'utf8')
      } catch {
        return { ok: false, errno: 'ENOENT', message: 'cannot read /proc/self/maps' }
      }
      for (const line of maps.split('\n')) {
        const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \d+\s+(\/.*)$/.exec(line)
        if (!m || (m[3] ?? '').startsWith('---')) continue
        const start = BigInt(`0x${m[1] ?? '0'}`)
        const end = BigInt(`0x${m[2] ?? '0'}`)
        if (Number(mlock2(start, end - start, MLOCK_ONFAULT)) < 0)
          return fail(koffi.errno(), `mlock2(${m[4] ?? '?'})`)
      }
      return { ok: true }
    },
    unlockMemory(): void {
      munlockall()
    },
    setName(name: string): OpResult {
      const r = Number(prctl(PR_SET_NAME, name.slice(0, 15), 0, 0, 0))
      return r < 0 ? fail(koffi.errno(), 'prctl(PR_SET_NAME)') : { ok: true }
    }
  }
  return control
}
