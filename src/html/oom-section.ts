/**
 * @module One OOM event as an HTML section: its key facts, the candidate ranking, the memory
 * state (each zone's free memory against min/low/high as a gauge with a text reading) and the
 * kernel log excerpt with the lines that tell the story highlighted.
 */
import { escapeHtml, formatKb } from './escape.ts'
import type { LogLine, MemoryState, OomSection, ZoneState } from './page-model.ts'
import { renderRanking } from './ranking-table.ts'

/** Key/value facts as a description list. */
export function renderFacts(facts: readonly (readonly [string, string])[], cls = 'facts'): string {
  if (facts.length === 0) return ''
  return (
    `<dl class="${cls}">` +
    facts
      .map(
        ([k, v]) =>
          `<div${v.length > 26 ? ' class="wide"' : ''}><dt>${escapeHtml(k)}</dt>` +
          `<dd>${escapeHtml(v).replace(/[|(]/g, '$&<wbr>')}</dd></div>`
      )
      .join('') +
    `</dl>`
  )
}

/** A plain reading of a zone, the text alternative of its gauge. */
export function describeZone(z: ZoneState): string {
  const state =
    z.freeKb < z.minKb
      ? 'below min'
      : z.freeKb < z.lowKb
        ? 'below low'
        : z.freeKb < z.highKb
          ? 'below high'
          : 'above high'
  return (
    `${z.name}: free ${formatKb(z.freeKb)} (${state}); min ${formatKb(z.minKb)}, ` +
    `low ${formatKb(z.lowKb)}, high ${formatKb(z.highKb)}`
  )
}

function pct(v: number, scale: number): string {
  return `${Math.max(0, Math.min(100, (v / scale) * 100)).toFixed(2)}%`
}

function gauge(z: ZoneState): string {
  const scale = Math.max(z.highKb * 1.5, z.freeKb * 1.1, 1)
  const level = z.freeKb < z.minKb ? 'crit' : z.freeKb < z.lowKb ? 'warn' : 'ok'
  const tick = (cls: string, v: number, label: string): string =>
    `<span class="tick ${cls}" style="left:${pct(v, scale)}" title="${label} ${formatKb(v)}"></span>`
  return (
    `<div class="gauge" role="img" aria-label="${escapeHtml(describeZone(z))}">` +
    `<span class="gauge-fill ${level}" style="width:${pct(z.freeKb, scale)}"></span>` +
    tick('tick-min', z.minKb, 'min') +
    tick('tick-low', z.lowKb, 'low') +
    tick('tick-high', z.highKb, 'high') +
    `</div>`
  )
}

/** The memory state block: a table of zones with a gauge each, then the facts. */
export function renderMemory(m: MemoryState | null): string {
  if (m === null || (m.zones.length === 0 && m.facts.length === 0))
    return `<p class="muted">The report holds no memory state.</p>`
  let html = ''
  if (m.zones.length > 0) {
    html +=
      `<div class="mem-zones"><div class="table-scroll" tabindex="0" role="region" aria-label="Zones at the time of the OOM">` +
      `<table class="zones"><caption class="sr-only">Free memory per zone against its watermarks</caption>` +
      `<thead><tr><th scope="col">Zone</th><th scope="col" class="num">Free</th>` +
      `<th scope="col" class="num">min</th><th scope="col" class="num">low</th>` +
      `<th scope="col" class="num">high</th><th scope="col" class="gauge-col">Free vs watermarks</th></tr></thead><tbody>` +
      m.zones
        .map(
          z =>
            `<tr><th scope="row">${escapeHtml(z.name)}</th><td class="num">${formatKb(z.freeKb)}</td>` +
            `<td class="num">${formatKb(z.minKb)}</td><td class="num">${formatKb(z.lowKb)}</td>` +
            `<td class="num">${formatKb(z.highKb)}</td><td class="gauge-col">${gauge(z)}</td></tr>`
        )
        .join('') +
      `</tbody></table></div>` +
      `<ul class="legend" aria-hidden="true"><li><span class="swatch line c-free"></span>free</li>` +
      `<li><span class="swatch tick-min"></span>min</li><li><span class="swatch tick-low"></span>low</li>` +
      `<li><span class="swatch tick-high"></span>high</li></ul></div>`
  }
  html += `<div class="mem-facts">${renderFacts(m.facts, 'facts facts-compact')}</div>`
  return html
}

/** The log excerpt, escaped, with marked lines. */
export function renderLog(lines: readonly LogLine[], label: string): string {
  if (lines.length === 0) return ''
  const body = lines
    .map(l => {
      const t = escapeHtml(l.text)
      return l.mark === null ? t : `<mark class="log-${l.mark}">${t}</mark>`
    })
    .join('\n')
  return (
    `<details class="log-excerpt" open><summary>Kernel log excerpt (${lines.length} lines)</summary>` +
    `<pre class="log" tabindex="0" aria-label="${escapeHtml(label)} kernel log">${body}</pre></details>`
  )
}

/**
 * One OOM section. `hidden` sections are revealed by the page script (simulation inspector);
 * the explain page shows them all.
 */
export function renderOomSection(s: OomSection, index: number, hidden: boolean): string {
  const hid = hidden ? ' data-hideable="1"' : ''
  const notes =
    s.notes.length === 0
      ? ''
      : `<ul class="notes">${s.notes.map(n => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`
  return (
    `<section class="oom card" id="${escapeHtml(s.id)}" data-oom="${index}" aria-labelledby="${escapeHtml(s.id)}-h"${hid}>` +
    `<h3 id="${escapeHtml(s.id)}-h" tabindex="-1">${escapeHtml(s.title)}</h3>` +
    (hidden
      ? `<p class="back"><button type="button" class="linkish" data-back-to="${index}">Back to the timeline marker</button></p>`
      : '') +
    renderFacts(s.facts) +
    notes +
    `<div class="oom-ranking"><h4>Candidates, by badness</h4>${renderRanking(s.ranking, s.scoreUnit, s.title)}</div>` +
    `<div class="oom-memory"><h4>Memory at the time</h4>${renderMemory(s.memory)}</div>` +
    renderLog(s.log, s.title) +
    `</section>`
  )
}
