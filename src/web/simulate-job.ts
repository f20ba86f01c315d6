/**
 * @module The worker's simulate job as a plain function (no DOM, no worker globals, no Node):
 * run a scenario the way `oomkit simulate` prints it, under a step cap, and build the simulation
 * page's charts and OOM sections (body HTML and chart data) for the page's report frame.
 */
import { simulationPageFrom } from '../html/from-sim.ts'
import { simulationBody } from '../html/simulation-page.ts'
import { findProfile } from '../kernel/profiles.ts'
import { formatDmesgTimestamp } from '../kernel/printk/timestamp.ts'
import { parseScenario, runScenario, ScenarioError } from '../sim/index.ts'
import type { RunOptions } from '../sim/index.ts'
import type { JobAnswer } from './protocol.ts'

/** Simulation steps the page allows before it stops a run and says so. */
export const WEB_MAX_STEPS = 2_000_000

/** `oomkit simulate`'s log lines for a scenario text, or the first mistake in it. */
export function simulateScenario(
  yaml: string,
  name: string,
  profile: string | null,
  onProgress?: (fraction: number) => void,
  maxSteps: number = WEB_MAX_STEPS
): JobAnswer<'simulate'> | JobAnswer<'error'> {
  try {
    const scenario = parseScenario(yaml, name)
    const options: RunOptions = { maxSteps }
    if (profile !== null) options.profile = profile
    // How far the run is: through its simulated time, or towards the step cap if nearer.
    options.onProgress = p =>
      onProgress?.(Math.min(1, Math.max(p.endNs > 0 ? p.nowNs / p.endNs : 0, p.steps / maxSteps)))
    const result = runScenario(scenario, options)
    const lines = result.log.map(l => `${formatDmesgTimestamp(l.timeNs)} ${l.text}`)
    const used = findProfile(result.summary.profile)
    const report = used === undefined ? null : simulationBody(simulationPageFrom(result, used))
    return {
      kind: 'simulate',
      lines,
      truncated: result.summary.stats.steps >= maxSteps,
      steps: result.summary.stats.steps,
      report
    }
  } catch (e) {
    if (e instanceof ScenarioError) return scenarioError(e)
    const message = String((e as Error).message)
    return { kind: 'error', message, where: null, line: null, col: null }
  }
}

/** A ScenarioError's `file:line:col` split into its line and column. */
function scenarioError(e: ScenarioError): JobAnswer<'error'> {
  const m = /:(\d+):(\d+)$/.exec(e.where)
  return {
    kind: 'error',
    message: e.message,
    where: e.where,
    line: m ? Number(m[1]) : null,
    col: m ? Number(m[2]) : null
  }
}
