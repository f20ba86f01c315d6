/**
 * @module The time series a simulation run records for charts (the HTML report plots them):
 * per-zone free pages against the min/low/high watermarks, per-process RSS, swap use and
 * memcg usage, sampled after every simulation step that changed memory (and thinned so a run
 * keeps at most ~MAX_SAMPLES points).
 *
 * Units: `tNs` is simulated nanoseconds since boot; every memory value is in pages (4 KiB).
 */

/** One zone's series: `free[i]` is NR_FREE_PAGES at `Samples.tNs[i]`. Watermarks are the
 * values in force at that time (they change when min_free_kbytes is written). */
export interface ZoneSeries {
  node: number
  zone: string
  free: number[]
  min: number[]
  low: number[]
  high: number[]
  managed: number
}

/** One process's resident set over time (anon + file + shmem, and swap entries). Entries
 * after the process exited are 0; before it existed, 0. */
export interface ProcessSeries {
  pid: number
  comm: string
  rss: number[]
  anon: number[]
  swap: number[]
}

/** One memory cgroup's usage over time (memory.current / usage_in_bytes in pages). */
export interface MemcgSeries {
  path: string
  usage: number[]
  limit: number | null
}

/** Point events worth marking on a chart (OOM kills, panics, allocation failures). */
export interface SampleMark {
  tNs: number
  kind: 'oom-kill' | 'panic' | 'alloc-failure' | 'reaped' | 'exit' | 'enomem'
  pid: number | null
  label: string
}

/** The whole series set of a run. All arrays in a series have `tNs.length` entries. */
export interface Samples {
  tNs: number[]
  zones: ZoneSeries[]
  processes: ProcessSeries[]
  memcgs: MemcgSeries[]
  /** Swap pages in use (all devices) and total swap pages. */
  swapUsed: number[]
  swapTotal: number[]
  /** Page-cache pages (NR_FILE_PAGES summed over nodes, as show_mem's "total pagecache pages"). */
  pageCache: number[]
  marks: SampleMark[]
}

/** Upper bound on recorded points before thinning. */
export const MAX_SAMPLES = 4000

/** An empty series set for the given zones. */
export function emptySamples(
  zones: readonly { node: number; zone: string; managed: number }[]
): Samples {
  return {
    tNs: [],
    zones: zones.map(z => ({
      node: z.node,
      zone: z.zone,
      free: [],
      min: [],
      low: [],
      high: [],
      managed: z.managed
    })),
    processes: [],
    memcgs: [],
    swapUsed: [],
    swapTotal: [],
    pageCache: [],
    marks: []
  }
}
