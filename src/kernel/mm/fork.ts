/**
 * @module fork() (kernel/fork.c): copy_process() of the new task, dup_mmap() and
 * copy_page_range() for its mm, and its kernel stack; the stack is freed again at exit.
 *
 * Units: pages.
 */
import type { Mm, Process, Vma } from '../types.ts'
import { makeMm, makeProcess, makeThread, makeVma } from '../state-builders.ts'
import { cowShare } from './cow.ts'
import { allocPgtable, vmaTouched, type FaultHooks } from './fault.ts'
import { freePages } from './pcp-alloc.ts'
import type { World } from './world.ts'

/** THREAD_SIZE on x86_64: 16 KiB, four pages per task. */
export const KERNEL_STACK_PAGES = 4

/**
 * dup_mmap(): the child gets a copy of every VMA; copy_page_range() makes the private
 * anonymous pages shared copy-on-write (counted in both rss, present once: cow.ts). File and
 * shared mappings are faulted again lazily, so their counters start at 0. `copies` maps each
 * parent VMA to the child's.
 */
export function dupMmap(
  w: World,
  parent: Process,
  childMmId: number
): { mm: Mm; copies: Map<Vma, Vma> } {
  const pm = parent.mmId === null ? undefined : w.oom.mms.get(parent.mmId)
  const copies = new Map<Vma, Vma>()
  const vmas = (pm?.vmas ?? []).map(v => {
    const c = makeVma({ ...v, anon: v.shared ? 0 : v.anon, file: 0, shmem: 0 })
    copies.set(v, c)
    const t = vmaTouched.get(v)
    if (t !== undefined) vmaTouched.set(c, t)
    return c
  })
  const mm = makeMm({ id: childMmId, totalVm: pm?.totalVm ?? 0, anon: 0, vmas })
  w.oom.mms.set(mm.id, mm)
  if (pm !== undefined)
    cowShare(
      w,
      pm,
      parent.memcg,
      mm,
      vmas.reduce((n, v) => n + v.anon, 0)
    )
  return { mm, copies }
}

/** copy_process(): the child inherits the parent's credentials, OOM knobs, memcg and cpuset. */
export function copyProcess(
  parent: Process,
  child: { pid: number; comm?: string | undefined; mmId: number | null; vfork: boolean }
): Process {
  const comm = child.comm ?? parent.comm
  return makeProcess({
    pid: child.pid,
    comm,
    ppid: parent.pid,
    uid: parent.uid,
    capSysAdmin: parent.capSysAdmin,
    capSysResource: parent.capSysResource,
    mmId: child.mmId,
    threads: [
      makeThread({
        tid: child.pid,
        comm,
        mempolicyNodes: parent.threads[0]?.mempolicyNodes ?? null
      })
    ],
    oomScoreAdj: parent.oomScoreAdj,
    oomScoreAdjMin: parent.oomScoreAdjMin,
    memcg: parent.memcg,
    cpuset: parent.cpuset,
    memsAllowed: parent.memsAllowed,
    inVfork: child.vfork
  })
}

/**
 * The child's own page tables for the copied ranges: a PTE page per 512 pages and a PMD page
 * per VMA (pte_alloc_one / pmd_alloc_one under copy_page_range).
 */
export function copyPageTables(w: World, child: Process, mm: Mm, hooks: FaultHooks): void {
  const pgtables = mm.vmas.reduce(
    (n, v) => n + (v.anon > 0 ? Math.ceil((vmaTouched.get(v) ?? v.anon) / 512) + 1 : 0),
    0
  )
  if (pgtables > 0) allocPgtable(w, child, mm, pgtables, hooks)
}

/** alloc_thread_stack_node(): the new task's stack from the highest zone. */
export function allocKernelStack(w: World): void {
  const z = [...w.zones].sort((x, y) => y.idx - x.idx)[0]
  if (z === undefined) return
  const got = Math.min(KERNEL_STACK_PAGES, z.free)
  z.free -= got
  z.stats.kernelStack += got
}

/** free_thread_stack() for each thread of an exiting task, from the zone holding most stacks. */
export function freeKernelStacks(w: World, threads: number): void {
  const z = [...w.zones].sort((a, b) => b.stats.kernelStack - a.stats.kernelStack)[0]
  if (z === undefined) return
  const n = Math.min(KERNEL_STACK_PAGES * threads, z.stats.kernelStack)
  z.stats.kernelStack -= n
  freePages(w, z, n, 'U')
}
