/**
 * @module The /proc and cgroup text files as `MemorySource` records: thin shims over the host
 * adapter's parsers (parse-proc.ts, ../cgroup/parse-cgroup-files.ts), reshaping their records
 * into the fields the daemon reads. Pure string -> record functions, so fixture text and live
 * files go through the same code.
 */
import { parseKeyed, parseV1Limit } from '../cgroup/parse-cgroup-files.ts'
import type { Meminfo, ProcStat, ProcStatus } from './host-source.ts'
import type { MemInfo, Psi } from './memory-source.ts'
import * as proc from './parse-proc.ts'

export { PF_KTHREAD } from './parse-proc.ts'

/** The fields the daemon uses from a parsed /proc/meminfo (kB). Missing fields read as 0. */
export function memInfoOf(m: Meminfo): MemInfo {
  return {
    memTotalKb: m.MemTotal ?? 0,
    memAvailableKb: m.MemAvailable ?? 0,
    swapTotalKb: m.SwapTotal ?? 0,
    swapFreeKb: m.SwapFree ?? 0,
    anonPagesKb: m.AnonPages ?? 0
  }
}

/** /proc/meminfo text -> the fields the daemon uses (kB). Missing fields read as 0. */
export function parseMeminfo(text: string): MemInfo {
  return memInfoOf(proc.parseMeminfo(text))
}

/** A PSI file's text ("some avg10=... total=...\nfull ...") -> record; null without a `some` line. */
export function parsePsi(text: string): Psi | null {
  return text.split('\n').some(l => l.startsWith('some ')) ? proc.parsePsi(text) : null
}

/** "key value" lines (memory.stat, memory.events, memory.oom_control) -> map. */
export function parseKeyValues(text: string): Map<string, number> {
  return new Map(Object.entries(parseKeyed(text)))
}

/**
 * A v1 limit_in_bytes or v2 memory.max value -> bytes, null for unlimited ("max", or the v1
 * PAGE_COUNTER_MAX rounded to pages, anything >= 2^62).
 */
export function parseLimit(text: string): number | null {
  return text.trim() === '' ? null : parseV1Limit(text)
}

/** Fields of /proc/<pid>/stat: comm, state, ppid, flags, start time and get_mm_rss() pages. */
export type StatFields = ProcStat

/** /proc/<pid>/stat text -> fields; comm may contain spaces and parentheses. Null without one. */
export function parseStat(text: string): StatFields | null {
  const open = text.indexOf('(')
  if (open < 0 || text.lastIndexOf(')') < open) return null
  const s = proc.parseStat(text)
  return { ...s, rssPages: s.rssPages || 0 }
}

/** Fields of /proc/<pid>/status (kB for memory). */
export interface StatusFields {
  /** Real uid. */
  uid: number
  rssAnonKb: number
  rssFileKb: number
  rssShmemKb: number
  swapKb: number
  pteKb: number
  capEff: bigint
}

/** A parsed /proc/<pid>/status -> the daemon's fields (0 for lines a kthread or zombie lacks). */
export function statusFieldsOf(s: ProcStatus): StatusFields {
  return {
    uid: s.uid[0],
    rssAnonKb: s.rssAnonKb ?? 0,
    rssFileKb: s.rssFileKb ?? 0,
    rssShmemKb: s.rssShmemKb ?? 0,
    swapKb: s.vmSwapKb ?? 0,
    pteKb: s.vmPteKb ?? 0,
    capEff: s.capEff
  }
}

/** /proc/<pid>/status text -> fields (0 for lines a kernel thread or zombie lacks). */
export function parseStatus(text: string): StatusFields {
  return statusFieldsOf(proc.parseStatus(text))
}

/** CapEff has CAP_SYS_ADMIN. */
export function hasSysAdmin(capEff: bigint): boolean {
  return proc.hasCapability(capEff, proc.CAP_SYS_ADMIN)
}

/**
 * /proc/<pid>/cgroup text -> the memory cgroup path: the v1 "memory" controller line when there
 * is one, else the (last) v2 "0::" line, else '/'.
 */
export function parseProcCgroup(text: string): string {
  let unified = '/'
  for (const line of proc.parseCgroup(text)) {
    if (line.controllers.includes('memory')) return line.path
    if (line.hierarchy === 0 && line.controllers.length === 0) unified = line.path
  }
  return unified
}
