/**
 * @module A process-control backend whose koffi half is loaded only when asked (`prepare()`): an
 * idle daemon then never maps koffi's addon (~3 MiB of idle RSS, 45–130 ms to load here). Until
 * it is loaded, every call goes to the kill(2) fallback, so a kill that comes before the load is
 * still a kill; afterwards new handles are pidfds. A handle keeps the backend that opened it
 * (fd -1: by pid through the fallback; a pidfd: through koffi).
 */
import type {
  ControlFeatures,
  KillSignal,
  OpResult,
  ProcessControl,
  ProcessHandle
} from './control-types.ts'
import { createFallbackControl } from './fallback-backend.ts'

/** The lazily completed backend: a ProcessControl plus the load it defers. */
export interface LazyControl extends ProcessControl {
  /** Load the full backend once (later calls return the same promise); resolves to whether it
   * was loaded (false: koffi is missing, and the fallback stays). */
  prepare(): Promise<boolean>
  /** Has `prepare()` finished loading the full backend? */
  readonly ready: boolean
}

/** Wrap `load` (createKoffiControl) so it runs on the first `prepare()`; `onLoaded` sees the
 * backend once it is in place (the caller locks its memory then). */
export function createLazyControl(
  load: () => Promise<ProcessControl | null>,
  onLoaded: (control: ProcessControl, ms: number) => void = () => undefined
): LazyControl {
  const fallback = createFallbackControl('koffi not loaded yet')
  let full: ProcessControl | null = null
  let loading: Promise<boolean> | null = null
  const forHandle = (h: ProcessHandle): ProcessControl => (h.fd >= 0 && full ? full : fallback)
  const current = (): ProcessControl => full ?? fallback
  return {
    get features(): ControlFeatures {
      return current().features
    },
    get ready() {
      return full !== null
    },
    prepare() {
      loading ??= (async () => {
        const t0 = performance.now()
        const c = await load().catch(() => null)
        if (!c) return false
        full = c
        onLoaded(c, performance.now() - t0)
        return true
      })()
      return loading
    },
    open: pid => current().open(pid),
    signal: (h, signal: KillSignal): OpResult => forHandle(h).signal(h, signal),
    mrelease: h => forHandle(h).mrelease(h),
    exited: h => forHandle(h).exited?.(h) ?? null,
    close: h => forHandle(h).close(h),
    killCgroup: dir => current().killCgroup(dir),
    lockMemory: () => current().lockMemory(),
    unlockMemory: () => full?.unlockMemory(),
    setName: name => current().setName(name)
  }
}
