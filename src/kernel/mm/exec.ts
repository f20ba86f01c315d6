/**
 * @module execve() (fs/exec.c): exec_mmap() gives the task a new, empty mm; the old one is
 * freed when this was its last user (a vfork child borrowed its parent's and gives it back).
 */
import type { Process } from '../types.ts'
import { makeMm } from '../state-builders.ts'
import { freeAnon } from './unmap.ts'
import type { World } from './world.ts'

/** exec of `comm` by `p` with a fresh mm numbered `newMmId`. */
export function execMm(w: World, p: Process, comm: string, newMmId: number): void {
  const old = p.mmId
  const mm = makeMm({ id: newMmId, totalVm: 0 })
  w.oom.mms.set(mm.id, mm)
  p.mmId = mm.id
  p.comm = comm
  for (const t of p.threads) t.comm = comm
  const wasVfork = p.inVfork
  p.inVfork = false
  if (old === null || wasVfork || w.oom.processes.some(q => q.mmId === old)) return
  const om = w.oom.mms.get(old)
  if (om === undefined) return
  freeAnon(w, om, om.anon, p.memcg)
  w.oom.mms.delete(old)
}
