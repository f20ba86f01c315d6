/**
 * @module Which cgroup of the memory hierarchy each process is in, from the groups'
 * `cgroup.procs` files: one read per cgroup instead of one /proc/<pid>/cgroup read per process
 * (a host with 2,000 processes in 20 groups: 20 reads, not 2,000). The path of a group is the one
 * /proc/<pid>/cgroup prints for that hierarchy: relative to the mount, '/' for the root group.
 */
import { readdirSync } from 'node:fs'
import type { Read } from './host-source.ts'
import { failureOf, readText } from './read-text.ts'

/** Every directory under `dir` (itself first), as paths relative to it ('' for itself). */
function groupDirs(dir: string): string[] {
  const out = ['']
  for (let i = 0; i < out.length; i++) {
    const rel = out[i] as string
    let entries
    try {
      entries = readdirSync(rel === '' ? dir : `${dir}/${rel}`, { withFileTypes: true })
    } catch (error) {
      failureOf(error)
      continue
    }
    for (const e of entries) if (e.isDirectory()) out.push(rel === '' ? e.name : `${rel}/${e.name}`)
  }
  return out
}

/**
 * pid -> its group's path under the hierarchy mounted at `mount`. A pid listed by two groups
 * (threads of one process in different threaded cgroups) is left out, so its caller reads
 * /proc/<pid>/cgroup for it as before. Fails when the mount cannot be read.
 */
export function readCgroupPids(mount: string): Read<ReadonlyMap<number, string>> {
  const paths = new Map<number, string>()
  const twice = new Set<number>()
  for (const rel of groupDirs(mount)) {
    const r = readText(rel === '' ? `${mount}/cgroup.procs` : `${mount}/${rel}/cgroup.procs`)
    if (!r.ok) {
      if (rel === '') return r
      continue
    }
    const path = `/${rel}`
    const text = r.value
    for (let start = 0; start < text.length;) {
      let end = text.indexOf('\n', start)
      if (end < 0) end = text.length
      const pid = Number(text.slice(start, end))
      start = end + 1
      if (!(pid > 0)) continue
      if (paths.has(pid)) twice.add(pid)
      else paths.set(pid, path)
    }
  }
  for (const pid of twice) paths.delete(pid)
  return { ok: true, value: paths }
}
