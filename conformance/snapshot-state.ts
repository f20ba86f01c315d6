/**
 * @module The pre-OOM /proc snapshot of a case as the engine's OomState: one Process per hog
 * process in the order they joined the cgroup (the memcg's task iteration order), one Mm per
 * address space (a CLONE_VM child shares its parent's), the case memcg with its limit, and the
 * machine's totalram/totalswap.
 */
import type { OomState, Process } from '../src/kernel/types.ts'
import {
  makeMemcg,
  makeMm,
  makeProcess,
  makeState,
  makeThread
} from '../src/kernel/state-builders.ts'
import type { ProcSnapshot } from './proc-snapshot.ts'

/** One snapshotted process and, for a CLONE_VM or vfork child, the pid whose mm it shares. */
export interface SnapshotEntry {
  proc: ProcSnapshot
  sharesMmWith: number | null
  /** A vfork child parked before exec (in_vfork()). */
  vfork?: boolean
}

/** Everything needed to rebuild the state. */
export interface CaseSnapshot {
  entries: SnapshotEntry[]
  totalRamPages: number
  totalSwapPages: number
  cgroupVersion: 1 | 2
  memcgPath: string
  limitPages: number
  usagePages: number
  /** memory.stat text of the case cgroup and each sub-group, by the path the kernel prints. */
  memcgStats?: Record<string, string>
  /** v1 memory.kmem.usage_in_bytes of the case cgroup, in pages. */
  kmemPages?: number
}

/** Build the engine's OomState from a snapshot. */
export function snapshotToState(s: CaseSnapshot): OomState {
  const mms = new Map<number, ReturnType<typeof makeMm>>()
  const processes: Process[] = []
  // copy_oom_score_adj() (kernel/fork.c, >= 4.19): CLONE_VM without CLONE_VFORK marks the mm
  // MMF_MULTIPROCESS; a vfork child does not.
  const sharing = s.entries.filter(e => e.sharesMmWith !== null && e.vfork !== true)
  const sharers = new Set(sharing.map(e => e.sharesMmWith!))
  for (const { proc, sharesMmWith, vfork } of s.entries) {
    const mmId = sharesMmWith ?? proc.pid
    if (!mms.has(mmId)) {
      mms.set(
        mmId,
        makeMm({
          id: mmId,
          anon: proc.rssAnon,
          file: proc.rssFile,
          shmem: proc.rssShmem,
          swapEnts: proc.swapEnts,
          totalVm: proc.totalVm,
          pgtablesBytes: proc.pgtablesBytes,
          flags: {
            multiprocess: (sharesMmWith !== null && vfork !== true) || sharers.has(proc.pid)
          }
        })
      )
    }
    processes.push(
      makeProcess({
        pid: proc.pid,
        comm: proc.comm,
        ppid: proc.ppid,
        uid: proc.uid,
        capSysAdmin: proc.capSysAdmin,
        capSysResource: proc.capSysResource,
        mmId,
        threads: proc.threads.map(t => makeThread({ tid: t.tid, comm: t.comm })),
        oomScoreAdj: proc.oomScoreAdj,
        inVfork: vfork === true,
        memcg: s.memcgPath
      })
    )
  }
  return makeState({
    processes,
    mms,
    memcgs: [makeMemcg({ path: s.memcgPath, limit: s.limitPages, usage: s.usagePages })],
    cgroupVersion: s.cgroupVersion,
    totalRamPages: s.totalRamPages,
    totalSwapPages: s.totalSwapPages
  })
}
