/**
 * @module do_exit() (kernel/exit.c) for the memory model: the task leaves the task list, its
 * kernel stacks are freed, and exit_mmap() runs when it was the mm's last user. A memcg OOM
 * in progress is over (mem_cgroup_oom_unlock()).
 */
import type { Process } from '../types.ts'
import { freeKernelStacks } from './fork.ts'
import { exitMmap } from './unmap.ts'
import type { World } from './world.ts'

/** Exit task `pid`; returns it, or undefined when there is no such task. */
export function exitTask(w: World, pid: number): Process | undefined {
  const idx = w.oom.processes.findIndex(p => p.pid === pid)
  if (idx < 0) return undefined
  const p = w.oom.processes[idx] as Process
  w.oom.processes.splice(idx, 1)
  freeKernelStacks(w, p.threads.length)
  if (p.mmId !== null) {
    const stillUsed = w.oom.processes.some(q => q.mmId === p.mmId)
    const mm = w.oom.mms.get(p.mmId)
    if (mm !== undefined && !stillUsed) exitMmap(w, mm, p.memcg)
  }
  for (const m of w.oom.memcgs.values()) if (m.underOom) m.underOom = false
  return p
}
