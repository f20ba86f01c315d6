/**
 * @module Parsers for the /proc and cgroup text files the daemon reads. Pure string -> record
 * functions, so fixture text and live files go through the same code.
 */
import type { MemInfo, Psi, PsiLine } from './readings.ts'

/** /proc/meminfo text -> the fields the triggers use (kB). Missing fields read as 0. */
export function parseMeminfo(text: string): MemInfo {
  const get = (key: string): number => {
    const at = text.indexOf(`\n${key}:`)
    const start = at >= 0 ? at + key.length + 2 : text.startsWith(`${key}:`) ? key.length + 1 : -1
    if (start < 0) return 0
    return Number.parseInt(text.slice(start, text.indexOf('\n', start)).trim(), 10) || 0
  }
  return {
    memTotalKb: get('MemTotal'),
    memAvailableKb: get('MemAvailable'),
    swapTotalKb: get('SwapTotal'),
    swapFreeKb: get('SwapFree'),
    anonPagesKb: get('AnonPages')
  }
}

function parsePsiLine(line: string): PsiLine {
  const field = (k: string): number => {
    const m = new RegExp(`${k}=([0-9.]+)`).exec(line)
    return m ? Number(m[1]) : 0
  }
  return {
    avg10: field('avg10'),
    avg60: field('avg60'),
    avg300: field('avg300'),
    totalUs: field('total')
  }
}

/** A PSI file's text ("some avg10=... total=...\nfull ...") -> record; null when malformed. */
export function parsePsi(text: string): Psi | null {
  let some: PsiLine | null = null
  let full: PsiLine | null = null
  for (const line of text.split('\n')) {
    if (line.startsWith('some ')) some = parsePsiLine(line)
    else if (line.startsWith('full ')) full = parsePsiLine(line)
  }
  return some ? { some, full } : null
}

/** "key value" lines (memory.stat, memory.events, memory.oom_control) -> map. */
export function parseKeyValues(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ')
    if (sp > 0) out.set(line.slice(0, sp), Number(line.slice(sp + 1)))
  }
  return out
}

/**
 * A v1 limit_in_bytes or v2 memory.max value -> bytes, null for unlimited ("max", or the v1
 * PAGE_COUNTER_MAX rounded to pages, anything >= 2^62).
 */
export function parseLimit(text: string): number | null {
  const t = text.trim()
  if (t === 'max' || t === '') return null
  const n = Number(t)
  if (!Number.isFinite(n) || n >= 2 ** 62) return null
  return n
}

/** Fields of /proc/<pid>/stat after the comm: state, ppid, flags, starttime. */
export interface StatFields {
  comm: string
  state: string
  ppid: number
  /** task->flags; PF_KTHREAD = 0x00200000. */
  flags: number
  startTime: number
  /** Field 24: get_mm_rss() in pages, the counter oom_badness() reads (status Rss* lines are
   * exact sums since 6.16 and may differ by the per-CPU batch). */
  rssPages: number
}

/** PF_KTHREAD (include/linux/sched.h). */
export const PF_KTHREAD = 0x00200000

/** /proc/<pid>/stat text -> fields; comm may contain spaces and parentheses. */
export function parseStat(text: string): StatFields | null {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  if (open < 0 || close < open) return null
  const rest = text.slice(close + 2).split(' ')
  // rest[0] is field 3 (state); field N is rest[N - 3].
  return {
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: Number(rest[1]),
    flags: Number(rest[6]),
    startTime: Number(rest[19]),
    rssPages: Number(rest[21]) || 0
  }
}

/** Fields of /proc/<pid>/status (kB for memory). */
export interface StatusFields {
  uid: number
  rssAnonKb: number
  rssFileKb: number
  rssShmemKb: number
  swapKb: number
  pteKb: number
  capEff: bigint
}

/** /proc/<pid>/status text -> fields (0 for lines a kernel thread or zombie lacks). */
export function parseStatus(text: string): StatusFields {
  const out: StatusFields = {
    uid: 0,
    rssAnonKb: 0,
    rssFileKb: 0,
    rssShmemKb: 0,
    swapKb: 0,
    pteKb: 0,
    capEff: 0n
  }
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const key = line.slice(0, colon)
    const value = line.slice(colon + 1).trim()
    switch (key) {
      case 'Uid':
        out.uid = Number.parseInt(value, 10)
        break
      case 'RssAnon':
        out.rssAnonKb = Number.parseInt(value, 10)
        break
      case 'RssFile':
        out.rssFileKb = Number.parseInt(value, 10)
        break
      case 'RssShmem':
        out.rssShmemKb = Number.parseInt(value, 10)
        break
      case 'VmSwap':
        out.swapKb = Number.parseInt(value, 10)
        break
      case 'VmPTE':
        out.pteKb = Number.parseInt(value, 10)
        break
      case 'CapEff':
        out.capEff = BigInt(`0x${value}`)
        break
    }
  }
  return out
}

/**
 * /proc/<pid>/cgroup text -> the memory cgroup path: the v1 "memory" controller line when there
 * is one, else the v2 "0::" line, else '/'.
 */
export function parseProcCgroup(text: string): string {
  let unified = '/'
  for (const line of text.split('\n')) {
    const first = line.indexOf(':')
    const second = line.indexOf(':', first + 1)
    if (first < 0 || second < 0) continue
    const controllers = line.slice(first + 1, second)
    const path = line.slice(second + 1)
    if (controllers.split(',').includes('memory')) return path
    if (line.startsWith('0::')) unified = path
  }
  return unified
}
