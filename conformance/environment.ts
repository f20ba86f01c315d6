/**
 * @module Can this machine run the real-kernel conformance suite? Linux, root, a memory cgroup
 * controller (v1 at /sys/fs/cgroup/memory, or a cgroup2 mount whose cgroup.controllers lists
 * `memory`), a C compiler and a readable kernel log (/dev/kmsg).
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { platform } from 'node:os'

/** Where the memory controller lives and which cgroup version drives it. */
export interface MemoryController {
  version: 1 | 2
  /** Mount point of the hierarchy (cases create their cgroups directly below it). */
  root: string
}

/** Either a usable environment or the one-line reason it is not. */
export type Environment =
  | { ok: true; controller: MemoryController; release: string; compiler: string }
  | { ok: false; reason: string }

/** cgroup2 mount points from /proc/self/mounts. */
function cgroup2Mounts(): string[] {
  try {
    return readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map(l => l.split(' '))
      .filter(f => f[2] === 'cgroup2' && f[1] !== undefined)
      .map(f => f[1]!)
  } catch {
    return []
  }
}

/**
 * The memory controller to use: cgroup v1 when /sys/fs/cgroup/memory has memory.limit_in_bytes,
 * else a cgroup2 mount that lists `memory` in cgroup.controllers (and can enable it for
 * children). `prefer` forces one version when both exist.
 */
export function findMemoryController(prefer?: 1 | 2): MemoryController | null {
  const v1 = existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes')
    ? ({ version: 1, root: '/sys/fs/cgroup/memory' } as const)
    : null
  let v2: MemoryController | null = null
  for (const mount of cgroup2Mounts()) {
    try {
      const ctrls = readFileSync(`${mount}/cgroup.controllers`, 'utf8').trim().split(/\s+/)
      if (ctrls.includes('memory')) {
        v2 = { version: 2, root: mount }
        break
      }
    } catch {
      // not readable: not usable
    }
  }
  if (prefer === 2) return v2 ?? v1
  return v1 ?? v2
}

/** Probe the machine; never throws. */
export function probeEnvironment(prefer?: 1 | 2): Environment {
  if (platform() !== 'linux') return { ok: false, reason: `not Linux (${platform()})` }
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return { ok: false, reason: 'not root (needs to create memory cgroups)' }
  const controller = findMemoryController(prefer)
  if (controller === null)
    return {
      ok: false,
      reason: 'no memory cgroup controller (/sys/fs/cgroup/memory or cgroup2 with memory)'
    }
  try {
    accessSync('/dev/kmsg', constants.R_OK | constants.W_OK)
  } catch {
    return { ok: false, reason: '/dev/kmsg is not readable and writable' }
  }
  const cc = process.env.CC ?? 'cc'
  const probe = spawnSync(cc, ['--version'], { encoding: 'utf8' })
  if (probe.status !== 0) return { ok: false, reason: `no C compiler (${cc})` }
  const release = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()
  return { ok: true, controller, release, compiler: cc }
}
