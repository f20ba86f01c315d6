/**
 * @module The kernel's OOM reports in a slice of the kernel log, split per kill, with the few
 * lines the checks compare parsed by a deliberately small, independent parser (the explain
 * parser is one of the things under test, so the harness does not use it to find victims).
 *
 * The 6.8+ dump_tasks layout (rss_anon/rss_file/rss_shmem columns) and the older rss-only one
 * (the QEMU guest's 6.1) are parsed; other layouts leave `tasks` null and the printer check
 * reports it.
 */
import type { KilledInfo } from '../src/kernel/oom-report.ts'
import type { KmsgRecord } from './kmsg.ts'
import { dmesgLine } from './kmsg.ts'

/** A dump_tasks row as printed (pages; pgtables in bytes). */
export interface KernelTaskRow {
  pid: number
  uid: number
  tgid: number
  totalVm: number
  rss: number
  rssAnon: number
  rssFile: number
  rssShmem: number
  pgtablesBytes: number
  swapEnts: number
  oomScoreAdj: number
  comm: string
}

/** The "oom-kill:constraint=..." summary line's fields. */
export interface KernelSummary {
  constraint: string
  nodemask: string
  cpuset: string
  memsAllowed: string
  oomMemcg: string | null
  taskMemcg: string
  task: string
  pid: number
  uid: number
}

/** The "Killed process" line's fields (kB as printed): the shared report type. */
export type KernelKilled = KilledInfo

/** One kill as the kernel logged it. */
export interface KernelKill {
  /** Every record of this report (header .. Killed line), as dmesg lines with timestamps. */
  lines: string[]
  /** Just the texts (no timestamps), same order. */
  texts: string[]
  /** The dump_header was printed (false: ratelimited, only the Killed line exists). */
  complete: boolean
  /** The two task-table header lines and the rows, as printed (texts). */
  taskHeaderTexts: string[]
  taskRowTexts: string[]
  tasks: KernelTaskRow[] | null
  summaryText: string | null
  summary: KernelSummary | null
  killedText: string
  killed: KernelKilled
  /** v2 memory.oom.group: the other tasks killed with the victim (their Killed lines, in order). */
  groupKilled: KernelKilled[]
  /** The "Tasks in ... are going to be killed due to memory.oom.group set" line, if any. */
  oomGroupText: string | null
}

const ROW_6_8 =
  /^\[\s*(\d+)\]\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(-?\d+)\s+(\d+)\s+(-?\d+) (.*)$/
/** The < 6.8 layout (rss only): "[%7d] %5d %5d %8lu %8lu %8ld %8lu         %5hd %s". */
const ROW_PRE_6_8 =
  /^\[\s*(\d+)\]\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(-?\d+)\s+(\d+)\s+(-?\d+) (.*)$/
const KILLED =
  /^(.*): Killed process (\d+) \((.*)\) total-vm:(\d+)kB, anon-rss:(\d+)kB, file-rss:(\d+)kB, shmem-rss:(\d+)kB, UID:(\d+) pgtables:(\d+)kB oom_score_adj:(-?\d+)$/
const INVOKED = / invoked oom-killer: /
const OOM_GROUP = /^Tasks in (.*) are going to be killed due to memory\.oom\.group set$/

/** Parse a dump_tasks row: the 6.8+ layout, or the older one without the rss split (there the
 * row's rss is reported as rssAnon and rssFile/rssShmem are 0: the kernel printed no split). */
export function parseTaskRow(text: string): KernelTaskRow | null {
  const m = ROW_6_8.exec(text)
  if (m === null) return parsePre68Row(text)
  const n = (i: number): number => Number(m[i])
  return {
    pid: n(1),
    uid: n(2),
    tgid: n(3),
    totalVm: n(4),
    rss: n(5),
    rssAnon: n(6),
    rssFile: n(7),
    rssShmem: n(8),
    pgtablesBytes: n(9),
    swapEnts: n(10),
    oomScoreAdj: n(11),
    comm: m[12]!
  }
}

function parsePre68Row(text: string): KernelTaskRow | null {
  const m = ROW_PRE_6_8.exec(text)
  if (m === null) return null
  const n = (i: number): number => Number(m[i])
  return {
    pid: n(1),
    uid: n(2),
    tgid: n(3),
    totalVm: n(4),
    rss: n(5),
    rssAnon: n(5),
    rssFile: 0,
    rssShmem: 0,
    pgtablesBytes: n(6),
    swapEnts: n(7),
    oomScoreAdj: n(8),
    comm: m[9]!
  }
}

/** Parse the oom-kill summary line (>= 5.0 form). */
export function parseSummary(text: string): KernelSummary | null {
  if (!text.startsWith('oom-kill:')) return null
  const kv = new Map<string, string>()
  for (const part of text.slice('oom-kill:'.length).split(',')) {
    const i = part.indexOf('=')
    if (i > 0) kv.set(part.slice(0, i), part.slice(i + 1))
  }
  return {
    constraint: kv.get('constraint') ?? '',
    nodemask: kv.get('nodemask') ?? '',
    cpuset: kv.get('cpuset') ?? '',
    memsAllowed: kv.get('mems_allowed') ?? '',
    oomMemcg: kv.get('oom_memcg') ?? null,
    taskMemcg: kv.get('task_memcg') ?? '',
    task: kv.get('task') ?? '',
    pid: Number(kv.get('pid')),
    uid: Number(kv.get('uid'))
  }
}

/** Parse the "Killed process" line. */
export function parseKilled(text: string): KernelKilled | null {
  const m = KILLED.exec(text)
  if (m === null) return null
  const n = (i: number): number => Number(m[i])
  return {
    message: m[1]!,
    pid: n(2),
    comm: m[3]!,
    totalVmKb: n(4),
    anonRssKb: n(5),
    fileRssKb: n(6),
    shmemRssKb: n(7),
    uid: n(8),
    pgtablesKb: n(9),
    oomScoreAdj: n(10)
  }
}

/**
 * Split records into kills: each "Killed process" line closes a report that began at the
 * latest "invoked oom-killer" line after the previous kill (absent when ratelimited).
 */
export function splitKills(records: readonly KmsgRecord[]): KernelKill[] {
  const kills: KernelKill[] = []
  let start = -1
  let prevEnd = 0
  let groupOpen = false
  for (let i = 0; i < records.length; i++) {
    const text = records[i]!.text
    if (INVOKED.test(text)) {
      start = i
      groupOpen = false
    }
    const last = kills[kills.length - 1]
    if (OOM_GROUP.test(text) && last !== undefined && start < 0) {
      // Printed after the victim's Killed line; the group's Killed lines follow.
      last.oomGroupText = text
      last.lines.push(dmesgLine(records[i]!))
      last.texts.push(text)
      groupOpen = true
      continue
    }
    const killed = parseKilled(text)
    if (killed === null) continue
    if (groupOpen && last !== undefined && start < 0) {
      // Another task of the same memory.oom.group kill.
      last.groupKilled.push(killed)
      last.lines.push(dmesgLine(records[i]!))
      last.texts.push(text)
      continue
    }
    const complete = start >= prevEnd && start >= 0
    const slice = records.slice(complete ? start : i, i + 1)
    const texts = slice.map(r => r.text)
    const taskHeaderTexts: string[] = []
    const taskRowTexts: string[] = []
    let summaryText: string | null = null
    let oomGroupText: string | null = null
    let inTasks = false
    for (const t of texts) {
      if (OOM_GROUP.test(t)) oomGroupText = t
      if (t === 'Tasks state (memory values in pages):') {
        inTasks = true
        taskHeaderTexts.push(t)
      } else if (inTasks && t.startsWith('[  pid  ]')) taskHeaderTexts.push(t)
      else if (inTasks && t.startsWith('[')) taskRowTexts.push(t)
      else if (t.startsWith('oom-kill:')) {
        summaryText = t
        inTasks = false
      } else inTasks = false
    }
    const rows = taskRowTexts.map(parseTaskRow)
    kills.push({
      lines: slice.map(dmesgLine),
      texts,
      complete,
      taskHeaderTexts,
      taskRowTexts,
      tasks: complete && rows.every(r => r !== null) ? rows : null,
      summaryText,
      summary: summaryText === null ? null : parseSummary(summaryText),
      killedText: text,
      killed,
      groupKilled: [],
      oomGroupText
    })
    groupOpen = false
    prevEnd = i + 1
    start = -1
  }
  return kills
}

/** Every task the kernel killed in these kills (victims and memory.oom.group members). */
export function killedCount(kills: readonly KernelKill[]): number {
  return kills.reduce((n, k) => n + 1 + k.groupKilled.length, 0)
}

/** The memcg limit the report printed ("memory: usage %lukB, limit %lukB, failcnt %lu"), kB. */
export function reportLimitKb(k: KernelKill): number | null {
  for (const t of k.texts) {
    const m = /^memory: usage \d+kB, limit (\d+)kB, failcnt \d+$/.exec(t)
    if (m !== null) return Number(m[1])
  }
  return null
}

/**
 * oom_badness() (>= 5.9 form) of a row from the kernel's own printed values, for a memcg OOM
 * whose totalpages is the limit (no swap): rss + swapents + pgtables + adj * (totalpages / 1000).
 */
export function rowPoints(r: KernelTaskRow, totalPages: number): number {
  return (
    r.rss +
    r.swapEnts +
    Math.floor(r.pgtablesBytes / 4096) +
    r.oomScoreAdj * Math.floor(totalPages / 1000)
  )
}

/**
 * Only the kills of one case: a kill belongs to it when its summary names the case memcg, or
 * (ratelimited, no summary) when its victim is one of the case's processes. Other OOMs on the
 * machine (someone else's tests) log into the same ring buffer.
 */
export function caseKills(
  kills: readonly KernelKill[],
  memcgPath: string,
  pids: ReadonlySet<number>
): KernelKill[] {
  return kills.filter(k =>
    k.summary !== null ? k.summary.oomMemcg === memcgPath : pids.has(k.killed.pid)
  )
}
