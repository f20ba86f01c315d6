/**
 * @module The daemon's own name (comm) without FFI: writing /proc/self/comm names the thread group
 * leader, the same as prctl(PR_SET_NAME) from the main thread (proc_pid_set_comm_write(); the
 * kernel keeps at most TASK_COMM_LEN - 1 = 15 bytes).
 */
import { writeFileSync } from 'node:fs'
import type { OpResult } from '../pidfd/control-types.ts'

/** Set the main thread's comm to `name` (cut to 15 bytes). */
export function setOwnComm(name: string): OpResult {
  try {
    writeFileSync('/proc/self/comm', name.slice(0, 15))
    return { ok: true }
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    return { ok: false, errno: e.code ?? 'EIO', message: e.message }
  }
}
