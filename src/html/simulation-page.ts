/**
 * @module The simulation page: overview, timeline charts with event markers and the
 * OOM marker buttons, the OOM inspector (one hidden section per OOM, revealed from its
 * marker), the event list and the full kernel log. Pure: assets are passed in.
 */
import { buildCharts, renderChartTable } from './charts.ts'
import type { ChartSpec } from './charts.ts'
import { CLIENT_SCRIPT } from './client-script.ts'
import { escapeHtml } from './escape.ts'
import { toLogLines } from './log-lines.ts'
import type { HtmlAssets, Marker, MarkerKind, SimulationPage } from './page-model.ts'
import { renderFacts, renderOomSection } from './oom-section.ts'
import { renderShell } from './page-shell.ts'

/** Most rows of the event table; reclaim passes are counted rather than listed beyond it. */
export const EVENT_ROWS = 400

const KIND_LABEL: Readonly<Record<MarkerKind, string>> = {
  reclaim: 'reclaim',
  'alloc-fail': 'allocation failure',
  oom: 'OOM invocation',
  kill: 'kill',
  reaper: 'reaper',
  panic: 'panic'
}

function fmtSec(s: number): string {
  return `${s.toFixed(s >= 100 ? 1 : 3)} s`
}

function markerLegend(markers: readonly Marker[]): string {
  const kinds = (Object.keys(KIND_LABEL) as MarkerKind[]).filter(k =>
    markers.some(m => m.kind === k)
  )
  if (kinds.length === 0) return ''
  return (
    `<ul class="legend" aria-label="Marker colours">` +
    kinds
      .map(
        k =>
          `<li><span class="swatch line m-${k}" aria-hidden="true"></span>${KIND_LABEL[k]} (${markers.filter(m => m.kind === k).length})</li>`
      )
      .join('') +
    `</ul>`
  )
}

function rail(page: SimulationPage): string {
  const items = page.timeline.markers
    .filter(m => m.kind === 'oom' && m.oom !== null)
    .map(m => {
      const i = m.oom as number
      const s = page.ooms[i]
      const id = s === undefined ? '' : ` aria-controls="${escapeHtml(s.id)}"`
      const label = `${m.label} at ${fmtSec(m.timeSec)}: show the ranking`
      return (
        `<li data-time="${m.timeSec}"><button type="button" class="marker" data-oom="${i}" ` +
        `data-select-oom="${i}" aria-pressed="false"${id} aria-label="${escapeHtml(label)}" ` +
        `title="${escapeHtml(label)}">OOM ${i + 1}</button></li>`
      )
    })
  if (items.length === 0) return ''
  return (
    `<div class="rail-wrap"><ul class="rail" id="oom-rail" aria-label="OOM invocations on the timeline">` +
    `${items.join('')}</ul></div>`
  )
}

function chartBlock(c: ChartSpec): string {
  return (
    `<div class="chart-block" role="group" aria-labelledby="${c.id}-h" aria-describedby="${c.id}-d">` +
    `<h3 id="${c.id}-h">${escapeHtml(c.title)}</h3><p class="sub" id="${c.id}-d">${escapeHtml(c.summary)}</p>` +
    `<div class="chart" id="${c.id}" style="min-height:${c.height + 40}px"></div>${renderChartTable(c)}</div>`
  )
}

/** Charts in order; consecutive minor charts share a two-column grid. */
function chartsHtml(charts: readonly ChartSpec[]): string {
  let html = ''
  let minor: string[] = []
  const flush = (): void => {
    if (minor.length > 0)
      html += `<div class="zone-grid${minor.length > 1 ? ' multi' : ''}">${minor.join('')}</div>`
    minor = []
  }
  for (const c of charts) {
    if (c.minor) {
      minor.push(chartBlock(c))
      continue
    }
    flush()
    html += chartBlock(c)
  }
  flush()
  return html
}

function eventsTable(markers: readonly Marker[]): string {
  if (markers.length === 0) return ''
  const reclaim = markers.filter(m => m.kind === 'reclaim')
  const others = markers.filter(m => m.kind !== 'reclaim')
  const listed = [...others, ...reclaim.slice(0, Math.max(0, EVENT_ROWS - others.length))]
    .sort((a, b) => a.timeSec - b.timeSec)
    .slice(0, EVENT_ROWS)
  const rows = listed
    .map(m => {
      const action =
        m.kind === 'oom' && m.oom !== null
          ? `<button type="button" class="linkish" data-select-oom="${m.oom}">show ranking</button>`
          : ''
      return (
        `<tr><td class="num">${fmtSec(m.timeSec)}</td><td class="kind"><span class="dot m-${m.kind}" aria-hidden="true"></span>` +
        `${KIND_LABEL[m.kind]}</td><td>${escapeHtml(m.label)}</td><td>${action}</td></tr>`
      )
    })
    .join('')
  const omitted = markers.length - listed.length
  const note =
    omitted > 0
      ? `<p class="muted">${omitted} more events (mostly reclaim passes) not listed.</p>`
      : ''
  return (
    `<section class="card" aria-labelledby="events-h"><h2 id="events-h">Events</h2>` +
    `<details><summary>All ${markers.length} events</summary>` +
    `<div class="table-scroll" tabindex="0" role="region" aria-label="Events"><table class="events">` +
    `<thead><tr><th scope="col" class="num">Time</th><th scope="col">Kind</th><th scope="col">What</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead>` +
    `<tbody>${rows}</tbody></table></div>${note}</details></section>`
  )
}

function fullLog(lines: readonly string[]): string {
  if (lines.length === 0) return ''
  const body = toLogLines(lines)
    .map(l =>
      l.mark === null
        ? escapeHtml(l.text)
        : `<mark class="log-${l.mark}">${escapeHtml(l.text)}</mark>`
    )
    .join('\n')
  return (
    `<section class="card" aria-labelledby="log-h"><h2 id="log-h">Kernel log</h2>` +
    `<details><summary>Show all ${lines.length} lines</summary>` +
    `<pre class="log" tabindex="0" aria-label="Kernel log">${body}</pre></details></section>`
  )
}

function counts(page: SimulationPage): [string, string][] {
  const n = (k: MarkerKind): number => page.timeline.markers.filter(m => m.kind === k).length
  const t = page.timeline.timesSec
  const span = t.length > 0 ? (t[t.length - 1] ?? 0) - (t[0] ?? 0) : 0
  return [
    ['Simulated time', fmtSec(span)],
    ['OOM invocations', String(page.ooms.length)],
    ['Kills', String(n('kill'))],
    ['Reaper passes', String(n('reaper'))],
    ['Allocation failures', String(n('alloc-fail'))],
    ['Panics', String(n('panic'))]
  ]
}

/** Every OOM as a button (the keyboard- and list-friendly way to the rankings). */
function oomList(page: SimulationPage): string {
  return (
    `<ul class="oom-list" aria-label="OOM invocations">` +
    page.ooms
      .map(
        (s, i) =>
          `<li><button type="button" class="oom-pick" data-select-oom="${i}" aria-pressed="false" ` +
          `aria-controls="${escapeHtml(s.id)}">${escapeHtml(s.title)}</button></li>`
      )
      .join('') +
    `</ul>`
  )
}

/** The body of the page and the data for its script. */
export function simulationBody(page: SimulationPage): { body: string; data: unknown } {
  const charts = buildCharts(page.timeline)
  const inspector =
    page.ooms.length === 0
      ? `<p class="inspector-hint">The OOM killer was not invoked in this run.</p>`
      : oomList(page) +
        `<p class="inspector-hint" id="inspector-hint">Select an OOM marker on the timeline (Tab to it, ` +
        `then Enter) or an OOM above to see which tasks the kernel ranked, how each score is made up, and the log it printed.</p>` +
        page.ooms.map((s, i) => renderOomSection(s, i, true)).join('')
  const body =
    `<section class="card" aria-labelledby="overview-h"><h2 id="overview-h">Overview</h2>` +
    renderFacts([...page.meta, ...counts(page)]) +
    `</section>` +
    `<section class="card" id="charts" aria-labelledby="timeline-h"><div class="charts-head">` +
    `<h2 id="timeline-h">Timeline</h2><p class="muted sub">Drag across a chart to zoom, double-click to reset.</p></div>` +
    markerLegend(page.timeline.markers) +
    rail(page) +
    (charts.length === 0 ? `<p class="muted">No samples were recorded.</p>` : chartsHtml(charts)) +
    `</section>` +
    `<section aria-labelledby="inspector-h" id="inspector"><h2 id="inspector-h">OOM invocations</h2>${inspector}</section>` +
    eventsTable(page.timeline.markers) +
    fullLog(page.log)
  const data = {
    charts: charts.map(c => ({
      id: c.id,
      x: c.x,
      series: c.series,
      stacked: c.stacked,
      height: c.height,
      log: c.logScale
    })),
    markers: page.timeline.markers.map(m => ({ kind: m.kind, timeSec: m.timeSec, oom: m.oom }))
  }
  return { body, data }
}

/**
 * The whole self-contained simulation page. `assets` is the chart library's text (see
 * assets.ts); the result is one HTML document with everything inline.
 */
export function renderSimulationHtml(page: SimulationPage, assets: HtmlAssets): string {
  const { body, data } = simulationBody(page)
  return renderShell({
    title: page.title,
    kicker: 'oomkit simulate',
    body,
    data,
    script: CLIENT_SCRIPT,
    assets
  })
}
