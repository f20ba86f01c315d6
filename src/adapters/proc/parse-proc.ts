/**
 * @module Parsers for the per-process and system text files of /proc: status, stat, cgroup,
 * meminfo, vmstat and PSI. Pure functions from text to data; kB stay kB.
 */
import type { CgroupLine, Meminfo, ProcStat, ProcStatus, Psi, PsiLine } from './host-source.ts'

/** PF_KTHREAD in task->flags (include/linux/sched.h). */
export const PF_KTHREAD = 0x00200000

/** CAP_SYS_ADMIN and CAP_SYS_RESOURCE bit numbers (uapi/linux/capability.h). */
export const CAP_SYS_ADMIN = 21
export const CAP_SYS_RESOURCE = 24

/** Whether capability `bit` is set in a CapEff/CapPrm set (as parsed from status). */
export function hasCapability(set: bigint, bit: number): boolean {
  return ((set >> BigInt(bit)) & 1n) === 1n
}

function kb(value: string | undefined): number | null {
  if (value === undefined) return null
  const n = parseInt(value, 10)
  return Number.isFinite(n) ? n : null
}

/** The status lines `parseStatus` reads (every other line is skipped without a copy). */
const STATUS_KEYS = new Set([
  'Name',
  'State',
  'Tgid',
  'PPid',
  'Uid',
  'Threads',
  'VmSize',
  'RssAnon',
  'RssFile',
  'RssShmem',
  'VmSwap',
  'VmPTE',
  'CapEff',
  'Kthread'
])

/** /proc/<pid>/status. Missing memory lines (kthreads, zombies) become null. */
export function parseStatus(text: string): ProcStatus {
  const fields = new Map<string, string>()
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    const colon = text.indexOf(':', start)
    if (colon > start && colon < end) {
      const key = text.slice(start, colon)
      if (STATUS_KEYS.has(key)) fields.set(key, text.slice(colon + 1, end).trim())
    }
    start = end + 1
  }
  const uids = (fields.get('Uid') ?? '0 0 0 0').split(/\s+/).map(Number)
  const kthread = fields.get('Kthread')
  return {
    name: fields.get('Name') ?? '',
    state: (fields.get('State') ?? '?').charAt(0),
    tgid: Number(fields.get('Tgid') ?? 0),
    ppid: Number(fields.get('PPid') ?? 0),
    uid: [uids[0] ?? 0, uids[1] ?? 0, uids[2] ?? 0, uids[3] ?? 0],
    threads: Number(fields.get('Threads') ?? 1),
    vmSizeKb: kb(fields.get('VmSize')),
    rssAnonKb: kb(fields.get('RssAnon')),
    rssFileKb: kb(fields.get('RssFile')),
    rssShmemKb: kb(fields.get('RssShmem')),
    vmSwapKb: kb(fields.get('VmSwap')),
    vmPteKb: kb(fields.get('VmPTE')),
    capEff: BigInt('0x' + (fields.get('CapEff') || '0')),
    kthread: kthread === undefined ? null : kthread === '1'
  }
}

/** /proc/<pid>/stat: comm is between the first '(' and the LAST ')'. */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' ')
  return {
    pid: parseInt(text.slice(0, open), 10),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: Number(rest[1] ?? 0),
    flags: Number(rest[6] ?? 0),
    startTime: Number(rest[19] ?? 0),
    rssPages: Number(rest[21] ?? 0)
  }
}

/** /proc/<pid>/cgroup: one entry per hierarchy. */
export function parseCgroup(text: string): CgroupLine[] {
  const out: CgroupLine[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    const a = line.indexOf(':')
    const b = line.indexOf(':', a + 1)
    if (a < 0 || b < 0) continue
    const controllers = line.slice(a + 1, b)
    out.push({
      hierarchy: Number(line.slice(0, a)),
      controllers: controllers === '' ? [] : controllers.split(','),
      path: line.slice(b + 1)
    })
  }
  return out
}

/** /proc/meminfo: "Key:   123 kB" lines. */
export function parseMeminfo(text: string): Meminfo {
  const out: Record<string, number> = {}
  for (const m of text.matchAll(/^([^:\n]+):\s+(\d+)/gm)) out[m[1] as string] = Number(m[2])
  return out
}

/** /proc/vmstat: "name value" lines. */
export function parseVmstat(text: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const m of text.matchAll(/^(\S+) (\d+)$/gm)) out[m[1] as string] = Number(m[2])
  return out
}

function psiLine(line: string | undefined): PsiLine | null {
  if (line === undefined) return null
  const get = (k: string): number => Number(new RegExp(`${k}=([\\d.]+)`).exec(line)?.[1] ?? 0)
  return { avg10: get('avg10'), avg60: get('avg60'), avg300: get('avg300'), totalUs: get('total') }
}

/** /proc/pressure/memory. */
export function parsePsi(text: string): Psi {
  const lines = text.split('\n')
  const some = psiLine(lines.find(l => l.startsWith('some ')))
  return {
    some: some ?? { avg10: 0, avg60: 0, avg300: 0, totalUs: 0 },
    full: psiLine(lines.find(l => l.startsWith('full ')))
  }
}

/** /etc/passwd: uid -> name. */
export function parsePasswd(text: string): Map<number, string> {
  const out = new Map<number, string>()
  for (const line of text.split('\n')) {
    const parts = line.split(':')
    if (parts.length >= 3 && parts[0] && /^\d+$/.test(parts[2] ?? '')) {
      out.set(Number(parts[2]), parts[0])
    }
  }
  return out
}
