/**
 * @module The simulation timeline as chart specifications for the page script (one chart per
 * zone: free memory against min/low/high; RSS per process, stacked; the page cache; memcg usage;
 * swap), with a one-sentence
 * text reading of each chart and a sampled data table as its accessible alternative. Pure.
 */
import { escapeHtml, formatKb } from './escape.ts'
import type { ProcessSeries, Timeline, ZoneSeries } from './page-model.ts'

/** One plotted line; `color` names a CSS custom property (the theme decides the colour). */
export interface SeriesSpec {
  label: string
  color: string
  values: readonly (number | null)[]
  width?: number
  dash?: number[]
  fill?: boolean
}

/** One chart for the page script. `x` is seconds. */
export interface ChartSpec {
  id: string
  title: string
  /** The text reading of the chart (also shown under its title). */
  summary: string
  x: readonly number[]
  series: readonly SeriesSpec[]
  stacked: boolean
  height: number
  /** Log (base 2) y axis: for zones whose free memory dwarfs their watermarks. */
  logScale: boolean
  /** Minor charts (the smaller zones) are laid out two to a row on wide screens. */
  minor: boolean
}

/** Use a log axis when free memory exceeds the high watermark by this factor. */
export const LOG_SCALE_RATIO = 32

/** Most points sent to the browser per series. */
export const MAX_POINTS = 4000
/** Processes drawn on their own in the RSS chart; the rest are summed as "other". */
export const TOP_PROCESSES = 8
/** Most memory cgroups charted. */
export const MAX_MEMCG_CHARTS = 4
/** Rows of each chart's data table. */
export const TABLE_ROWS = 40

/** Indices to keep so that at most `max` points remain (first and last always kept). */
export function sampleIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i)
  const out: number[] = []
  const step = (n - 1) / (max - 1)
  for (let i = 0; i < max; i++) out.push(Math.round(i * step))
  return [...new Set(out)]
}

function pick<T>(values: readonly T[], idx: readonly number[]): T[] {
  return idx.map(i => values[i] as T)
}

function fmtSec(s: number): string {
  return `${s.toFixed(s >= 100 ? 1 : 3)} s`
}

/** A reading of one zone's series: start, lowest point, and time spent under min. */
export function describeZoneSeries(z: ZoneSeries, times: readonly number[]): string {
  const n = Math.min(z.freeKb.length, times.length)
  if (n === 0) return `${z.name}: no samples.`
  let lowest = 0
  let underMin = 0
  let firstUnderMin: number | null = null
  for (let i = 0; i < n; i++) {
    const free = z.freeKb[i] ?? 0
    if (free < (z.freeKb[lowest] ?? 0)) lowest = i
    const min = z.minKb[i] ?? 0
    if (free < min) {
      if (firstUnderMin === null) firstUnderMin = times[i] ?? 0
      if (i + 1 < n) underMin += (times[i + 1] ?? 0) - (times[i] ?? 0)
    }
  }
  const start = z.freeKb[0] ?? 0
  const end = z.freeKb[n - 1] ?? 0
  let text =
    `Free memory in ${z.name} starts at ${formatKb(start)}, falls to ${formatKb(z.freeKb[lowest] ?? 0)} ` +
    `at ${fmtSec(times[lowest] ?? 0)} and ends at ${formatKb(end)}; ` +
    `watermarks at the start: min ${formatKb(z.minKb[0] ?? 0)}, low ${formatKb(z.lowKb[0] ?? 0)}, high ${formatKb(z.highKb[0] ?? 0)}.`
  text +=
    firstUnderMin === null
      ? ' It never drops below min.'
      : ` It first drops below min at ${fmtSec(firstUnderMin)} and stays below it for ${fmtSec(underMin)} in all.`
  return text
}

function peak(values: readonly (number | null)[]): number {
  let m = 0
  for (const v of values) if (v !== null && v > m) m = v
  return m
}

/** The processes to draw on their own (largest peak RSS first) and the rest summed. */
export function groupProcesses(
  procs: readonly ProcessSeries[],
  top: number = TOP_PROCESSES
): { shown: ProcessSeries[]; other: (number | null)[] | null; otherCount: number } {
  const ranked = [...procs].sort((a, b) => peak(b.rssKb) - peak(a.rssKb) || a.pid - b.pid)
  if (ranked.length <= top + 1) return { shown: ranked, other: null, otherCount: 0 }
  const shown = ranked.slice(0, top)
  const rest = ranked.slice(top)
  const len = Math.max(...rest.map(p => p.rssKb.length))
  const other: (number | null)[] = []
  for (let i = 0; i < len; i++) {
    let sum: number | null = null
    for (const p of rest) {
      const v = p.rssKb[i]
      if (v !== null && v !== undefined) sum = (sum ?? 0) + v
    }
    other.push(sum)
  }
  return { shown, other, otherCount: rest.length }
}

/** The sample times sent to the page and the indices they were taken at. */
interface Sampling {
  x: number[]
  idx: number[]
}

const WATERMARK = { width: 1.25, dash: [6, 4] }

/** One chart per zone, the largest first (the others are minor). */
function zoneCharts(t: Timeline, { x, idx }: Sampling): ChartSpec[] {
  const biggest = t.zones.reduce(
    (best, z, i) => (peak(z.freeKb) > peak(t.zones[best]?.freeKb ?? []) ? i : best),
    0
  )
  const order = t.zones
    .map((_, i) => i)
    .sort((a, b) => (a === biggest ? -1 : b === biggest ? 1 : a - b))
  return order.flatMap(i => {
    const z = t.zones[i]
    if (z === undefined) return []
    const logScale = peak(z.freeKb) > LOG_SCALE_RATIO * Math.max(1, peak(z.highKb))
    return [
      {
        logScale,
        minor: i !== biggest,
        id: `chart-zone-${i}`,
        title: `Free memory: ${z.name}${logScale ? ' (log scale)' : ''}`,
        summary: describeZoneSeries(z, t.timesSec),
        x,
        stacked: false,
        height: i === biggest ? 240 : 150,
        series: [
          { label: 'free', color: '--c-free', values: pick(z.freeKb, idx), width: 2, fill: true },
          { label: 'min', color: '--c-min', values: pick(z.minKb, idx), ...WATERMARK },
          { label: 'low', color: '--c-low', values: pick(z.lowKb, idx), ...WATERMARK },
          { label: 'high', color: '--c-high', values: pick(z.highKb, idx), ...WATERMARK }
        ]
      }
    ]
  })
}

/** Resident memory per process, stacked: the largest on their own, the rest summed. */
function rssChart(t: Timeline, { x, idx }: Sampling): ChartSpec {
  const g = groupProcesses(t.processes)
  const series: SeriesSpec[] = g.shown.map((p, i) => ({
    label: `${p.comm} (${p.pid})`,
    color: `--p${i}`,
    values: pick(p.rssKb, idx).map(v => v ?? null),
    width: 1
  }))
  if (g.other !== null)
    series.push({
      label: `${g.otherCount} other processes`,
      color: '--p8',
      values: pick(g.other, idx).map(v => v ?? null),
      width: 1
    })
  const biggest = g.shown[0]
  return {
    id: 'chart-rss',
    title: 'Resident memory per process (stacked)',
    summary:
      biggest === undefined
        ? 'No process memory.'
        : `${t.processes.length} processes; the largest, ${biggest.comm} (${biggest.pid}), peaks at ${formatKb(peak(biggest.rssKb))}.`,
    x,
    stacked: true,
    logScale: false,
    minor: false,
    height: 230,
    series
  }
}

/** Usage against the limit of the first few limited memory cgroups that were used. */
function memcgCharts(t: Timeline, { x, idx }: Sampling): ChartSpec[] {
  const memcgs = (t.memcgs ?? []).filter(m => m.limitKb !== null && peak(m.usageKb) > 0)
  return memcgs.slice(0, MAX_MEMCG_CHARTS).map((m, i) => {
    const limit = m.limitKb ?? 0
    const usage = pick(m.usageKb, idx)
    return {
      id: `chart-memcg-${i}`,
      title: `Memory cgroup ${m.path}: usage against its limit`,
      summary: `Usage of ${m.path} peaks at ${formatKb(peak(m.usageKb))} against a limit of ${formatKb(limit)}.`,
      x,
      stacked: false,
      logScale: false,
      minor: false,
      height: 170,
      series: [
        { label: 'usage', color: '--c-free', values: usage, width: 2, fill: true },
        { label: 'limit', color: '--c-min', values: usage.map(() => limit), ...WATERMARK }
      ]
    }
  })
}

/** The page cache's size: where a streaming read's memory goes, and what reclaim takes back. */
function pageCacheChart(cacheKb: readonly number[], { x, idx }: Sampling): ChartSpec {
  const values = pick(cacheKb, idx)
  return {
    id: 'chart-pagecache',
    title: 'Page cache',
    summary: `The page cache peaks at ${formatKb(peak(cacheKb))} and ends at ${formatKb(cacheKb[cacheKb.length - 1] ?? 0)}.`,
    x,
    stacked: false,
    logScale: false,
    minor: false,
    height: 150,
    series: [{ label: 'page cache', color: '--c-cache', values, width: 2, fill: true }]
  }
}

/** Swap used against swap total. */
function swapChart(swap: NonNullable<Timeline['swap']>, { x, idx }: Sampling): ChartSpec {
  return {
    id: 'chart-swap',
    title: 'Swap',
    summary: `Swap use peaks at ${formatKb(peak(swap.usedKb))} of ${formatKb(peak(swap.totalKb))}.`,
    x,
    stacked: false,
    logScale: false,
    minor: false,
    height: 150,
    series: [
      { label: 'used', color: '--c-swap', values: pick(swap.usedKb, idx), width: 2, fill: true },
      { label: 'total', color: '--c-swap-total', values: pick(swap.totalKb, idx), ...WATERMARK }
    ]
  }
}

/** Build every chart of a timeline. */
export function buildCharts(t: Timeline): ChartSpec[] {
  const idx = sampleIndices(t.timesSec.length, MAX_POINTS)
  const sampling: Sampling = { x: pick(t.timesSec, idx), idx }
  return [
    ...zoneCharts(t, sampling),
    ...(t.processes.length > 0 ? [rssChart(t, sampling)] : []),
    ...(t.pageCacheKb !== undefined && peak(t.pageCacheKb) > 0
      ? [pageCacheChart(t.pageCacheKb, sampling)]
      : []),
    ...memcgCharts(t, sampling),
    ...(t.swap !== null && peak(t.swap.totalKb) > 0 ? [swapChart(t.swap, sampling)] : [])
  ]
}

/** A sampled data table of a chart (its accessible alternative), behind a disclosure. */
export function renderChartTable(c: ChartSpec): string {
  const idx = sampleIndices(c.x.length, TABLE_ROWS)
  const head = c.series.map(s => `<th scope="col" class="num">${escapeHtml(s.label)}</th>`).join('')
  const rows = idx
    .map(i => {
      const cells = c.series
        .map(s => {
          const v = s.values[i]
          return `<td class="num">${v === null || v === undefined ? '–' : formatKb(v)}</td>`
        })
        .join('')
      return `<tr><th scope="row" class="num">${fmtSec(c.x[i] ?? 0)}</th>${cells}</tr>`
    })
    .join('')
  const note = c.x.length > idx.length ? ` (${idx.length} of ${c.x.length} samples)` : ''
  return (
    `<details class="data-table"><summary>Data table${note}</summary>` +
    `<div class="table-scroll" tabindex="0" role="region" aria-label="${escapeHtml(c.title)} data">` +
    `<table><caption class="sr-only">${escapeHtml(c.title)}</caption><thead><tr>` +
    `<th scope="col" class="num">time</th>${head}</tr></thead><tbody>${rows}</tbody></table></div></details>`
  )
}
