/**
 * @module What the worker computes, as plain functions (no DOM, no worker globals, no Node), so
 * the same code runs in the page's worker and in the tests: explain report text the way
 * `oomkit explain` does, and run a scenario the way `oomkit simulate` prints it.
 */
import { buildExplainModel, modelToJson } from '../explain/explain-model.ts'
import { explainText } from '../explain/explain-text.ts'
import { feedLines } from '../explain/feed-lines.ts'
import { createReportParser } from '../explain/parser.ts'
import type { OomEvent } from '../explain/oom-event.ts'
import { findProfile } from '../kernel/profiles.ts'
import { formatDmesgTimestamp } from '../kernel/printk/timestamp.ts'
import { parseScenario, runScenario, ScenarioError } from '../sim/index.ts'
import type { RunOptions } from '../sim/index.ts'
import type { ReportHeadline, WebAnswer } from './protocol.ts'

/** Simulation steps the page allows before it stops a run and says so. */
export const WEB_MAX_STEPS = 2_000_000

type Answer<K extends WebAnswer['kind']> = Omit<Extract<WebAnswer, { kind: K }>, 'id' | 'ms'>

/** `oomkit explain`'s text and JSON for `text` (line by line, as the CLI does for a paste). */
export function explainReport(text: string, profileName: string | null): Answer<'explain'> {
  const profile = profileName === null ? undefined : findProfile(profileName)
  const parser = createReportParser(profile ? { profile } : {})
  const events: OomEvent[] = []
  feedLines(parser, text, events)
  events.push(...parser.end())
  const model = buildExplainModel(events, profile)
  const reports: ReportHeadline[] = model.reports.map(r => ({
    index: r.index,
    victim: r.killed ? { pid: r.killed.pid, comm: r.killed.comm } : null,
    agrees: r.replay.agrees,
    reason: r.replay.reason
  }))
  return { kind: 'explain', text: explainText(model), json: modelToJson(model), reports }
}

/** `oomkit simulate`'s log lines for a scenario text, or the first mistake in it. */
export function simulateScenario(
  yaml: string,
  name: string,
  profile: string | null,
  onProgress?: (fraction: number) => void
): Answer<'simulate'> | Answer<'error'> {
  try {
    const scenario = parseScenario(yaml, name)
    const options: RunOptions = { maxSteps: WEB_MAX_STEPS }
    if (profile !== null) options.profile = profile
    let steps = 0
    options.onProgress = p => {
      steps = p.steps
      onProgress?.(p.endNs > 0 ? Math.min(1, p.nowNs / p.endNs) : 0)
    }
    const result = runScenario(scenario, options)
    const lines = result.log.map(l => `${formatDmesgTimestamp(l.timeNs)} ${l.text}`)
    return { kind: 'simulate', lines, truncated: steps >= WEB_MAX_STEPS - 1024 }
  } catch (e) {
    if (e instanceof ScenarioError) return scenarioError(e)
    return {
      kind: 'error',
      message: String((e as Error).message),
      where: null,
      line: null,
      col: null
    }
  }
}

/** A ScenarioError's `file:line:col` split into its line and column. */
function scenarioError(e: ScenarioError): Answer<'error'> {
  const m = /:(\d+):(\d+)$/.exec(e.where)
  return {
    kind: 'error',
    message: e.message,
    where: e.where,
    line: m ? Number(m[1]) : null,
    col: m ? Number(m[2]) : null
  }
}
