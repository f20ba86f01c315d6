/**
 * @module The candidate ranking of one OOM as an HTML table: rank, pid, command, oom_score_adj,
 * points, and the score parts as a plain CSS stacked bar (added terms left to right, subtracted
 * terms hatched at the end). The numbers are in the table as text; the bar is decoration.
 */
import { escapeHtml, formatInt } from './escape.ts'
import type { RankingRow, ScoreParts } from './page-model.ts'

/** Rows shown before the "show all" disclosure. */
export const RANKING_TOP = 12

const PART_KEYS = ['rss', 'swap', 'pgtables', 'adjPlus'] as const

function positive(p: ScoreParts): number {
  return p.rss + p.swap + p.pgtables + Math.max(p.adj, 0)
}

function negative(p: ScoreParts): number {
  return Math.max(-p.adj, 0) + p.rootBonus
}

function pct(value: number, max: number): string {
  if (max <= 0) return '0%'
  return `${Math.max(0, Math.min(100, (value / max) * 100)).toFixed(2)}%`
}

/** Plain-text reading of the parts ("rss 1 999 425 + swap 0 + ..."), also for screen readers. */
export function describeParts(p: ScoreParts, unit: string): string {
  const terms = [
    `rss ${formatInt(p.rss)}`,
    `swap ${formatInt(p.swap)}`,
    `page tables ${formatInt(p.pgtables)}`,
    `oom_score_adj term ${p.adj >= 0 ? '+' : '−'}${formatInt(Math.abs(p.adj))}`
  ]
  if (p.rootBonus > 0) terms.push(`root bonus −${formatInt(p.rootBonus)}`)
  return `${terms.join(', ')} (${unit})`
}

function bar(p: ScoreParts, max: number, unit: string): string {
  const widths: Record<(typeof PART_KEYS)[number], number> = {
    rss: p.rss,
    swap: p.swap,
    pgtables: p.pgtables,
    adjPlus: Math.max(p.adj, 0)
  }
  const segs = PART_KEYS.filter(k => widths[k] > 0)
    .map(k => `<span class="seg seg-${k}" style="width:${pct(widths[k], max)}"></span>`)
    .join('')
  const pos = positive(p)
  const neg = Math.min(negative(p), pos)
  const minus =
    neg > 0
      ? `<span class="seg-minus" style="left:${pct(pos - neg, max)};width:${pct(neg, max)}"></span>`
      : ''
  return (
    `<div class="bar" aria-hidden="true" title="${escapeHtml(describeParts(p, unit))}">` +
    `${segs}${minus}</div>`
  )
}

function row(r: RankingRow, max: number, unit: string): string {
  const cls = r.victim ? ' class="victim"' : r.rank === null ? ' class="ineligible"' : ''
  const rank = r.rank === null ? '–' : String(r.rank)
  const adj = r.oomScoreAdj === null ? '?' : String(r.oomScoreAdj)
  const points = r.points === null ? '–' : formatInt(r.points)
  const victimBadge = r.victim ? ' <span class="badge badge-victim">victim</span>' : ''
  let partsCell: string
  if (r.parts !== null) {
    partsCell = `${bar(r.parts, max, unit)}<span class="sr-only">${escapeHtml(describeParts(r.parts, unit))}</span>`
  } else {
    partsCell = `<span class="muted">${escapeHtml(r.ineligible ?? 'not scored')}</span>`
  }
  return (
    `<tr${cls}><td class="num">${rank}</td><td class="num">${r.pid}</td>` +
    `<th scope="row" class="comm">${escapeHtml(r.comm)}${victimBadge}</th>` +
    `<td class="num">${adj}</td><td class="num">${points}</td><td class="parts">${partsCell}</td></tr>`
  )
}

function table(rows: readonly RankingRow[], max: number, unit: string, caption: string): string {
  return (
    `<div class="table-scroll" tabindex="0" role="region" aria-label="${escapeHtml(caption)}">` +
    `<table class="ranking"><caption class="sr-only">${escapeHtml(caption)}</caption>` +
    `<thead><tr><th scope="col" class="num">Rank</th><th scope="col" class="num">PID</th>` +
    `<th scope="col">Command</th><th scope="col" class="num">adj</th>` +
    `<th scope="col" class="num">Points</th><th scope="col" class="parts">Score parts (${escapeHtml(unit)})</th></tr></thead>` +
    `<tbody>${rows.map(r => row(r, max, unit)).join('')}</tbody></table></div>`
  )
}

/** The legend of the score-part colours. */
export function partsLegend(): string {
  const items: [string, string][] = [
    ['seg-rss', 'rss'],
    ['seg-swap', 'swap entries'],
    ['seg-pgtables', 'page tables'],
    ['seg-adjPlus', 'oom_score_adj (added)'],
    ['seg-minus', 'subtracted (negative adj, root bonus)']
  ]
  return (
    `<ul class="legend" aria-label="Score part colours">` +
    items
      .map(([c, l]) => `<li><span class="swatch ${c}" aria-hidden="true"></span>${l}</li>`)
      .join('') +
    `</ul>`
  )
}

/**
 * The ranking block: the top rows (plus the victim when it ranks lower) and, when there are
 * more, every row behind a disclosure.
 */
export function renderRanking(rows: readonly RankingRow[], unit: string, label: string): string {
  if (rows.length === 0) {
    return `<p class="muted">No task table in this report: the ranking cannot be shown.</p>`
  }
  const max = Math.max(1, ...rows.map(r => (r.parts === null ? 0 : positive(r.parts))))
  const top = rows.slice(0, RANKING_TOP)
  const victimBelow = rows.slice(RANKING_TOP).filter(r => r.victim)
  const shown = [...top, ...victimBelow]
  let html = table(shown, max, unit, `${label}: top candidates`)
  if (rows.length > shown.length) {
    html +=
      `<details class="all-rows"><summary>All ${rows.length} tasks</summary>` +
      `${table(rows, max, unit, `${label}: all tasks`)}</details>`
  }
  return html + partsLegend()
}
