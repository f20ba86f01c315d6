/** A test's allocating task: no OOM victim, no PF_MEMALLOC, no cpuset or mempolicy, node 0. */
import type { AllocTask } from '../../../src/kernel/mm/alloc-context.ts'

export function plainTask(pid: number, comm: string): AllocTask {
  return {
    pid,
    comm,
    oomVictim: false,
    pfMemalloc: false,
    dumpcore: false,
    cpusetMems: null,
    mempolicy: null,
    preferredNode: 0,
    fatalSignal: false
  }
}
