/**
 * @module The lines that close an OOM report: the oom-kill summary (global and memcg, cut or
 * whole), "Kill process ... score N or sacrifice child" and its 2.6 forms, "sharing same
 * memory", every "Killed process" form (3.x, +shmem-rss, 5.1 message prefix, 5.4 UID/pgtables/
 * adj, RHEL6 "Killed process N, UID U, (comm)", 2.6 vsz), oom.group, the reaper lines, "no
 * killable processes", panics, "already exiting", "mm pinned", and page allocation failures.
 */
import type { KilledInfo } from '../kernel/oom-report.ts'
import { parseNodeList } from './parse-header.ts'
import type { SummaryLine } from './oom-event.ts'

/** One recognised closing line. */
export type KillLine =
  | { kind: 'summary'; summary: SummaryLine }
  | { kind: 'summary-tail'; summary: SummaryLine }
  | { kind: 'sacrifice'; message: string; pid: number; comm: string; score: number | null }
  | { kind: 'sharing'; pid: number; comm: string }
  | {
      kind: 'killed'
      killed: Partial<KilledInfo> & { pid: number; comm: string }
      uidForm: boolean
    }
  | { kind: 'oom-group'; memcg: string }
  | {
      kind: 'reaped'
      pid: number
      comm: string
      anonRssKb: number | null
      fileRssKb: number | null
      shmemRssKb: number | null
    }
  | { kind: 'unable-to-reap'; pid: number; comm: string }
  | { kind: 'no-killable' }
  | { kind: 'panic'; text: string }
  | { kind: 'already-exiting'; pid: number; comm: string }
  | { kind: 'mm-pinned' }
  | { kind: 'alloc-failure'; comm: string; order: number | null; gfpMask: number | null }
  | { kind: 'truncated-kill'; text: string }
  /** The wrapped second half of a kill line: "score N or a child", "anon-rss:NkB, ...". */
  | { kind: 'kill-tail'; score: number | null; fields: Partial<KilledInfo> }

const SUMMARY_KEYS = [
  'constraint',
  'nodemask',
  'cpuset',
  'mems_allowed',
  'oom_memcg',
  'global_oom',
  'task_memcg',
  'task',
  'pid',
  'uid'
]
const SUMMARY_SPLIT = new RegExp(`,\\s*(?=(?:${SUMMARY_KEYS.join('|')})(?:=|,|$))`)

/** Parse "oom-kill:constraint=...,task=...,pid=...,uid=..." including cut variants. */
export function parseSummaryLine(text: string): SummaryLine | null {
  const at = text.indexOf('oom-kill:')
  if (at < 0 || !text.startsWith('constraint=', at + 9)) return null
  return summaryFields(text.slice(at + 9).replace(/\s+$/, ''))
}

/** The key=value fields of a summary line (or of its wrapped second half). */
export function summaryFields(body: string): SummaryLine {
  const s: SummaryLine = {
    constraint: null,
    nodemask: null,
    cpuset: null,
    memsAllowed: null,
    oomMemcg: null,
    globalOom: false,
    taskMemcg: null,
    task: null,
    pid: null,
    uid: null,
    truncated: true
  }
  const parts = body.split(SUMMARY_SPLIT)
  for (let i = 0; i < parts.length; i++) {
    // A cut line may end in a dangling comma; inside the line a comma belongs to the value.
    const part = i === parts.length - 1 ? (parts[i] ?? '').replace(/,$/, '') : (parts[i] ?? '')
    const eq = part.indexOf('=')
    const key = eq < 0 ? part : part.slice(0, eq)
    const value = eq < 0 ? '' : part.slice(eq + 1)
    switch (key) {
      case 'constraint':
        s.constraint = value
        break
      case 'nodemask':
        s.nodemask = parseNodeList(value)
        break
      case 'cpuset':
        s.cpuset = value
        break
      case 'mems_allowed':
        s.memsAllowed = parseNodeList(value)
        break
      case 'oom_memcg':
        s.oomMemcg = value
        break
      case 'global_oom':
        s.globalOom = true
        break
      case 'task_memcg':
        s.taskMemcg = value
        break
      case 'task':
        s.task = value
        break
      case 'pid':
        s.pid = /^\d+$/.test(value) ? Number(value) : null
        break
      case 'uid':
        if (/^\d+$/.test(value)) {
          s.uid = Number(value)
          s.truncated = false
        }
        break
    }
  }
  return s
}

const KILLED =
  /(?:^|: )Killed process (\d+)(, UID (\d+),)? \((.*?)\)(?=\s+(?:total-vm|vsz):|[\s.,]*$)(.*)$/
const KILLED_LOOSE = /(?:^|: )Killed process (\d+)(, UID (\d+),)? \((.*)$/
const SACRIFICE =
  /^(?:(.*?): )?[Kk]ill process (\d+) \((.*)\) (?:score (-?\d+) (?:or sacrifice child|or a child|and children)|with score (-?\d+))/
const SACRIFICE_BARE = /^(?:(.*?): )?[Kk]ill process (\d+) \((.*)\)\s*$/
const SCORE_TAIL = /^score (-?\d+) (?:or sacrifice child|or a child|and children)/
const SHARING = /^Kill process (\d+) \((.*)\) sharing same memory/
const REAPED =
  /^oom_reaper: reaped process (\d+) \((.*)\), now anon-rss:(\d+)kB, file-rss:(\d+)kB(?:, shmem-rss:(\d+)kB)?/
const REAPED_LOOSE = /^oom_reaper: reaped process (\d+) \((.*?)\)/
const UNABLE = /^oom_reaper: unable to reap pid:(\d+) \((.*)\)/
const OOM_GROUP = /^Tasks in (.*) are going to be killed due to memory\.oom\.group set/
const EXITING = /OOM victim (\d+) \((.*)\) is already exiting/
const ALLOC_FAIL = /^(.*?):? page allocation failure[.:] order:(\d+), mode:(0x[0-9a-fA-F]+|\d+)/
const KB = (text: string, key: string): number | undefined => {
  const m = new RegExp(`${key}:(\\d+)kB`).exec(text)
  return m ? Number(m[1]) : undefined
}

/** Parse a Killed line's tail "total-vm:..kB, anon-rss:..kB, ... oom_score_adj:N". */
function killedFields(message: string, tail: string): Partial<KilledInfo> {
  const k: Partial<KilledInfo> = { message }
  const totalVm = KB(tail, 'total-vm') ?? KB(tail, 'vsz')
  if (totalVm !== undefined) k.totalVmKb = totalVm
  const anon = KB(tail, 'anon-rss')
  if (anon !== undefined) k.anonRssKb = anon
  const file = KB(tail, 'file-rss')
  if (file !== undefined) k.fileRssKb = file
  const shmem = KB(tail, 'shmem-rss')
  if (shmem !== undefined) k.shmemRssKb = shmem
  const uid = /UID:(\d+)/.exec(tail)
  if (uid) k.uid = Number(uid[1])
  const pg = KB(tail, 'pgtables')
  if (pg !== undefined) k.pgtablesKb = pg
  const adj = /oom_score_adj:(-?\d+)/.exec(tail)
  if (adj) k.oomScoreAdj = Number(adj[1])
  return k
}

/** "Killed process N (comm) total-vm:...", or null. */
function parseKilled(t: string): KillLine | null {
  const m = KILLED.exec(t) ?? KILLED_LOOSE.exec(t)
  if (!m) return null
  const before = t.slice(0, m.index)
  const message = m[0].startsWith(': ') ? before : before.replace(/:\s*$/, '')
  const fields = killedFields(message, m[5] ?? '')
  if (m[3] !== undefined) fields.uid = Number(m[3])
  return {
    kind: 'killed',
    killed: { ...fields, pid: Number(m[1]), comm: m[4] ?? '' },
    uidForm: m[2] !== undefined
  }
}

/** The summary, Killed, "Kill process" / sacrifice lines and their wrapped halves, or null. */
function parseKillOrSummary(t: string): KillLine | null {
  let m: RegExpExecArray | null
  if (t.includes('oom-kill:')) {
    const summary = parseSummaryLine(t)
    if (summary) return { kind: 'summary', summary }
  }
  // The second half of a wrapped summary line: "task=python, pid=2269, uid=0".
  if (/^task=.*,\s*pid=\d+/.test(t)) return { kind: 'summary-tail', summary: summaryFields(t) }
  if (t.includes('Killed process ')) {
    const killed = parseKilled(t)
    if (killed) return killed
  }
  if ((m = SHARING.exec(t))) return { kind: 'sharing', pid: Number(m[1]), comm: m[2] ?? '' }
  if ((m = SACRIFICE_BARE.exec(t)))
    // Wrapped after the comm; the score may follow on the next line.
    return {
      kind: 'sacrifice',
      message: m[1] ?? '',
      pid: Number(m[2]),
      comm: m[3] ?? '',
      score: null
    }
  if ((m = SCORE_TAIL.exec(t))) return { kind: 'kill-tail', score: Number(m[1]), fields: {} }
  if (/^(?:anon-rss|file-rss|shmem-rss|total-vm):\d+kB/.test(t))
    return { kind: 'kill-tail', score: null, fields: killedFields('', ' ' + t) }
  if ((m = SACRIFICE.exec(t))) {
    const score = m[4] ?? m[5]
    return {
      kind: 'sacrifice',
      message: m[1] ?? '',
      pid: Number(m[2]),
      comm: m[3] ?? '',
      score: score === undefined ? null : Number(score)
    }
  }
  return null
}

/** "oom_reaper: reaped process ..." or "oom_reaper: unable to reap pid:...", or null. */
function parseReaperLine(t: string): KillLine | null {
  if (!t.startsWith('oom_reaper:')) return null
  let m: RegExpExecArray | null
  if ((m = REAPED.exec(t)))
    return {
      kind: 'reaped',
      pid: Number(m[1]),
      comm: m[2] ?? '',
      anonRssKb: Number(m[3]),
      fileRssKb: Number(m[4]),
      shmemRssKb: m[5] === undefined ? null : Number(m[5])
    }
  if ((m = UNABLE.exec(t))) return { kind: 'unable-to-reap', pid: Number(m[1]), comm: m[2] ?? '' }
  if ((m = REAPED_LOOSE.exec(t)))
    return {
      kind: 'reaped',
      pid: Number(m[1]),
      comm: m[2] ?? '',
      anonRssKb: null,
      fileRssKb: null,
      shmemRssKb: null
    }
  return null
}

/** oom.group, no killable task, panics, already exiting, mm pinned, allocation failure, cut lines. */
function parseEndLine(t: string): KillLine | null {
  let m: RegExpExecArray | null
  if ((m = OOM_GROUP.exec(t))) return { kind: 'oom-group', memcg: m[1] ?? '' }
  if (t.startsWith('Out of memory and no killable processes')) return { kind: 'no-killable' }
  if (t.startsWith('Kernel panic - not syncing:')) return { kind: 'panic', text: t }
  if (/^Out of memory: (?:compulsory|system-wide) panic_on_oom/.test(t))
    return { kind: 'panic', text: t }
  if ((m = EXITING.exec(t))) return { kind: 'already-exiting', pid: Number(m[1]), comm: m[2] ?? '' }
  if (t.startsWith('oom killer ') && t.includes(' has mm pinned by ')) return { kind: 'mm-pinned' }
  if (t.includes('page allocation failure') && (m = ALLOC_FAIL.exec(t))) {
    const mask = m[3] ?? ''
    return {
      kind: 'alloc-failure',
      comm: m[1] ?? '',
      order: Number(m[2]),
      gfpMask: Number.parseInt(mask, mask.startsWith('0x') ? 16 : 10)
    }
  }
  if (isCutKillText(t)) return { kind: 'truncated-kill', text: t }
  return null
}

/** Classify a closing line, or null. */
export function parseKillLine(text: string): KillLine | null {
  const t = text.trimStart()
  return parseKillOrSummary(t) ?? parseReaperLine(t) ?? parseEndLine(t)
}

const CUT_TARGETS = ['Memory cgroup out of memory: ', 'Out of memory: ']

/** A line cut inside "Memory cgroup out of memory: Kill..." / "Out of memory: Kill...". */
function isCutKillText(t: string): boolean {
  if (t.length < 10) return false
  for (const target of CUT_TARGETS) {
    if (target.startsWith(t)) return true
    if (t.startsWith(target) && /^(?:Kill(?:ed)?|kill)/.test(t.slice(target.length)) === false) {
      const rest = t.slice(target.length)
      if (rest.length > 0 && 'Killed process '.startsWith(rest)) return true
      if (rest.length > 0 && 'Kill process '.startsWith(rest)) return true
    }
  }
  return false
}
