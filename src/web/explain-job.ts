/**
 * @module The worker's explain job as a plain function (no DOM, no worker globals, no Node), so
 * the same code runs in the page's worker and in the tests: `oomkit explain`'s text and JSON for
 * pasted report text, and the explain page's sections (ranking with score parts, memory state,
 * log excerpt) as HTML for the page to show.
 */
import { buildExplainModel, modelToJson } from '../explain/explain-model.ts'
import { explainText } from '../explain/explain-text.ts'
import { feedLines } from '../explain/feed-lines.ts'
import { createReportParser } from '../explain/parser.ts'
import type { OomEvent } from '../explain/oom-event.ts'
import { explainBody } from '../html/explain-page.ts'
import { explainPageFrom } from '../html/from-explain.ts'
import { findProfile } from '../kernel/profiles.ts'
import type { JobAnswer, ReportHeadline } from './protocol.ts'

/** `oomkit explain`'s text and JSON for `text` (line by line, as the CLI does for a paste). */
export function explainReport(text: string, profileName: string | null): JobAnswer<'explain'> {
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
  const page = explainPageFrom(model, events, text, 'pasted report')
  return {
    kind: 'explain',
    text: explainText(model),
    json: modelToJson(model),
    reports,
    reportHtml: explainBody(page)
  }
}
