/**
 * @module Per-CPU vmstat differentials (6.11 mm/vmstat.c): every zone and node counter that
 * Mem-Info prints (NR_FREE_PAGES, NR_ZONE_ACTIVE_ANON, the node's NR_ACTIVE_ANON, ...) is a
 * global atomic plus one small signed differential per CPU. An update changes the CPU's
 * differential and folds it into the global only when it passes the CPU's `stat_threshold`
 * (or when the vmstat worker, refresh_cpu_vm_stats(), runs on that CPU); show_free_areas()
 * prints the globals (zone_page_state(), node_page_state()), so what it prints may differ from
 * the exact count by up to `stat_threshold` per online CPU.
 * Pure arithmetic; which CPU made which update is the caller's.
 */

/** The largest stat_threshold (the differentials are s8). */
const MAX_THRESHOLD = 125

/** fls(): the 1-based index of the highest set bit, 0 for 0. */
function fls(x: number): number {
  return x <= 0 ? 0 : 32 - Math.clz32(x)
}

/**
 * calculate_normal_threshold(), 6.11 mm/vmstat.c (the same since 2.6.36): 2 * fls(online
 * CPUs) * (1 + fls(managed memory in 128 MiB units)), at most 125.
 */
export function calculateNormalThreshold(managedPages: number, onlineCpus: number): number {
  const mem = Math.floor(managedPages / 32768)
  return Math.min(MAX_THRESHOLD, 2 * fls(Math.max(1, onlineCpus)) * (1 + fls(mem)))
}

/**
 * calculate_pressure_threshold(), 6.11 mm/vmstat.c: the low-min watermark distance split over
 * the online CPUs (at least 1, at most 125), so that the drift cannot hide a breach of min.
 * kswapd sets it while awake (set_pgdat_percpu_threshold()), only on zones with a
 * percpu_drift_mark.
 */
export function calculatePressureThreshold(
  lowWmark: number,
  minWmark: number,
  onlineCpus: number
): number {
  const distance = lowWmark - minWmark
  return Math.min(MAX_THRESHOLD, Math.max(1, Math.trunc(distance / Math.max(1, onlineCpus))))
}

/** The watermarks and size of a zone, as refresh_zone_stat_thresholds() reads them. */
export interface ZoneThresholdInput {
  managedPages: number
  wmarkMin: number
  wmarkLow: number
  wmarkHigh: number
}

/**
 * refresh_zone_stat_thresholds(), 6.11 mm/vmstat.c: a zone gets a percpu_drift_mark (high +
 * the largest drift) only when the largest drift of NR_FREE_PAGES, online CPUs x its normal
 * threshold, exceeds the low-min distance; 0 means none (and kswapd then leaves the zone's
 * threshold alone).
 */
export function percpuDriftMark(z: ZoneThresholdInput, onlineCpus: number): number {
  const maxDrift = onlineCpus * calculateNormalThreshold(z.managedPages, onlineCpus)
  return maxDrift > z.wmarkLow - z.wmarkMin ? z.wmarkHigh + maxDrift : 0
}

/**
 * A zone's stat_threshold: the pressure threshold while kswapd is awake on a zone with a drift
 * mark (kswapd_try_to_sleep() sets it after schedule(), the normal one before), else the
 * normal threshold.
 */
export function zoneStatThreshold(
  z: ZoneThresholdInput,
  onlineCpus: number,
  kswapdAwake: boolean
): number {
  if (kswapdAwake && percpuDriftMark(z, onlineCpus) > 0)
    return calculatePressureThreshold(z.wmarkLow, z.wmarkMin, onlineCpus)
  return calculateNormalThreshold(z.managedPages, onlineCpus)
}

/**
 * The node counters' stat_threshold: the largest normal threshold of the node's populated zones
 * (refresh_zone_stat_thresholds(); set_pgdat_percpu_threshold() never changes it).
 */
export function nodeStatThreshold(managedPages: readonly number[], onlineCpus: number): number {
  let t = 0
  for (const m of managedPages) if (m > 0) t = Math.max(t, calculateNormalThreshold(m, onlineCpus))
  return t
}

/** One vmstat item: the global atomic and each CPU's differential. */
export interface PerCpuStat {
  global: number
  diffs: number[]
}

export function perCpuStat(global: number, cpus: number): PerCpuStat {
  return { global, diffs: new Array<number>(Math.max(1, cpus)).fill(0) }
}

/**
 * __mod_zone_page_state() / __mod_node_page_state(), 6.11: add `delta` to the CPU's
 * differential; when its absolute value passes `threshold` the whole differential goes into
 * the global and the CPU's starts again at 0.
 */
export function modStat(s: PerCpuStat, cpu: number, delta: number, threshold: number): void {
  const x = (s.diffs[cpu] ?? 0) + delta
  if (Math.abs(x) > threshold) {
    s.global += x
    s.diffs[cpu] = 0
  } else s.diffs[cpu] = x
}

/**
 * __inc_zone_state() / __dec_zone_state() (and the node ones), 6.11: one page up or down; past
 * the threshold the differential folds and overshoots by half a threshold the other way, so
 * the next updates in the same direction fold later.
 */
export function stepStat(s: PerCpuStat, cpu: number, dir: 1 | -1, threshold: number): void {
  const v = (s.diffs[cpu] ?? 0) + dir
  if (Math.abs(v) > threshold) {
    const overstep = threshold >> 1
    s.global += v + dir * overstep
    s.diffs[cpu] = -dir * overstep
  } else s.diffs[cpu] = v
}

/** refresh_cpu_vm_stats() on one CPU (the vmstat worker, once per sysctl_stat_interval). */
export function foldCpu(s: PerCpuStat, cpu: number): void {
  s.global += s.diffs[cpu] ?? 0
  s.diffs[cpu] = 0
}

/** zone_page_state() / node_page_state(): the global alone, never below 0 (what Mem-Info prints). */
export function statRead(s: PerCpuStat): number {
  return Math.max(0, s.global)
}

/** zone_page_state_snapshot(): the global with every CPU's differential, never below 0. */
export function statSnapshot(s: PerCpuStat): number {
  return Math.max(
    0,
    s.diffs.reduce((a, d) => a + d, s.global)
  )
}

/** The most a printed counter can differ from the exact count: threshold x online CPUs. */
export function maxPrintedDrift(threshold: number, onlineCpus: number): number {
  return threshold * onlineCpus
}
