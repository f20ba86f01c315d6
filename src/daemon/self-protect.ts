/**
 * @module Self-protection: lower the daemon's own oom_score_adj where allowed (lowering needs
 * CAP_SYS_RESOURCE; EACCES is reported, not fatal), and mlockall where allowed.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import type { ProcessControl } from '../adapters/pidfd/process-control.ts'

/** What self-protection achieved, for the startup log. */
export interface SelfProtection {
  oomScoreAdj: { wanted: number; actual: number; error: string | null }
  mlockall: { ok: boolean; error: string | null }
}

/** Write our own oom_score_adj; returns the value now in effect and the error, if any. */
export function setOwnOomScoreAdj(
  wanted: number,
  procSelf = '/proc/self'
): SelfProtection['oomScoreAdj'] {
  let error: string | null = null
  try {
    writeFileSync(`${procSelf}/oom_score_adj`, String(wanted))
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO'
    error =
      code === 'EACCES' || code === 'EPERM'
        ? `${code}: lowering oom_score_adj needs CAP_SYS_RESOURCE`
        : code
  }
  let actual: number
  try {
    actual = Number.parseInt(readFileSync(`${procSelf}/oom_score_adj`, 'utf8'), 10)
  } catch {
    actual = Number.NaN
  }
  return { wanted, actual, error }
}

/** Apply both protections per the config. */
export function protectSelf(
  config: { oomScoreAdj: number; mlockall: boolean },
  control: ProcessControl
): SelfProtection {
  const adj = setOwnOomScoreAdj(config.oomScoreAdj)
  let lock: SelfProtection['mlockall'] = { ok: false, error: 'disabled in the config' }
  if (config.mlockall) {
    const r = control.lockMemory()
    lock = r.ok ? { ok: true, error: null } : { ok: false, error: r.message }
  }
  return { oomScoreAdj: adj, mlockall: lock }
}
