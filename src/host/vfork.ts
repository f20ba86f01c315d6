/**
 * @module Which processes of a host reading are vfork children still borrowing their parent's
 * mm: the kernel's in_vfork() (include/linux/sched/mm.h, >= 4.9 read by oom_badness(): such a
 * task is skipped, /proc/<pid>/oom_score prints 0). in_vfork() is "vfork_done is set and the
 * real parent's mm is this task's mm"; /proc shows both halves:
 * - vfork_done: the parent thread that forked waits in wait_for_vfork_done() (kernel/fork.c,
 *   a killable wait, state D) until the child execs or exits. Its wchan names the wait (or the
 *   fork function it is inlined into), or its syscall is vfork / clone with CLONE_VFORK / clone3;
 *   its `children` file lists the child when the kernel has one.
 * - the shared mm: every mm counter /proc/<pid>/status prints is the same in both.
 * A CLONE_VM child without CLONE_VFORK shares the mm too, but its parent does not wait.
 */
import type { BlockedTask, TaskReading } from '../adapters/proc/host-source.ts'

/** The thread's view needed here: its process, its threads, its mm counters. */
export interface VforkCandidate {
  pid: number
  ppid: number
  hasMm: boolean
  tasks: readonly TaskReading[] | null
  vmSizeKb: number
  rssAnonKb: number
  rssFileKb: number
  rssShmemKb: number
  vmPteKb: number
  vmSwapKb: number
}

/** Where a parent waits for its vfork child, as wchan prints it across versions
 * (wait_for_vfork_done() is usually inlined into the fork function). */
const VFORK_WAIT_WCHAN = new Set([
  'wait_for_vfork_done', // when not inlined
  'kernel_clone', // >= 5.10
  '_do_fork', // 4.2 – 5.9
  'do_fork' // <= 4.1
])

/** x86-64 syscall numbers: clone 56, vfork 58; clone3 is 435 on every architecture. */
const SYS_CLONE = 56
const SYS_VFORK = 58
const SYS_CLONE3 = 435
/** CLONE_VFORK (include/uapi/linux/sched.h). */
const CLONE_VFORK = 0x4000

function waitsForVfork(b: BlockedTask): boolean {
  if (b.wchan !== null) return VFORK_WAIT_WCHAN.has(b.wchan)
  if (b.syscallNr === SYS_VFORK || b.syscallNr === SYS_CLONE3) return true
  return b.syscallNr === SYS_CLONE && b.syscallArg0 !== null && (b.syscallArg0 & CLONE_VFORK) !== 0
}

/** The same mm as far as /proc shows it: every per-mm counter equal. */
function sameMmCounters(a: VforkCandidate, b: VforkCandidate): boolean {
  return (
    a.vmSizeKb === b.vmSizeKb &&
    a.rssAnonKb === b.rssAnonKb &&
    a.rssFileKb === b.rssFileKb &&
    a.rssShmemKb === b.rssShmemKb &&
    a.vmPteKb === b.vmPteKb &&
    a.vmSwapKb === b.vmSwapKb
  )
}

/** Does some thread of `parent` wait for `child` to leave vfork? */
function parentWaitsFor(parent: VforkCandidate, child: number): boolean {
  for (const t of parent.tasks ?? []) {
    if (t.blocked === null || !waitsForVfork(t.blocked)) continue
    if (t.blocked.children === null || t.blocked.children.includes(child)) return true
  }
  return false
}

/** The processes that may be waiting for a vfork child: those with an mm and a child whose mm
 * counters are all the same (the half of in_vfork() that needs no thread read). */
export function vforkParentCandidates<P extends VforkCandidate>(procs: readonly P[]): P[] {
  const byPid = new Map(procs.map(p => [p.pid, p]))
  const out = new Set<P>()
  for (const c of procs) {
    const parent = byPid.get(c.ppid)
    if (c.hasMm && parent !== undefined && parent.hasMm && sameMmCounters(c, parent))
      out.add(parent)
  }
  return [...out]
}

/** child pid -> parent pid for every process in vfork (in_vfork() true). */
export function vforkChildren(procs: readonly VforkCandidate[]): Map<number, number> {
  const byPid = new Map(procs.map(p => [p.pid, p]))
  const out = new Map<number, number>()
  for (const c of procs) {
    const parent = byPid.get(c.ppid)
    if (!c.hasMm || parent === undefined || !parent.hasMm) continue
    if (parentWaitsFor(parent, c.pid) && sameMmCounters(c, parent)) out.set(c.pid, parent.pid)
  }
  return out
}
