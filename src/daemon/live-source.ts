/**
 * @module The live MemorySource: reads /proc and the cgroup filesystem directly. Cheap enough to
 * call every 100 ms (one /proc/meminfo read is a few microseconds); the full process scan is done
 * only when a victim has to be chosen.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  readlinkSync
} from 'node:fs'
import { join } from 'node:path'
import type { MemorySource } from './memory-source.ts'
import type { CgroupReading, MemInfo, ProcReading, Psi } from './readings.ts'
import { parsePasswd } from '../adapters/proc/parse-proc.ts'
import {
  PF_KTHREAD,
  hasSysAdmin,
  parseKeyValues,
  parseLimit,
  parseMeminfo,
  parseProcCgroup,
  parsePsi,
  parseStat,
  parseStatus
} from './proc-parse.ts'

/** One buffer for every small /proc read: open, read, close (no fstat, no allocation per read). */
const buffer = Buffer.allocUnsafe(64 * 1024)

function read(path: string): string | null {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return null
  }
  try {
    let total = 0
    for (;;) {
      const n = readSync(fd, buffer, total, buffer.length - total, null)
      if (n <= 0) break
      total += n
      // Larger than the buffer (a huge cmdline): read it the ordinary way.
      if (total === buffer.length) return readFileSync(path, 'utf8')
    }
    return buffer.toString('utf8', 0, total)
  } catch {
    return null
  } finally {
    closeSync(fd)
  }
}

/** What does not change while a process lives (keyed by pid and start time), re-read after a while. */
interface StaticInfo {
  startTime: number
  cmdline: string
  exe: string
  memcg: string
  readAtMs: number
}

/** How long cached cmdline/exe/cgroup stay fresh (a process can be moved between cgroups). */
const STATIC_TTL_MS = 30_000

function loadUsers(): Map<number, string> {
  return parsePasswd(read('/etc/passwd') ?? '')
}

/** The live reader; `processes(pids, false)` and `process(pid, false)` skip the memory files
 * (status, oom_score_adj) for callers that read those elsewhere. */
export interface LiveSource extends MemorySource {
  processes(pids?: readonly number[], withMemory?: boolean): ProcReading[]
  process(pid: number, withMemory?: boolean): ProcReading | null
}

/** A MemorySource over the real /proc (`procRoot` lets tests point at a fixture tree). */
export function createLiveSource(procRoot = '/proc', cgroupRoot = '/sys/fs/cgroup'): LiveSource {
  let users: Map<number, string> | null = null
  let statics = new Map<number, StaticInfo>()
  const psiPath = join(procRoot, 'pressure/memory')
  let psiAvailable = existsSync(psiPath)

  const readProcess = (pid: number, withMemory = true): ProcReading | null => {
    const dir = join(procRoot, String(pid))
    const statText = read(join(dir, 'stat'))
    if (statText === null) return null
    const stat = parseStat(statText)
    if (!stat) return null
    const status = parseStatus(withMemory ? (read(join(dir, 'status')) ?? '') : '')
    const kthread = (stat.flags & PF_KTHREAD) !== 0
    const now = performance.now()
    let info = statics.get(pid)
    if (!info || info.startTime !== stat.startTime || now - info.readAtMs > STATIC_TTL_MS) {
      let exe = ''
      if (!kthread) {
        try {
          exe = readlinkSync(join(dir, 'exe'))
        } catch {
          exe = ''
        }
      }
      info = {
        startTime: stat.startTime,
        cmdline: kthread
          ? ''
          : (read(join(dir, 'cmdline')) ?? '').replace(/\0+$/, '').replace(/\0/g, ' '),
        exe,
        memcg: parseProcCgroup(read(join(dir, 'cgroup')) ?? ''),
        readAtMs: now
      }
      statics.set(pid, info)
    }
    users ??= loadUsers()
    return {
      pid,
      ppid: stat.ppid,
      comm: stat.comm,
      cmdline: info.cmdline,
      exe: info.exe,
      uid: status.uid,
      user: users.get(status.uid) ?? String(status.uid),
      kthread,
      startTime: stat.startTime,
      state: stat.state,
      oomScoreAdj: withMemory
        ? Number.parseInt(read(join(dir, 'oom_score_adj')) ?? '0', 10) || 0
        : 0,
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

  const allPids = (): number[] => {
    const out: number[] = []
    for (const name of readdirSync(procRoot)) {
      const c = name.charCodeAt(0)
      if (c >= 48 && c <= 57) out.push(Number(name))
    }
    return out
  }

  const cgroupPids = (path: string): number[] => {
    const out: number[] = []
    const walk = (dir: string): void => {
      const text = read(join(dir, 'cgroup.procs'))
      if (text === null) return
      for (const line of text.split('\n')) if (line) out.push(Number(line))
      let entries: string[]
      try {
        entries = readdirSync(dir, { withFileTypes: true })
          .filter(e => e.isDirectory())
          .map(e => e.name)
      } catch {
        entries = []
      }
      for (const e of entries) walk(join(dir, e))
    }
    walk(path)
    return out
  }

  return {
    selfPid: process.pid,
    meminfo(): MemInfo {
      return parseMeminfo(read(join(procRoot, 'meminfo')) ?? '')
    },
    psi(): Psi | null {
      if (!psiAvailable) return null
      const text = read(psiPath)
      if (text === null) {
        psiAvailable = false
        return null
      }
      return parsePsi(text)
    },
    cgroup(path: string): CgroupReading | null {
      const v1Usage = read(join(path, 'memory.usage_in_bytes'))
      if (v1Usage !== null) {
        const stat = parseKeyValues(read(join(path, 'memory.stat')) ?? '')
        const oom = parseKeyValues(read(join(path, 'memory.oom_control')) ?? '')
        return {
          path,
          version: 1,
          usageBytes: Number(v1Usage),
          inactiveFileBytes: stat.get('total_inactive_file') ?? stat.get('inactive_file') ?? 0,
          limitBytes: parseLimit(read(join(path, 'memory.limit_in_bytes')) ?? 'max'),
          psi: null,
          oomKills: oom.get('oom_kill') ?? 0,
          canKill: false
        }
      }
      const current = read(join(path, 'memory.current'))
      if (current === null) return null
      const stat = parseKeyValues(read(join(path, 'memory.stat')) ?? '')
      const events = parseKeyValues(read(join(path, 'memory.events')) ?? '')
      const pressure = read(join(path, 'memory.pressure'))
      return {
        path,
        version: 2,
        usageBytes: Number(current),
        inactiveFileBytes: stat.get('inactive_file') ?? 0,
        limitBytes: parseLimit(read(join(path, 'memory.max')) ?? 'max'),
        psi: pressure === null ? null : parsePsi(pressure),
        oomKills: events.get('oom_kill') ?? 0,
        canKill: existsSync(join(path, 'cgroup.kill'))
      }
    },
    processes(pids?: readonly number[], withMemory = true): ProcReading[] {
      const out: ProcReading[] = []
      for (const pid of pids ?? allPids()) {
        const p = readProcess(pid, withMemory)
        if (p) out.push(p)
      }
      if (!pids) {
        // A full scan prunes the cache of processes that are gone.
        const next = new Map<number, StaticInfo>()
        for (const p of out) {
          const info = statics.get(p.pid)
          if (info) next.set(p.pid, info)
        }
        statics = next
      }
      return out
    },
    process: readProcess,
    cgroupPids,
    cgroupDir(memcg: string): string | null {
      // cgroup v1 mounts the memory controller on its own hierarchy; v2 has one tree.
      for (const root of [join(cgroupRoot, 'memory'), cgroupRoot]) {
        const dir = join(root, memcg)
        if (
          existsSync(join(dir, 'cgroup.procs')) &&
          (existsSync(join(dir, 'memory.usage_in_bytes')) ||
            existsSync(join(dir, 'memory.current')))
        )
          return dir
      }
      return null
    }
  }
}
