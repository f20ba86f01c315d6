/**
 * @module The no-FFI backend: signals by pid with kill(2) (`process.kill`), no process_mrelease,
 * no mlockall. There is a PID-reuse window between choosing a victim and signalling it; the
 * killer narrows it by re-checking the process start time just before the signal.
 */
import type {
  ControlFeatures,
  KillSignal,
  OpResult,
  ProcessControl,
  ProcessHandle
} from './control-types.ts'
import { writeCgroupKill } from './cgroup-kill.ts'

function errorResult(error: unknown): OpResult {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
  return { ok: false, errno: code, message: error instanceof Error ? error.message : String(error) }
}

/** The kill(2) backend; `why` is the one-line reason FFI is not used. */
export function createFallbackControl(why: string): ProcessControl {
  const features: ControlFeatures = {
    backend: 'fallback',
    pidfd: false,
    mrelease: false,
    mlockall: false,
    notes: [`${why}: signalling by pid with kill(2), no process_mrelease, no mlockall`]
  }
  return {
    features,
    open(pid: number) {
      try {
        process.kill(pid, 0)
        return { ok: true, handle: { pid, fd: -1 } }
      } catch (error) {
        const r = errorResult(error) as { ok: false; errno: string; message: string }
        return r
      }
    },
    signal(handle: ProcessHandle, signal: KillSignal): OpResult {
      try {
        process.kill(handle.pid, signal)
        return { ok: true }
      } catch (error) {
        return errorResult(error)
      }
    },
    mrelease: () => ({
      ok: false,
      errno: 'ENOSYS',
      message: 'process_mrelease needs the koffi backend'
    }),
    exited: () => null,
    close: () => undefined,
    killCgroup: writeCgroupKill,
    lockMemory: () => ({ ok: false, errno: 'ENOSYS', message: 'mlockall needs the koffi backend' }),
    unlockMemory: () => undefined,
    setName: () => ({ ok: false, errno: 'ENOSYS', message: 'prctl needs the koffi backend' })
  }
}
