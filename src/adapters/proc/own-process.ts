/**
 * @module The daemon's own /proc/self files: writing its oom_score_adj (lowering needs
 * CAP_SYS_RESOURCE; EACCES is reported, not thrown) and reading its effective capabilities.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { CAP_SYS_RESOURCE, hasCapability, parseStatus } from './parse-proc.ts'
import { readQuiet } from './read-quiet.ts'

/** The outcome of an oom_score_adj write: the value now in effect and the error, if any. */
export interface OwnOomScoreAdj {
  wanted: number
  actual: number
  error: string | null
}

/** Write our own oom_score_adj, then read back what is in effect (NaN when unreadable). */
export function setOwnOomScoreAdj(wanted: number, procSelf = '/proc/self'): OwnOomScoreAdj {
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

/** CAP_SYS_RESOURCE in our effective set (false when /proc/self/status cannot be read). */
export function ownCapSysResource(procSelf = '/proc/self'): boolean {
  const text = readQuiet(`${procSelf}/status`)
  if (text === null) return false
  try {
    return hasCapability(parseStatus(text).capEff, CAP_SYS_RESOURCE)
  } catch {
    return false
  }
}
