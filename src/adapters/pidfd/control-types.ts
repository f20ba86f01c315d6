/**
 * @module The process-control interface and its small records, shared by the backends
 * (koffi-backend.ts, fallback-backend.ts) and the loader (process-control.ts). Types only, so
 * the backends and the loader do not import each other.
 */

/** The signals the daemon sends. */
export type KillSignal = 'SIGTERM' | 'SIGKILL'

/** An opened target: a pidfd (>= 0) when the backend has one, or -1 with the plain pid. */
export interface ProcessHandle {
  readonly pid: number
  /** pidfd number, or -1 when signals go by pid (fallback). */
  readonly fd: number
}

/** Outcome of a syscall-like operation: ok, or an errno name ("ESRCH") with a message. */
export type OpResult = { ok: true } | { ok: false; errno: string; message: string }

/** A failed OpResult. */
export type OpFailure = Extract<OpResult, { ok: false }>

/** What each backend can do, for the startup log line and metrics. */
export interface ControlFeatures {
  backend: 'koffi' | 'fallback'
  pidfd: boolean
  mrelease: boolean
  mlockall: boolean
  /** Why something is missing (said once at startup), empty when all is there. */
  notes: string[]
}

/** Process control used by the killer; all methods are synchronous and never throw. */
export interface ProcessControl {
  readonly features: ControlFeatures
  /** Open a handle (pidfd_open); fails with ESRCH when the process is gone. */
  open(pid: number): { ok: true; handle: ProcessHandle } | OpFailure
  /** Send a signal through the handle (pidfd_send_signal, or kill(2) in the fallback). */
  signal(handle: ProcessHandle, signal: KillSignal): OpResult
  /** process_mrelease: free the dying victim's memory now. */
  mrelease(handle: ProcessHandle): OpResult
  /** Has the process exited (its pidfd polls readable: it is a zombie or reaped, so its mm is
   * gone)? null when the backend cannot tell (no pidfd): the caller reads /proc instead. */
  exited?(handle: ProcessHandle): boolean | null
  /** Close the pidfd. */
  close(handle: ProcessHandle): void
  /** Write "1" to `<dir>/cgroup.kill` (v2, >= 5.14): SIGKILL every process of the cgroup.
   * ENOENT when the file does not exist (v1, older kernels). */
  killCgroup(dir: string): OpResult
  /** Lock the daemon's code (file-backed mappings, on fault); see koffi-backend.ts for why not
   * mlockall(). */
  lockMemory(): OpResult
  /** munlockall(), before exit (V8 cannot tear down a heap whose pages are locked). */
  unlockMemory(): void
  /** prctl(PR_SET_NAME): the main thread's comm (at most 15 bytes), so other tools can match it. */
  setName(name: string): OpResult
}
