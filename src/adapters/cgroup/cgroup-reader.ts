/**
 * @module Reading one memory cgroup directory cheaply enough to poll (v1 or v2, told apart by
 * which usage file exists), the pids under a cgroup, and where a memcg path lives on the host.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { CgroupReading } from '../proc/memory-source.ts'
import { parseKeyValues, parseLimit, parsePsi } from '../proc/proc-fields.ts'
import { readQuiet } from '../proc/read-quiet.ts'

function limitOrNull(dir: string, file: string): number | null {
  const text = readQuiet(join(dir, file))
  return text === null ? null : parseLimit(text)
}

/** What changes only when an operator changes it (limits, swappiness) and the OOM-kill count,
 * re-read at most once a second: polled every 100 ms, a small cgroup's reads are the daemon's
 * idle CPU. Bounded: one entry per watched path. */
const SLOW_TTL_MS = 1000
interface SlowV1 {
  atMs: number
  limitBytes: number | null
  swapLimitBytes: number | null
  swappiness: number | null
  oomKills: number
}
const slowV1 = new Map<string, SlowV1>()

function readSlowV1(path: string): SlowV1 {
  const now = performance.now()
  const cached = slowV1.get(path)
  if (cached && now - cached.atMs < SLOW_TTL_MS) return cached
  const oom = readQuiet(join(path, 'memory.oom_control')) ?? ''
  const swappiness = readQuiet(join(path, 'memory.swappiness'))
  const slow: SlowV1 = {
    atMs: now,
    limitBytes: parseLimit(readQuiet(join(path, 'memory.limit_in_bytes')) ?? 'max'),
    swapLimitBytes: limitOrNull(path, 'memory.memsw.limit_in_bytes'),
    swappiness: swappiness === null ? null : Number.parseInt(swappiness, 10),
    oomKills: Number(/^oom_kill (\d+)/m.exec(oom)?.[1] ?? 0)
  }
  if (slowV1.size > 64) slowV1.clear()
  slowV1.set(path, slow)
  return slow
}

/** One key of a memory.stat text, without building a map of all of them. */
function statValue(text: string, key: string): number | null {
  const at = text.startsWith(`${key} `) ? 0 : text.indexOf(`\n${key} `)
  if (at < 0) return null
  const from = at === 0 ? key.length + 1 : at + key.length + 2
  const end = text.indexOf('\n', from)
  return Number(text.slice(from, end < 0 ? undefined : end))
}

function readV1(path: string, usage: string): CgroupReading {
  const stat = readQuiet(join(path, 'memory.stat')) ?? ''
  const { atMs: _at, ...slow } = readSlowV1(path)
  return {
    path,
    version: 1,
    usageBytes: Number(usage),
    inactiveFileBytes:
      statValue(stat, 'total_inactive_file') ?? statValue(stat, 'inactive_file') ?? 0,
    ...slow,
    psi: null,
    canKill: false
  }
}

function readV2(path: string, current: string): CgroupReading {
  const stat = parseKeyValues(readQuiet(join(path, 'memory.stat')) ?? '')
  const events = parseKeyValues(readQuiet(join(path, 'memory.events')) ?? '')
  const pressure = readQuiet(join(path, 'memory.pressure'))
  return {
    path,
    version: 2,
    usageBytes: Number(current),
    inactiveFileBytes: stat.get('inactive_file') ?? 0,
    limitBytes: parseLimit(readQuiet(join(path, 'memory.max')) ?? 'max'),
    swapLimitBytes: limitOrNull(path, 'memory.swap.max'),
    swappiness: null,
    psi: pressure === null ? null : parsePsi(pressure),
    oomKills: events.get('oom_kill') ?? 0,
    canKill: existsSync(join(path, 'cgroup.kill'))
  }
}

/** A memory cgroup directory's counters and limits, or null when it is gone. */
export function readCgroup(path: string): CgroupReading | null {
  const v1Usage = readQuiet(join(path, 'memory.usage_in_bytes'))
  if (v1Usage !== null) return readV1(path, v1Usage)
  const current = readQuiet(join(path, 'memory.current'))
  return current === null ? null : readV2(path, current)
}

/** Pids in a cgroup directory and its descendants. */
export function cgroupPids(path: string): number[] {
  const out: number[] = []
  const walk = (dir: string): void => {
    const text = readQuiet(join(dir, 'cgroup.procs'))
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

/** The directory of a memory cgroup (a /proc/<pid>/cgroup path) under `cgroupRoot`, or null. */
export function cgroupDir(cgroupRoot: string, memcg: string): string | null {
  // cgroup v1 mounts the memory controller on its own hierarchy; v2 has one tree.
  for (const root of [join(cgroupRoot, 'memory'), cgroupRoot]) {
    const dir = join(root, memcg)
    if (
      existsSync(join(dir, 'cgroup.procs')) &&
      (existsSync(join(dir, 'memory.usage_in_bytes')) || existsSync(join(dir, 'memory.current')))
    )
      return dir
  }
  return null
}
