/**
 * @module The simulator's task rows against the kernel's, report by report (the i-th "invoked
 * oom-killer" of each log), row by row (same pid): how many have the kernel's `rss` total, and
 * how many are byte-identical. Rows the simulator did not print count as neither.
 */

/** Counts over the kernel's rows. */
export interface RowCounts {
  rows: number
  rssEqual: number
  /** All four rss columns (rss, rss_anon, rss_file, rss_shmem) equal: the split too. */
  splitEqual: number
  /** rss within the per-CPU counters' drift: 3 counters x 31 pages (hogs pinned to one CPU). */
  rssWithinDrift: number
  /** Every column but the four rss ones identical (pid, uid, tgid, total_vm, pgtables_bytes,
   * swapents, oom_score_adj, name). */
  restIdentical: number
  identical: number
}

/** The largest difference the approximate counters make in a row's rss total. */
export const ROW_DRIFT_PAGES = 3 * 31

/** A row without its rss, rss_anon, rss_file and rss_shmem columns. */
const withoutRss = (row: string): string => {
  const w = row.replace(/^\[\s*/, '').split(/\s+/)
  return [...w.slice(0, 4), ...w.slice(8)].join(' ')
}

const ROW = /^\[\s*(\d+)\]\s+\d+\s+\d+\s+\d+\s+(\d+)\s/

/** The task rows of each report in a log (text without dmesg timestamps). */
export function reportRows(lines: readonly string[]): Map<number, string>[] {
  const out: Map<number, string>[] = []
  for (const raw of lines) {
    const line = raw.replace(/^\[\s*\d+\.\d+\]\s/, '')
    if (line.includes(' invoked oom-killer: ')) out.push(new Map())
    const m = ROW.exec(line)
    if (m !== null && out.length > 0) out[out.length - 1]!.set(Number(m[1]), line.trimEnd())
  }
  return out
}

const rssOf = (row: string): string | undefined => ROW.exec(row)?.[2]

/** The rss, rss_anon, rss_file and rss_shmem columns of a row. */
const rssColumns = (row: string): string =>
  row
    .replace(/^\[\s*/, '')
    .split(/\s+/)
    .slice(4, 8)
    .join(' ')

/** Counts of no rows yet. */
export function emptyRowCounts(): RowCounts {
  return { rows: 0, rssEqual: 0, splitEqual: 0, rssWithinDrift: 0, restIdentical: 0, identical: 0 }
}

/** Compare the simulator's rows with the kernel's. */
export function compareRows(kernel: readonly string[], sim: readonly string[]): RowCounts {
  const k = reportRows(kernel)
  const s = reportRows(sim)
  const c = emptyRowCounts()
  k.forEach((rows, i) => {
    for (const [pid, row] of rows) {
      c.rows++
      const ours = s[i]?.get(pid)
      if (ours === undefined) continue
      const diff = Math.abs(Number(rssOf(ours)) - Number(rssOf(row)))
      if (diff === 0) c.rssEqual++
      if (rssColumns(ours) === rssColumns(row)) c.splitEqual++
      if (diff <= ROW_DRIFT_PAGES) c.rssWithinDrift++
      if (withoutRss(ours) === withoutRss(row)) c.restIdentical++
      if (ours === row) c.identical++
    }
  })
  return c
}
