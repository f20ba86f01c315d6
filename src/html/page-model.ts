/**
 * @module The view model of the HTML pages: exactly what the page needs to draw (time series,
 * markers, OOM sections with rankings and log excerpts), independent of the simulator's and the
 * report parser's own types. Adapters (from-sim.ts, from-explain.ts) build it; the renderers
 * (simulation-page.ts, explain-page.ts) turn it into HTML.
 *
 * Units: memory in kB (the unit the kernel log speaks), times in seconds, badness parts in the
 * unit of the profile's score (pages, or points for the 0..1000 form).
 */

/** Free pages of one zone against its watermarks over time (kB, aligned with `timesSec`). */
export interface ZoneSeries {
  /** "Node 0 Normal". */
  name: string
  freeKb: readonly number[]
  minKb: readonly number[]
  lowKb: readonly number[]
  highKb: readonly number[]
}

/** Resident memory of one process over time (kB; null when the process does not exist). */
export interface ProcessSeries {
  pid: number
  comm: string
  rssKb: readonly (number | null)[]
}

/** Swap use over time (kB). */
export interface SwapSeries {
  usedKb: readonly number[]
  totalKb: readonly number[]
}

/** A memory cgroup's usage against its limit over time (kB). */
export interface MemcgSeries {
  path: string
  usageKb: readonly number[]
  /** memory.max / limit_in_bytes in kB; null = unlimited. */
  limitKb: number | null
}

/** What a marker on the timeline stands for. */
export type MarkerKind = 'reclaim' | 'alloc-fail' | 'oom' | 'kill' | 'reaper' | 'panic'

/** One event on the timeline. */
export interface Marker {
  kind: MarkerKind
  timeSec: number
  /** Short plain text, e.g. "OOM #1: stress-ng-vm order=0". */
  label: string
  /** Index into the page's `ooms` this marker belongs to (oom and kill markers), else null. */
  oom: number | null
}

/** Everything plotted against time. */
export interface Timeline {
  timesSec: readonly number[]
  zones: readonly ZoneSeries[]
  processes: readonly ProcessSeries[]
  swap: SwapSeries | null
  /** Memory cgroups with a limit (optional: absent = none). */
  memcgs?: readonly MemcgSeries[]
  /** Page-cache size over time (kB; optional: absent = not recorded). */
  pageCacheKb?: readonly number[]
  markers: readonly Marker[]
}

/** The terms of one candidate's badness (see BadnessParts in src/kernel/oom-badness.ts). */
export interface ScoreParts {
  rss: number
  swap: number
  pgtables: number
  /** Term added for oom_score_adj (may be negative). */
  adj: number
  /** Amount subtracted for CAP_SYS_ADMIN (>= 0). */
  rootBonus: number
}

/** One candidate of an OOM ranking. */
export interface RankingRow {
  /** 1-based rank among eligible tasks; null when ineligible. */
  rank: number | null
  pid: number
  comm: string
  oomScoreAdj: number | null
  /** Final points; null when ineligible. */
  points: number | null
  parts: ScoreParts | null
  /** Why the task could not be chosen (ineligible rows). */
  ineligible: string | null
  /** The task the kernel chose (or killed). */
  victim: boolean
}

/** One zone at the time of an OOM (kB). */
export interface ZoneState {
  name: string
  freeKb: number
  minKb: number
  lowKb: number
  highKb: number
  /** managed pages (kB); 0 when unknown. */
  managedKb: number
}

/** Memory at the time of an OOM: zones plus labelled facts ("Free swap": "0 kB"). */
export interface MemoryState {
  zones: readonly ZoneState[]
  facts: readonly (readonly [string, string])[]
}

/** One log line of an excerpt; `mark` highlights the lines that tell the story. */
export interface LogLine {
  text: string
  mark: 'invoked' | 'killed' | 'reaper' | 'panic' | 'summary' | null
}

/** One OOM invocation (or allocation failure) with everything the page shows about it. */
export interface OomSection {
  /** Element id, unique in the page ("oom-1"). */
  id: string
  title: string
  /** Seconds (simulation clock or dmesg time); null when the log has no timestamps. */
  timeSec: number | null
  /** Key facts as label/value pairs, in display order (trigger, constraint, victim, ...). */
  facts: readonly (readonly [string, string])[]
  /** Unit of `points` and the parts ("pages" or "points"). */
  scoreUnit: string
  /** Candidates in rank order (eligible first), possibly all tasks. */
  ranking: readonly RankingRow[]
  memory: MemoryState | null
  log: readonly LogLine[]
  /** Free-text notes (replay disagreements, missing data). */
  notes: readonly string[]
}

/** A simulation page. */
export interface SimulationPage {
  title: string
  /** Label/value facts shown at the top (scenario, kernel, seed, duration...). */
  meta: readonly (readonly [string, string])[]
  timeline: Timeline
  ooms: readonly OomSection[]
  /** The whole kernel log as the simulator printed it (may be long). */
  log: readonly string[]
}

/** An explain page: one section per OOM event found in the input. */
export interface ExplainPage {
  title: string
  meta: readonly (readonly [string, string])[]
  ooms: readonly OomSection[]
}

/** The chart library, inlined into the page (read by assets.ts). */
export interface HtmlAssets {
  uplotJs: string
  uplotCss: string
}
