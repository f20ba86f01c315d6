/**
 * @module Reading one process from /proc/<pid>: stat (start time, state, get_mm_rss), status
 * (memory, uid, CapEff), oom_score_adj, and what does not change while a process lives (cmdline,
 * exe, memory cgroup), cached per (pid, start time, executable) and re-read after a while. The cache holds
 * only live pids (every full listing prunes it) and at most STATIC_CACHE_MAX_BYTES (the oldest
 * entries go first), and a command line is kept to CMDLINE_MAX characters.
 */
import { closeSync, openSync, readSync, readdirSync, readlinkSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { ProcReading } from './memory-source.ts'
import { parsePasswd } from './parse-proc.ts'
import { PF_KTHREAD, hasSysAdmin, parseProcCgroup, parseStat, parseStatus } from './proc-fields.ts'
import { readQuiet } from './read-quiet.ts'

/** What does not change while a process lives (keyed by pid and start time). */
interface StaticInfo {
  startTime: number
  /** "dev:ino" of /proc/<pid>/exe when read: another one means the process has exec'd since. */
  exeId: string
  /** The path in `exe` names that same file. */
  exeTrusted: boolean
  cmdline: string
  exe: string
  memcg: string
  readAtMs: number
}

/** How long cached cmdline/exe/cgroup stay fresh (a process can be moved between cgroups). */
const STATIC_TTL_MS = 30_000
/** A command line is kept (and reported) up to this many characters: any user can start
 * processes with 100 KB command lines, a thousand a second. */
export const CMDLINE_MAX = 4096
/** The cache's cap: its entries' strings and overhead, in bytes (oldest entries go first). */
export const STATIC_CACHE_MAX_BYTES = 1024 * 1024
/** What one entry costs besides its strings (the record, the map slot). */
const ENTRY_OVERHEAD = 160

/** One buffer for every cmdline read: the head of the file only, never the whole of it. */
const head = Buffer.alloc(CMDLINE_MAX + 1)

/** The first CMDLINE_MAX + 1 bytes of a file, or '' when it cannot be read. */
function readHead(path: string): string {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return ''
  }
  try {
    let n = 0
    for (let r = 1; r > 0 && n < head.length; n += r)
      r = readSync(fd, head, n, head.length - n, null)
    return head.toString('utf8', 0, n)
  } catch {
    return ''
  } finally {
    closeSync(fd)
  }
}

/** A cmdline file's head: NULs as spaces, at most CMDLINE_MAX characters (then "…"). */
function cmdlineOf(raw: string): string {
  const text = raw.replace(/\0+$/, '').replace(/\0/g, ' ')
  return text.length > CMDLINE_MAX ? `${text.slice(0, CMDLINE_MAX - 1)}…` : text
}

function entryBytes(info: StaticInfo): number {
  return ENTRY_OVERHEAD + 2 * (info.cmdline.length + info.exe.length + info.memcg.length)
}

function readExe(dir: string): string {
  try {
    return readlinkSync(join(dir, 'exe'))
  } catch {
    return ''
  }
}

/** "dev:ino" of a file (following links: /proc/<pid>/exe leads to the running binary), or ''. */
function fileId(path: string): string {
  try {
    const st = statSync(path, { bigint: true })
    return `${st.dev}:${st.ino}`
  } catch {
    return ''
  }
}

function readStatic(
  dir: string,
  stat: { startTime: number; exeId: string },
  kthread: boolean,
  now: number
): StaticInfo {
  const exe = kthread ? '' : readExe(dir)
  return {
    startTime: stat.startTime,
    exeId: stat.exeId,
    exeTrusted: exe !== '' && stat.exeId !== '' && fileId(exe) === stat.exeId,
    cmdline: kthread ? '' : cmdlineOf(readHead(join(dir, 'cmdline'))),
    exe,
    memcg: parseProcCgroup(readQuiet(join(dir, 'cgroup'), true) ?? ''),
    readAtMs: now
  }
}

/** Session id: the 4th field after the comm's closing parenthesis (state ppid pgrp session). */
function sessionOf(statText: string): number {
  const n = Number(statText.slice(statText.lastIndexOf(')') + 2).split(' ', 4)[3])
  return Number.isFinite(n) ? n : 0
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
  private readonly statics = new StaticCache()

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
    const statText = readQuiet(join(dir, 'stat'), true)
    if (statText === null) return null
    const stat = parseStat(statText)
    if (!stat) return null
    const status = parseStatus(withMemory ? (readQuiet(join(dir, 'status'), true) ?? '') : '')
    const kthread = (stat.flags & PF_KTHREAD) !== 0
    const now = performance.now()
    let info = this.statics.get(pid)
    // One stat(2) per read: an exec (same pid and start time, another binary) is seen at once.
    const exeId = kthread ? '' : fileId(join(dir, 'exe'))
    if (
      !info ||
      info.startTime !== stat.startTime ||
      info.exeId !== exeId ||
      now - info.readAtMs > STATIC_TTL_MS
    ) {
      info = readStatic(dir, { startTime: stat.startTime, exeId }, kthread, now)
      this.statics.remember(pid, info, stat.startTime)
    }
    this.users ??= parsePasswd(readQuiet(this.passwd) ?? '')
    const adj = withMemory ? readQuiet(join(dir, 'oom_score_adj'), true) : null
    return {
      pid,
      ppid: stat.ppid,
      session: sessionOf(statText),
      comm: stat.comm,
      cmdline: info.cmdline,
      exe: info.exe,
      exeTrusted: info.exeTrusted,
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
    if (!pids) this.statics.keepOnly(new Set(out.map(p => p.pid)))
    return out
  }

  /** The cache's size: entries and bytes (for tests and the footprint). */
  get cacheSize(): { entries: number; bytes: number } {
    return this.statics.size
  }
}

/** The static cache: insertion order is age order (a refreshed entry is re-inserted at the end);
 * at most STATIC_CACHE_MAX_BYTES, the oldest entries going first. */
class StaticCache {
  private readonly map = new Map<number, StaticInfo>()
  private bytes = 0
  /** Start times of pids read once: an entry is kept from the second reading on, so a process
   * that lives for one scan (churn) leaves nothing behind to be promoted and collected later. */
  private readonly seenOnce = new Map<number, number>()

  get(pid: number): StaticInfo | undefined {
    return this.map.get(pid)
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.map.size, bytes: this.bytes }
  }

  /** Cache an entry (from its second reading on), then drop the oldest while over the byte cap. */
  remember(pid: number, info: StaticInfo, startTime: number): void {
    if (this.seenOnce.get(pid) !== startTime && !this.map.has(pid)) {
      if (this.seenOnce.size >= 16_384) this.seenOnce.clear()
      this.seenOnce.set(pid, startTime)
      return
    }
    this.seenOnce.delete(pid)
    this.forget(pid)
    this.map.set(pid, info)
    this.bytes += entryBytes(info)
    for (const old of this.map.keys()) {
      if (this.bytes <= STATIC_CACHE_MAX_BYTES) break
      this.forget(old)
    }
  }

  forget(pid: number): void {
    const info = this.map.get(pid)
    if (!info) return
    this.bytes -= entryBytes(info)
    this.map.delete(pid)
  }

  /** Drop the entries of pids not in `live` (the processes of a full listing). */
  keepOnly(live: ReadonlySet<number>): void {
    for (const pid of [...this.map.keys()]) if (!live.has(pid)) this.forget(pid)
    for (const pid of [...this.seenOnce.keys()]) if (!live.has(pid)) this.seenOnce.delete(pid)
  }
}
