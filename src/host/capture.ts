/**
 * @module Capture the files oomkit reads from a host into a directory tree with the same layout
 * (proc/, sys/fs/cgroup/..., etc/passwd), so `LiveHostSource(dir)` and `oomkit scores --root DIR`
 * read it back offline. Used to make the fixture trees under tests/fixtures/proc/.
 *
 * Run: `node --import tsx src/host/capture.ts OUT_DIR [SOURCE_ROOT]`.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findMemoryMount } from '../adapters/cgroup/memcg-tree.ts'
import { readText } from '../adapters/proc/read-text.ts'

/** Per-process files read by LiveHostSource. */
export const PID_FILES = ['status', 'stat', 'oom_score', 'oom_score_adj', 'cgroup'] as const

/** System files read by LiveHostSource (relative to the root). */
export const SYSTEM_FILES = [
  'proc/meminfo',
  'proc/zoneinfo',
  'proc/vmstat',
  'proc/swaps',
  'proc/pressure/memory',
  'proc/sys/kernel/osrelease',
  ...[
    'overcommit_memory',
    'overcommit_ratio',
    'overcommit_kbytes',
    'panic_on_oom',
    'oom_kill_allocating_task',
    'oom_dump_tasks',
    'min_free_kbytes',
    'watermark_scale_factor',
    'swappiness'
  ].map(n => `proc/sys/vm/${n}`)
] as const

/** Memory cgroup files copied per group (those missing on a hierarchy are skipped). */
export const MEMCG_FILES = [
  'cgroup.procs',
  'cgroup.controllers',
  'memory.limit_in_bytes',
  'memory.memsw.limit_in_bytes',
  'memory.usage_in_bytes',
  'memory.memsw.usage_in_bytes',
  'memory.oom_control',
  'memory.failcnt',
  'memory.swappiness',
  'memory.max',
  'memory.high',
  'memory.low',
  'memory.min',
  'memory.current',
  'memory.swap.max',
  'memory.swap.current',
  'memory.oom.group',
  'memory.events',
  'memory.events.local',
  // What the group holds by kind (page cache, shmem, mapped): snapshot-cache.ts, -charges.ts.
  'memory.stat'
] as const

function copy(from: string, to: string): boolean {
  const r = readText(from)
  if (!r.ok) return false
  mkdirSync(dirname(to), { recursive: true })
  writeFileSync(to, r.value)
  return true
}

/** What a capture wrote. */
export interface CaptureSummary {
  processes: number
  memcgs: number
}

/** Copy the host under `root` (default '/') into `out`. Processes that exit meanwhile are skipped
 * whole (a partly copied pid directory is removed from the count but may leave files). */
export function captureHost(out: string, root = '/'): CaptureSummary {
  for (const f of SYSTEM_FILES) copy(join(root, f), join(out, f))
  const mounts = readText(join(root, 'proc/mounts'))
  if (mounts.ok) {
    const lines = mounts.value.split('\n').filter(l => / cgroup2? /.test(l))
    mkdirSync(join(out, 'proc'), { recursive: true })
    writeFileSync(join(out, 'proc/mounts'), lines.join('\n') + '\n')
  }
  const passwd = readText(join(root, 'etc/passwd'))
  if (passwd.ok) {
    // Only name and uid are read; the rest is dropped.
    const lines = passwd.value
      .split('\n')
      .map(l => l.split(':'))
      .filter(p => p.length >= 3)
      .map(p => `${p[0]}:x:${p[2]}:${p[3] ?? p[2]}::/:/bin/false`)
    mkdirSync(join(out, 'etc'), { recursive: true })
    writeFileSync(join(out, 'etc/passwd'), lines.join('\n') + '\n')
  }
  let processes = 0
  for (const name of readdirSync(join(root, 'proc'))) {
    if (!/^\d+$/.test(name)) continue
    let all = true
    for (const f of PID_FILES)
      all = copy(join(root, 'proc', name, f), join(out, 'proc', name, f)) && all
    if (all) processes++
  }
  let memcgs = 0
  const mount = findMemoryMount(root)
  if (mount) {
    const walk = (rel: string): void => {
      const from = join(root, mount.mount, rel)
      if (!copy(join(from, MEMCG_FILES[0]), join(out, mount.mount, rel, MEMCG_FILES[0]))) return
      memcgs++
      for (const f of MEMCG_FILES.slice(1)) copy(join(from, f), join(out, mount.mount, rel, f))
      for (const e of readdirSync(from, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(rel, e.name))
      }
    }
    walk('.')
  }
  return { processes, memcgs }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2]
  if (out === undefined) {
    process.stderr.write('usage: capture.ts OUT_DIR [SOURCE_ROOT]\n')
    process.exitCode = 2
  } else {
    const s = captureHost(out, process.argv[3] ?? '/')
    process.stdout.write(`captured ${s.processes} processes, ${s.memcgs} memory cgroups\n`)
  }
}
