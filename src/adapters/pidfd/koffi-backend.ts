/**
 * @module The FFI backend: libc's syscall(2) through koffi for pidfd_open, pidfd_send_signal and
 * process_mrelease, plus mlock2/munlockall and prctl. `createKoffiControl()` resolves to null
 * when koffi or libc cannot be loaded (koffi-libc.ts).
 */
import { closeSync, readFileSync } from 'node:fs'
import { writeCgroupKill } from './cgroup-kill.ts'
import type {
  ControlFeatures,
  KillSignal,
  OpFailure,
  OpResult,
  ProcessControl,
  ProcessHandle
} from './control-types.ts'
import { loadLibc } from './koffi-libc.ts'
import type { Libc } from './koffi-libc.ts'
import {
  MLOCK_ONFAULT,
  PR_SET_NAME,
  SIGNALS,
  SYS_PIDFD_OPEN,
  SYS_PIDFD_SEND_SIGNAL,
  SYS_PROCESS_MRELEASE,
  errnoName
} from './syscalls.ts'

function fail(errno: number, what: string): OpFailure {
  const name = errnoName(errno)
  return { ok: false, errno: name, message: `${what} failed: ${name}` }
}

/** Features after probing pidfd_open on ourselves once: kernels < 5.3 answer ENOSYS. */
function probeFeatures(libc: Libc): ControlFeatures {
  const features: ControlFeatures = {
    backend: 'koffi',
    pidfd: true,
    mrelease: true,
    mlockall: true,
    notes: []
  }
  const probe = Number(libc.syscall(SYS_PIDFD_OPEN, 'int', process.pid, 'uint', 0))
  if (probe < 0) {
    features.pidfd = false
    features.mrelease = false
    features.notes.push(
      `pidfd_open unavailable (${errnoName(libc.errno())}): signalling by pid with kill(2)`
    )
  } else {
    closeSync(probe)
  }
  return features
}

/** kill(2) by pid, for kernels without pidfd_open. */
function killByPid(pid: number, signal: KillSignal | 0): OpResult {
  try {
    process.kill(pid, signal)
    return { ok: true }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
    const call = signal === 0 ? `kill(${pid}, 0)` : `kill(${pid})`
    return { ok: false, errno: code, message: `${call} failed: ${code}` }
  }
}

/** pidfd_send_signal(2), or kill(2) when the handle has no pidfd. */
function sendSignal(libc: Libc, handle: ProcessHandle, signal: KillSignal): OpResult {
  if (handle.fd < 0) return killByPid(handle.pid, signal)
  const sig = SIGNALS[signal]
  const r = Number(
    libc.syscall(SYS_PIDFD_SEND_SIGNAL, 'int', handle.fd, 'int', sig, 'void *', null, 'uint', 0)
  )
  return r < 0 ? fail(libc.errno(), `pidfd_send_signal(${handle.pid}, ${signal})`) : { ok: true }
}

/** process_mrelease(2); on ENOSYS (kernels < 5.15) stop trying and say so once. */
function mrelease(libc: Libc, features: ControlFeatures, handle: ProcessHandle): OpResult {
  if (!features.mrelease || handle.fd < 0)
    return { ok: false, errno: 'ENOSYS', message: 'process_mrelease unavailable' }
  const r = Number(libc.syscall(SYS_PROCESS_MRELEASE, 'int', handle.fd, 'uint', 0))
  if (r >= 0) return { ok: true }
  const errno = libc.errno()
  if (errnoName(errno) === 'ENOSYS') {
    features.mrelease = false
    features.notes.push(
      'process_mrelease unavailable (ENOSYS): relying on the exit path to free memory'
    )
  }
  return fail(errno, `process_mrelease(${handle.pid})`)
}

/** POLLIN on a pidfd: the process has exited (zombie or reaped). */
const POLLIN = 0x001
const pollfd = Buffer.alloc(8)

/** poll(pidfd, POLLIN, 0): true once the process has exited; null without a pidfd. */
function pidfdExited(libc: Libc, handle: ProcessHandle): boolean | null {
  if (handle.fd < 0) return null
  pollfd.writeInt32LE(handle.fd, 0)
  pollfd.writeInt16LE(POLLIN, 4)
  pollfd.writeInt16LE(0, 6)
  const r = Number(libc.poll(pollfd, 1, 0))
  if (r < 0) return null
  return r > 0 && (pollfd.readInt16LE(6) & POLLIN) !== 0
}

/**
 * Not mlockall(): V8 discards freed heap pages with madvise() and changes code-space
 * protections, and aborts when either fails on locked memory. Instead lock every file-backed
 * mapping (node's text, libc, addons) on fault: the code the daemon has run stays resident, so
 * it cannot stall re-reading its own binary under memory pressure.
 */
function lockFileMappings(libc: Libc): OpResult {
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
    if (Number(libc.mlock2(start, end - start, MLOCK_ONFAULT)) < 0)
      return fail(libc.errno(), `mlock2(${m[4] ?? '?'})`)
  }
  return { ok: true }
}

/** The koffi backend, or null when koffi or libc cannot be loaded. */
export async function createKoffiControl(): Promise<ProcessControl | null> {
  const libc = await loadLibc()
  if (!libc) return null
  const features = probeFeatures(libc)
  return {
    features,
    open(pid: number) {
      if (!features.pidfd) {
        const r = killByPid(pid, 0)
        return r.ok ? { ok: true, handle: { pid, fd: -1 } } : r
      }
      const fd = Number(libc.syscall(SYS_PIDFD_OPEN, 'int', pid, 'uint', 0))
      if (fd < 0) return fail(libc.errno(), `pidfd_open(${pid})`)
      return { ok: true, handle: { pid, fd } }
    },
    signal: (handle, signal) => sendSignal(libc, handle, signal),
    mrelease: handle => mrelease(libc, features, handle),
    exited: handle => pidfdExited(libc, handle),
    close(handle: ProcessHandle): void {
      if (handle.fd < 0) return
      try {
        closeSync(handle.fd)
      } catch {
        /* already closed */
      }
    },
    killCgroup: writeCgroupKill,
    lockMemory: () => lockFileMappings(libc),
    unlockMemory(): void {
      libc.munlockall()
    },
    setName(name: string): OpResult {
      const r = Number(libc.prctl(PR_SET_NAME, name.slice(0, 15), 0, 0, 0))
      return r < 0 ? fail(libc.errno(), 'prctl(PR_SET_NAME)') : { ok: true }
    }
  }
}
