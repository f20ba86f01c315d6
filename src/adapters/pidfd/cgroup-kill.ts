/**
 * @module cgroup.kill (cgroup v2, Linux >= 5.14): writing "1" SIGKILLs every process in the
 * cgroup and its descendants. Shared by both process-control backends.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { OpResult } from './control-types.ts'

/** Write "1" to `<dir>/cgroup.kill`; ENOENT when the file does not exist. Never throws. */
export function writeCgroupKill(dir: string): OpResult {
  const file = join(dir, 'cgroup.kill')
  if (!existsSync(file)) return { ok: false, errno: 'ENOENT', message: `${file} does not exist` }
  try {
    writeFileSync(file, '1')
    return { ok: true }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
    return { ok: false, errno: code, message: `writing ${file} failed: ${code}` }
  }
}
