/**
 * @module PSI triggers as wake-ups: register a kernel PSI trigger on /proc/pressure/memory (and on
 * each watched v2 cgroup with PSI stages) so a stall wakes the loop at once instead of at the
 * next poll.
 */
import type { Logger } from './log.ts'
import {
  cgroupPressureFile,
  openPsiTrigger,
  psiTriggerProblem
} from '../adapters/pidfd/psi-trigger.ts'
import type { PsiTrigger } from '../adapters/pidfd/psi-trigger.ts'
import { ownCapSysResource } from '../adapters/proc/own-process.ts'
import type { DaemonConfig } from './config-schema.ts'

/** The pressure files to watch: the system's, and each watched cgroup's with PSI stages. */
function pressureFiles(config: DaemonConfig): string[] {
  const paths = ['/proc/pressure/memory']
  for (const c of config.cgroups) {
    const file = c.psi ? cgroupPressureFile(c.path) : null
    if (file !== null) paths.push(file)
  }
  return paths
}

/** Register PSI triggers (windows need not be multiples of 2 s with CAP_SYS_RESOURCE); each event calls `wake`. Problems are logged, never thrown. */
export async function openPsiWakeups(
  config: DaemonConfig,
  wake: () => void,
  logger: Logger
): Promise<PsiTrigger[]> {
  const t = config.psiTrigger
  if (!t) return []
  const problem = psiTriggerProblem(t.stall, t.window, ownCapSysResource())
  if (problem) {
    logger.warn(
      { event: 'psi-trigger' },
      `PSI trigger not registered: ${problem}; polling avg10 instead`
    )
    return []
  }
  const out: PsiTrigger[] = []
  for (const path of pressureFiles(config)) {
    const r = await openPsiTrigger(path, t.metric, t.stall, t.window, () => {
      logger.debug({ event: 'psi-trigger', path }, 'PSI trigger fired')
      wake()
    })
    if ('error' in r)
      logger.warn(
        { event: 'psi-trigger', path },
        `PSI trigger not registered on ${path}: ${r.error}`
      )
    else {
      logger.info(
        { event: 'psi-trigger', path, spec: r.spec },
        `PSI trigger "${r.spec}" registered on ${path}`
      )
      out.push(r)
    }
  }
  return out
}
