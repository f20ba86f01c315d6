/**
 * @module `LiveHostSource`: the HostSource reading a Linux filesystem layout under a root
 * directory: '/' for the running host, or a captured tree (tests/fixtures/proc/*) for tests and
 * offline use. The same code serves both, so the contract suite exercises one implementation
 * against many hosts.
 */
import { join } from 'node:path'
import { readMemcgTree } from '../cgroup/memcg-tree.ts'
import type {
  CgroupLine,
  HostSource,
  Meminfo,
  MemcgTree,
  ProcStat,
  ProcStatus,
  Psi,
  Read,
  TaskReading,
  VmSysctls,
  ZoneReading
} from './host-source.ts'
import { parseCgroup, parseMeminfo, parsePasswd, parsePsi, parseVmstat } from './parse-proc.ts'
import { parseStatusBytes } from './parse-status-bytes.ts'
import { parseIntBytes, parseStatBytes } from './parse-stat-bytes.ts'
import { parseZoneinfo } from './parse-zoneinfo.ts'
import { listPidsUnder } from './list-pids.ts'
import { mapRead, readPidBytes, readPidText, readText } from './read-text.ts'
import { readVmSysctls } from './vm-sysctls.ts'
import { readTasks } from './task-reader.ts'
import { readCgroupPids } from './cgroup-pids.ts'

/** A HostSource over the files under `root` (default '/'). */
export class LiveHostSource implements HostSource {
  readonly root: string
  readonly description: string
  private readonly proc: string

  constructor(root = '/') {
    this.root = root
    this.proc = join(root, 'proc')
    this.description = root === '/' ? 'live host' : root
  }

  listPids(): number[] {
    return listPidsUnder(this.proc)
  }

  // The four files a scan reads per process are parsed from their bytes (no string per file).
  procStatus(pid: number): Read<ProcStatus> {
    return readPidBytes(`${this.proc}/${pid}/status`, parseStatusBytes)
  }

  procStat(pid: number): Read<ProcStat> {
    return readPidBytes(`${this.proc}/${pid}/stat`, parseStatBytes)
  }

  procOomScore(pid: number): Read<number> {
    return readPidBytes(`${this.proc}/${pid}/oom_score`, parseIntBytes)
  }

  procOomScoreAdj(pid: number): Read<number> {
    return readPidBytes(`${this.proc}/${pid}/oom_score_adj`, parseIntBytes)
  }

  procCgroup(pid: number): Read<CgroupLine[]> {
    return mapRead(readPidText(`${this.proc}/${pid}/cgroup`), parseCgroup)
  }

  procTasks(pid: number): Read<TaskReading[]> {
    return readTasks(this.proc, pid)
  }

  meminfo(): Read<Meminfo> {
    return mapRead(readText(join(this.proc, 'meminfo')), parseMeminfo)
  }

  zoneinfo(): Read<ZoneReading[]> {
    return mapRead(readText(join(this.proc, 'zoneinfo')), parseZoneinfo)
  }

  vmstat(): Read<Readonly<Record<string, number>>> {
    return mapRead(readText(join(this.proc, 'vmstat')), parseVmstat)
  }

  sysctls(): VmSysctls {
    return readVmSysctls(this.proc)
  }

  pressure(): Read<Psi> {
    return mapRead(readText(join(this.proc, 'pressure/memory')), parsePsi)
  }

  release(): Read<string> {
    return mapRead(readText(join(this.proc, 'sys/kernel/osrelease')), t => t.trim())
  }

  memcgs(): Read<MemcgTree> {
    return readMemcgTree(this.root)
  }

  memcgPids(tree: MemcgTree): Read<ReadonlyMap<number, string>> {
    return readCgroupPids(join(this.root, tree.mount))
  }

  users(): ReadonlyMap<number, string> {
    const r = readText(join(this.root, 'etc/passwd'))
    return r.ok ? parsePasswd(r.value) : new Map()
  }
}
