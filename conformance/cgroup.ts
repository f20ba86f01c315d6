/**
 * @module A memory cgroup for one conformance case, on cgroup v1 (memory.limit_in_bytes,
 * memory.oom_control) or v2 (memory.max, memory.events, memory.oom.group), with teardown that
 * kills whatever is left inside and removes the directory.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MemoryController } from './environment.ts'

/** Prefix of every cgroup the harness creates (stale ones are removed at start). */
export const CGROUP_PREFIX = 'oomkit-conf-'

/** The OOM counters of a memory cgroup. */
export interface OomCounters {
  /** Number of OOM kills in this cgroup (v1 oom_control oom_kill, v2 memory.events oom_kill). */
  oomKill: number
  /** OOM invocations (v2 memory.events oom; v1 has no such counter: -1). */
  oom: number
  /** v2 memory.events oom_group_kill (>= 5.17); -1 on v1 or when absent. */
  oomGroupKill: number
}

/** One case's memory cgroup. */
export interface CaseCgroup {
  readonly dir: string
  /** The path the kernel prints (oom_memcg=/oomkit-conf-...). */
  readonly kernelPath: string
  readonly version: 1 | 2
  setLimitBytes(bytes: number): void
  /** Move a process (all its threads) in. */
  addProcess(pid: number): void
  /** Pids currently inside (cgroup.procs of the case cgroup and its sub-groups). */
  pids(): number[]
  counters(): OomCounters
  usageBytes(): number
  /** v2 only: memory.oom.group. */
  setOomGroup(on: boolean): void
  /** Create a sub-group (path relative to the case cgroup, parent first), with its own limit. */
  addChild(path: string, limitBytes?: number): void
  /** Move a process into a sub-group (`''`: the case cgroup itself). */
  addProcessTo(pid: number, path: string): void
  /** memory.stat of the case cgroup or a sub-group. */
  statText(path?: string): string
  /** v1 memory.kmem.usage_in_bytes (kernel memory charged: page tables, stacks, slab); null on
   * v2 (memory.stat's `kernel` says it there) or when absent. */
  kmemBytes(): number | null
  /** v1 only: memory.oom_control oom_kill_disable. */
  setOomKillDisable(on: boolean): void
  /** v1 memory.oom_control under_oom (a task waits in the memcg OOM); false on v2. */
  underOom(): boolean
  /** SIGKILL everything inside, wait until empty, rmdir. Never throws; returns problems. */
  destroy(): Promise<string[]>
}

function readInts(text: string): Map<string, number> {
  const m = new Map<string, number>()
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/)
    if (k !== undefined && v !== undefined) m.set(k, Number(v))
  }
  return m
}

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))

function readPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter(s => s.trim() !== '')
      .map(Number)
  } catch {
    return []
  }
}

/** Pids in `dir` and its sub-groups. */
function allPids(dir: string): number[] {
  return [...readPids(dir), ...subGroups(dir).flatMap(allPids)]
}

/** The sub-group directories of a cgroup directory. */
function subGroups(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter(d => d.isDirectory())
      .map(d => join(dir, d.name))
  } catch {
    return []
  }
}

/** Kill every process in `dir`, wait (up to `timeoutMs`) for it to empty, then rmdir it (its
 * sub-groups first). */
export async function killAndRemove(dir: string, timeoutMs = 5000): Promise<string[]> {
  const problems: string[] = []
  if (!existsSync(dir)) return problems
  for (const sub of subGroups(dir)) problems.push(...(await killAndRemove(sub, timeoutMs)))
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const pids = readPids(dir)
    if (pids.length === 0) break
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    if (Date.now() > deadline) {
      problems.push(`cgroup ${dir} still has tasks ${pids.join(',')}`)
      return problems
    }
    await sleep(20)
  }
  for (;;) {
    try {
      rmdirSync(dir)
      return problems
    } catch (e) {
      if (Date.now() > deadline) {
        problems.push(`cannot remove ${dir}: ${(e as Error).message}`)
        return problems
      }
      await sleep(20)
    }
  }
}

/** Synchronous best-effort variant for process-exit handlers. */
export function killAndRemoveSync(dir: string): void {
  for (const sub of subGroups(dir)) killAndRemoveSync(sub)
  for (const pid of readPids(dir)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone
    }
  }
  for (let i = 0; i < 200; i++) {
    try {
      rmdirSync(dir)
      return
    } catch {
      const until = Date.now() + 10
      while (Date.now() < until) {
        // busy wait: no timers in an exit handler
      }
    }
  }
}

/** Leftover case cgroups from an earlier, interrupted run. */
export function staleCgroups(controller: MemoryController): string[] {
  try {
    return readdirSync(controller.root)
      .filter(n => n.startsWith(CGROUP_PREFIX))
      .map(n => join(controller.root, n))
  } catch {
    return []
  }
}

/** The OOM counters of the case cgroup at `dir`. */
function readCounters(dir: string, v: 1 | 2): OomCounters {
  if (v === 1) {
    // v1 counts a kill in the victim's own memcg (oom_control's oom_kill is not hierarchical):
    // the case's kills are the sum over its sub-groups.
    const kills = (d: string): number =>
      (readInts(readFileSync(join(d, 'memory.oom_control'), 'utf8')).get('oom_kill') ?? 0) +
      subGroups(d).reduce((n, sub) => n + kills(sub), 0)
    return { oomKill: kills(dir), oom: -1, oomGroupKill: -1 }
  }
  const m = readInts(readFileSync(join(dir, 'memory.events'), 'utf8'))
  return {
    oomKill: m.get('oom_kill') ?? 0,
    oom: m.get('oom') ?? 0,
    oomGroupKill: m.get('oom_group_kill') ?? -1
  }
}

/** Create the case cgroup `name` under the controller root. */
export function createCaseCgroup(controller: MemoryController, name: string): CaseCgroup {
  const dir = join(controller.root, name)
  if (controller.version === 2) {
    // The memory controller must be enabled for the root's children.
    const sub = readFileSync(join(controller.root, 'cgroup.subtree_control'), 'utf8')
    if (!sub.split(/\s+/).includes('memory'))
      writeFileSync(join(controller.root, 'cgroup.subtree_control'), '+memory')
  }
  mkdirSync(dir)
  const v = controller.version
  return {
    dir,
    kernelPath: `/${name}`,
    version: v,
    setLimitBytes(bytes) {
      writeFileSync(join(dir, v === 1 ? 'memory.limit_in_bytes' : 'memory.max'), String(bytes))
      // No swap for the case (the file is absent without swap accounting).
      if (v === 2 && existsSync(join(dir, 'memory.swap.max')))
        writeFileSync(join(dir, 'memory.swap.max'), '0')
    },
    addProcess(pid) {
      writeFileSync(join(dir, 'cgroup.procs'), String(pid))
    },
    pids: () => allPids(dir),
    counters: () => readCounters(dir, v),
    usageBytes() {
      return Number(
        readFileSync(join(dir, v === 1 ? 'memory.usage_in_bytes' : 'memory.current'), 'utf8')
      )
    },
    setOomGroup(on) {
      if (v !== 2) throw new Error('memory.oom.group needs cgroup v2')
      writeFileSync(join(dir, 'memory.oom.group'), on ? '1' : '0')
    },
    addChild(path, limitBytes) {
      const sub = join(dir, path)
      const parent = join(sub, '..')
      if (v === 2) {
        const ctl = readFileSync(join(parent, 'cgroup.subtree_control'), 'utf8')
        if (!ctl.split(/\s+/).includes('memory'))
          writeFileSync(join(parent, 'cgroup.subtree_control'), '+memory')
      }
      mkdirSync(sub)
      if (limitBytes !== undefined)
        writeFileSync(
          join(sub, v === 1 ? 'memory.limit_in_bytes' : 'memory.max'),
          String(limitBytes)
        )
    },
    addProcessTo(pid, path) {
      writeFileSync(join(dir, path, 'cgroup.procs'), String(pid))
    },
    statText: (path = '') => readFileSync(join(dir, path, 'memory.stat'), 'utf8'),
    kmemBytes() {
      const f = join(dir, 'memory.kmem.usage_in_bytes')
      return v === 1 && existsSync(f) ? Number(readFileSync(f, 'utf8')) : null
    },
    setOomKillDisable(on) {
      if (v !== 1) throw new Error('memory.oom_control needs cgroup v1')
      writeFileSync(join(dir, 'memory.oom_control'), on ? '1' : '0')
    },
    underOom() {
      if (v !== 1) return false
      return readInts(readFileSync(join(dir, 'memory.oom_control'), 'utf8')).get('under_oom') === 1
    },
    destroy: () => killAndRemove(dir)
  }
}
