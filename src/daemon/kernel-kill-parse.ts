/**
 * @module The kernel's own OOM kills, read back from its log lines (the daemon may not import
 * src/explain, and needs only these two lines):
 * - the summary line, dump_oom_summary() in mm/oom_kill.c (>= 5.0; 4.19 has none):
 *   `oom-kill:constraint=%s,nodemask=%*pbl[,cpuset=%s,mems_allowed=%*pbl]` then
 *   `,oom_memcg=%s` (a memcg OOM) or `,global_oom`, then `,task_memcg=%s,task=%s,pid=%d,uid=%d`;
 * - the "Killed process" line, __oom_kill_process() (pr_err), in every form since 3.x:
 *   `[%s: ]Killed process %d[, UID %d,] (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB
 *   [, shmem-rss:%lukB][, UID:%u pgtables:%lukB oom_score_adj:%hd]` (5.1 adds the message
 *   prefix, "Memory cgroup out of memory" or "Out of memory"; 5.4 the UID/pgtables tail).
 * A summary gives the scope of the "Killed process" lines after it (one, or several with
 * memory.oom.group), until the next summary or "invoked oom-killer" header.
 */

/** One kill by the kernel's OOM killer. */
export interface KernelKill {
  pid: number
  comm: string
  uid: number | null
  /** CONSTRAINT_NONE, CONSTRAINT_MEMCG, ...; 'unknown' without a summary line (< 5.0). */
  constraint: string
  /** 'memcg' (a memory cgroup's limit), 'global', or 'unknown' (< 5.0 without a prefix). */
  scope: 'memcg' | 'global' | 'unknown'
  /** The memory cgroup whose limit was hit (a memcg OOM), else null. */
  oomMemcg: string | null
  /** The victim's memory cgroup (summary line), else null. */
  taskMemcg: string | null
  anonRssKb: number
  fileRssKb: number
  shmemRssKb: number | null
  /** The message before "Killed process" (>= 5.1), else null. */
  message: string | null
}

interface Summary {
  constraint: string
  oomMemcg: string | null
  taskMemcg: string | null
  pid: number
  comm: string
  uid: number
}

const SUMMARY =
  /^oom-kill:constraint=(\w+),nodemask=(?:\(null\)|[\d,-]*)(?:,cpuset=.*?,mems_allowed=[\d,-]*)?(?:,oom_memcg=(.*?)|,global_oom)(?:,task_memcg=(.*?))?,task=(.*),pid=(\d+),uid=(\d+)$/
const KILLED =
  /^(?:(.*?): )?Killed process (\d+),? (?:UID (\d+), )?\((.*?)\) total-vm:\d+kB, anon-rss:(\d+)kB, file-rss:(\d+)kB(?:, shmem-rss:(\d+)kB)?(?:, UID:(\d+))?/
const HEADER = / invoked oom-killer: /

function parseSummary(text: string): Summary | null {
  const m = SUMMARY.exec(text)
  if (!m) return null
  return {
    constraint: m[1]!,
    oomMemcg: m[2] ?? null,
    taskMemcg: m[3] ?? null,
    comm: m[4]!,
    pid: Number(m[5]),
    uid: Number(m[6])
  }
}

function scopeOf(summary: Summary | null, message: string | null): KernelKill['scope'] {
  if (summary) return summary.oomMemcg !== null ? 'memcg' : 'global'
  if (message === 'Memory cgroup out of memory') return 'memcg'
  return message === 'Out of memory' ? 'global' : 'unknown'
}

/** Feed kernel log lines (the text after the timestamp) one by one; each kill comes out once. */
export class KernelKillParser {
  private summary: Summary | null = null

  push(text: string): KernelKill | null {
    if (text.startsWith('oom-kill:')) {
      this.summary = parseSummary(text)
      return null
    }
    if (HEADER.test(text)) {
      this.summary = null
      return null
    }
    const m = KILLED.exec(text)
    if (!m) return null
    const pid = Number(m[2])
    const message = m[1] ?? null
    const s = this.summary
    const own = s?.pid === pid ? s : null
    const uid = m[3] ?? m[8]
    return {
      pid,
      comm: m[4]!,
      uid: uid !== undefined ? Number(uid) : (own?.uid ?? null),
      constraint: s?.constraint ?? 'unknown',
      scope: scopeOf(s, message),
      oomMemcg: s?.oomMemcg ?? null,
      taskMemcg: own?.taskMemcg ?? null,
      anonRssKb: Number(m[5]),
      fileRssKb: Number(m[6]),
      shmemRssKb: m[7] !== undefined ? Number(m[7]) : null,
      message
    }
  }
}
