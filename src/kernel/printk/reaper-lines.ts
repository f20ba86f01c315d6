/**
 * @module The oom_reaper kthread's lines (>= 4.6, reference §7).
 */

/** Resident counters after reaping, in kB. */
export interface ReapedInfo {
  pid: number
  comm: string
  anonRssKb: number
  fileRssKb: number
  shmemRssKb: number
}

/** `oom_reaper: reaped process %d (%s), now anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB`. */
export function renderReapedLine(r: ReapedInfo): string {
  return `oom_reaper: reaped process ${r.pid} (${r.comm}), now anon-rss:${r.anonRssKb}kB, file-rss:${r.fileRssKb}kB, shmem-rss:${r.shmemRssKb}kB`
}

/** `oom_reaper: unable to reap pid:%d (%s)` after MAX_OOM_REAP_RETRIES failed attempts. */
export function renderUnableToReapLine(pid: number, comm: string): string {
  return `oom_reaper: unable to reap pid:${pid} (${comm})`
}
