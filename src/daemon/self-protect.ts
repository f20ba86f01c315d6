/**
 * @module Self-protection: lower the daemon's own oom_score_adj where allowed (lowering needs
 * CAP_SYS_RESOURCE; EACCES is reported, not fatal), and lock our code in memory where allowed
 * (both through the adapters).
 */
import type { ProcessControl } from '../adapters/pidfd/process-control.ts'
import { setOwnOomScoreAdj } from '../adapters/proc/own-process.ts'
import type { OwnOomScoreAdj } from '../adapters/proc/own-process.ts'

/** What self-protection achieved, for the startup log. */
export interface SelfProtection {
  oomScoreAdj: OwnOomScoreAdj
  mlockall: { ok: boolean; error: string | null }
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
