/**
 * @module Parsers for the per-process and system text files of /proc: status, stat, cgroup,
 * meminfo, vmstat and PSI. Pure functions from text to data; kB stay kB.
 */
import type { CgroupLine, Meminfo, ProcStat, ProcStatus, Psi, PsiLine } from './host-source.ts'
import { parseStatusBytes } from './parse-status-bytes.ts'

/** PF_KTHREAD in task->flags (include/linux/sched.h). */
export const PF_KTHREAD = 0x00200000

/** CAP_SYS_ADMIN and CAP_SYS_RESOURCE bit numbers (uapi/linux/capability.h). */
export const CAP_SYS_ADMIN = 21
export const CAP_SYS_RESOURCE = 24

/** Whether capability `bit` is set in a CapEff/CapPrm set (as parsed from status). */
export function hasCapability(set: bigint, bit: number): boolean {
  return ((set >> BigInt(bit)) & 1n) === 1n
}

/** /proc/<pid>/status. Missing memory lines (kthreads, zombies) become null. The text is read
 * as the scan reads the file's bytes (parse-status-bytes.ts), so both give the same fields. */
export function parseStatus(text: string): ProcStatus {
  const bytes = Buffer.from(text, 'utf8')
  return parseStatusBytes(bytes, bytes.length)
}

/**
 * Fields 0, 1, 6, 19 and 21 of the space-separated `rest` of a stat line (state, ppid, flags,
 * starttime, rss counted from the field after the comm); undefined past the last field.
 */
function statFields(rest: string): (string | undefined)[] {
  const out: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined]
  let start = 0
  for (let field = 0, slot = 0; field <= 21 && start <= rest.length; field++) {
    let end = rest.indexOf(' ', start)
    if (end < 0) end = rest.length
    if (field === 0 || field === 1 || field === 6 || field === 19 || field === 21)
      out[slot++] = rest.slice(start, end)
    start = end + 1
  }
  return out
}

/** /proc/<pid>/stat: comm is between the first '(' and the LAST ')'. */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  const [state, ppid, flags, startTime, rss] = statFields(text.slice(close + 2).trim())
  return {
    pid: parseInt(text.slice(0, open), 10),
    comm: text.slice(open + 1, close),
    state: state ?? '?',
    ppid: Number(ppid ?? 0),
    flags: Number(flags ?? 0),
    startTime: Number(startTime ?? 0),
    rssPages: Number(rss ?? 0)
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
