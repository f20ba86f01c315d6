/**
 * @module Reading one process from /proc/<pid>: stat (start time, state, get_mm_rss), status
 * (memory, uid, CapEff), oom_score_adj, and what does not change while a process lives (cmdline,
 * exe, memory cgroup), cached per (pid, start time) and re-read after a while.
 */
import { readdirSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import type { ProcReading } from './memory-source.ts'
import { parsePasswd } from './parse-proc.ts'
import { PF_KTHREAD, hasSysAdmin, parseProcCgroup, parseStat, parseStatus } from './proc-fields.ts'
import { readQuiet } from './read-quiet.ts'

/** What does not change while a process lives (keyed by pid and start time). */
interface StaticInfo {
  startTime: number
  cmdline: string
  exe: string
  memcg: string
  readAtMs: number
}

/** How long cached cmdline/exe/cgroup stay fresh (a process can be moved between cgroups). */
const STATIC_TTL_MS = 30_000

function readExe(dir: string): string {
  try {
    return readlinkSync(join(dir, 'exe'))
  } catch {
    return ''
  }
}

function readStatic(dir: string, startTime: number, kthread: boolean, now: number): StaticInfo {
  return {
    startTime,
    cmdline: kthread
      ? ''
      : (readQuiet(join(dir, 'cmdline')) ?? '').replace(/\0+$/, '').replace(/\0/g, ' '),
    exe: kthread ? '' : readExe(dir),
    memcg: parseProcCgroup(readQuiet(join(dir, 'cgroup')) ?? ''),
    readAtMs: now
  }
}

/** Numeric entries of a /proc directory. */
export function listProcPids(procRoot: string): number[] {
  const out: number[] = []
  for (const name of readdirSync(procRoot)) {
    const c = name.charCodeAt(0)
    if (c >= 48 && c <= 57) out.push(Number(name))
  }
  return out
}

/** Reads processes under `procRoot` (and user names from `passwd`), with the static cache. */
export class ProcessReader {
  private users: Map<number, string> | null = null
  private statics = new Map<number, StaticInfo>()

  private readonly procRoot: string
  private readonly passwd: string

  constructor(procRoot: string, passwd = '/etc/passwd') {
    this.procRoot = procRoot
    this.passwd = passwd
  }

  /** One process, or null when it is gone; `withMemory` false skips status and oom_score_adj
   * (for callers that read those elsewhere). */
  read(pid: number, withMemory = true): ProcReading | null {
    const dir = join(this.procRoot, String(pid))
    const statText = readQuiet(join(dir, 'stat'))
    if (statText === null) return null
    const stat = parseStat(statText)
    if (!stat) return null
    const status = parseStatus(withMemory ? (readQuiet(join(dir, 'status')) ?? '') : '')
    const kthread = (stat.flags & PF_KTHREAD) !== 0
    const now = performance.now()
    let info = this.statics.get(pid)
    if (!info || info.startTime !== stat.startTime || now - info.readAtMs > STATIC_TTL_MS) {
      info = readStatic(dir, stat.startTime, kthread, now)
      this.statics.set(pid, info)
    }
    this.users ??= parsePasswd(readQuiet(this.passwd) ?? '')
    const adj = withMemory ? readQuiet(join(dir, 'oom_score_adj')) : null
    return {
      pid,
      ppid: stat.ppid,
      comm: stat.comm,
      cmdline: info.cmdline,
      exe: info.exe,
      uid: status.uid,
      user: this.users.get(status.uid) ?? String(status.uid),
      kthread,
      startTime: stat.startTime,
      state: stat.state,
      oomScoreAdj: Number.parseInt(adj ?? '0', 10) || 0,
      capSysAdmin: hasSysAdmin(status.capEff),
      rssAnonKb: status.rssAnonKb,
      rssFileKb: status.rssFileKb,
      rssShmemKb: status.rssShmemKb,
      swapKb: status.swapKb,
      pteKb: status.pteKb,
      rssPages: stat.rssPages,
      memcg: info.memcg
    }
  }

  /** Every process (pruning the cache of those gone), or those in `pids`. */
  readMany(pids: readonly number[] | undefined, withMemory = true): ProcReading[] {
    const out: ProcReading[] = []
    for (const pid of pids ?? listProcPids(this.procRoot)) {
      const p = this.read(pid, withMemory)
      if (p) out.push(p)
    }
    if (!pids) {
      const next = new Map<number, StaticInfo>()
      for (const p of out) {
        const info = this.statics.get(p.pid)
        if (info) next.set(p.pid, info)
      }
      this.statics = next
    }
    return out
  }
}
