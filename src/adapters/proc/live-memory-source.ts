/**
 * @module The live `MemorySource`: reads /proc and the cgroup filesystem directly
 * (process-reader.ts, ../cgroup/cgroup-reader.ts).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { cgroupDir, cgroupPids, readCgroup } from '../cgroup/cgroup-reader.ts'
import type { MemInfo, MemorySource, ProcReading, Psi } from './memory-source.ts'
import { parseMeminfo, parsePsi } from './proc-fields.ts'
import { ProcessReader } from './process-reader.ts'
import { readQuiet } from './read-quiet.ts'

/** The live reader; `processes(pids, false)` and `process(pid, false)` skip the memory files
 * (status, oom_score_adj) for callers that read those elsewhere. */
export interface LiveSource extends MemorySource {
  processes(pids?: readonly number[], withMemory?: boolean): ProcReading[]
  process(pid: number, withMemory?: boolean): ProcReading | null
}

/** A MemorySource over the real /proc (`procRoot` lets tests point at a fixture tree). */
export function createLiveSource(procRoot = '/proc', cgroupRoot = '/sys/fs/cgroup'): LiveSource {
  const reader = new ProcessReader(procRoot)
  const psiPath = join(procRoot, 'pressure/memory')
  let psiAvailable = existsSync(psiPath)
  return {
    selfPid: process.pid,
    meminfo: (): MemInfo => parseMeminfo(readQuiet(join(procRoot, 'meminfo')) ?? ''),
    psi(): Psi | null {
      if (!psiAvailable) return null
      const text = readQuiet(psiPath)
      if (text === null) {
        psiAvailable = false
        return null
      }
      return parsePsi(text)
    },
    vmSwappiness(): number | null {
      const n = Number.parseInt(readQuiet(join(procRoot, 'sys/vm/swappiness')) ?? '', 10)
      return Number.isFinite(n) ? n : null
    },
    cgroup: readCgroup,
    processes: (pids, withMemory = true) => reader.readMany(pids, withMemory),
    process: (pid, withMemory = true) => reader.read(pid, withMemory),
    cgroupPids,
    cgroupDir: memcg => cgroupDir(cgroupRoot, memcg)
  }
}
