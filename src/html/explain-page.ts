/**
 * @module The explain page: a summary of the input, a table of contents, and one
 * section per OOM event with the replayed ranking, the memory state at the time and the log
 * excerpt. Needs no script and no chart library: bars and gauges are plain HTML and CSS.
 */
import { escapeHtml } from './escape.ts'
import type { ExplainPage } from './page-model.ts'
import { renderFacts, renderOomSection } from './oom-section.ts'
import { renderShell } from './page-shell.ts'

/** The body of the explain page. */
export function explainBody(page: ExplainPage): string {
  const toc =
    page.ooms.length > 1
      ? `<nav class="card toc" aria-labelledby="toc-h"><h2 id="toc-h">Events</h2><ol>` +
        page.ooms
          .map(s => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a></li>`)
          .join('') +
        `</ol></nav>`
      : ''
  const sections =
    page.ooms.length === 0
      ? `<p class="inspector-hint">No OOM report was found in the input.</p>`
      : page.ooms.map((s, i) => renderOomSection(s, i, false)).join('')
  return (
    `<section class="card" aria-labelledby="overview-h"><h2 id="overview-h">Overview</h2>` +
    `${renderFacts(page.meta)}</section>${toc}` +
    `<section aria-label="OOM events">${sections}</section>`
  )
}

/** The whole self-contained explain page (no script, no external resources). */
export function renderExplainHtml(page: ExplainPage): string {
  return renderShell({
    title: page.title,
    kicker: 'oomkit explain',
    body: explainBody(page),
    data: null,
    script: null,
    assets: null
  })
}
