/**
 * @module How the daemon signals and reaps processes: a pidfd-based backend through koffi when the
 * optional dependency loads, otherwise a fallback on kill(2) via `process.kill` with no
 * process_mrelease. `loadProcessControl()` picks one and reports what is missing once.
 */
import type { ProcessControl } from './control-types.ts'
import { createFallbackControl } from './fallback-backend.ts'
import { createKoffiControl } from './koffi-backend.ts'

export type {
  ControlFeatures,
  KillSignal,
  OpFailure,
  OpResult,
  ProcessControl,
  ProcessHandle
} from './control-types.ts'

let cached: ProcessControl | undefined

/**
 * The best available backend, created once per process. `prefer: 'fallback'` forces kill(2)
 * (tests, or `--no-ffi`).
 */
export async function loadProcessControl(
  prefer: 'auto' | 'fallback' = 'auto'
): Promise<ProcessControl> {
  if (prefer === 'fallback') return createFallbackControl('FFI disabled by configuration')
  if (cached) return cached
  cached =
    (await createKoffiControl()) ??
    createFallbackControl('koffi (optional dependency) is not installed or failed to load')
  return cached
}
