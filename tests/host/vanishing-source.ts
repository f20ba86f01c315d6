/**
 * Test helper: a HostSource wrapper that makes chosen processes disappear in the middle of the
 * scan, after their status was read: either by deleting their directory from a (copied) tree so
 * the real reader meets ENOENT, or by answering `gone` (ESRCH) itself; or that answers EACCES
 * (`denied`) for their status, as for a process of another user without ptrace rights.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { HostSource, Read } from '../../src/adapters/proc/host-source.ts'

export type VanishMode = 'delete' | 'esrch' | 'eacces'

/** Wrap `inner`: when procStatus(pid) of a victim has been read, the process vanishes. */
export function vanishingSource(
  inner: HostSource,
  victims: ReadonlySet<number>,
  mode: VanishMode,
  root?: string
): HostSource & { vanished: Set<number> } {
  const vanished = new Set<number>()
  const after = <T>(pid: number, read: () => Read<T>): Read<T> =>
    mode === 'esrch' && vanished.has(pid) ? { ok: false, why: 'gone' } : read()
  const denied = <T>(pid: number, read: () => Read<T>): Read<T> =>
    mode === 'eacces' && victims.has(pid) ? { ok: false, why: 'denied' } : read()
  return {
    description: `${inner.description} (vanishing)`,
    vanished,
    listPids: () => inner.listPids(),
    procStatus(pid) {
      const r = denied(pid, () => after(pid, () => inner.procStatus(pid)))
      if (mode !== 'eacces' && victims.has(pid) && !vanished.has(pid)) {
        vanished.add(pid)
        if (mode === 'delete' && root !== undefined) {
          rmSync(join(root, 'proc', String(pid)), { recursive: true, force: true })
        }
      }
      return r
    },
    procStat: pid => after(pid, () => inner.procStat(pid)),
    procOomScore: pid => after(pid, () => inner.procOomScore(pid)),
    procOomScoreAdj: pid => after(pid, () => inner.procOomScoreAdj(pid)),
    procCgroup: pid => after(pid, () => inner.procCgroup(pid)),
    procTasks: pid => after(pid, () => inner.procTasks(pid)),
    meminfo: () => inner.meminfo(),
    zoneinfo: () => inner.zoneinfo(),
    vmstat: () => inner.vmstat(),
    sysctls: () => inner.sysctls(),
    pressure: () => inner.pressure(),
    release: () => inner.release(),
    memcgs: () => inner.memcgs(),
    users: () => inner.users()
  }
}
