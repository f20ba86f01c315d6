/**
 * @module Boot phase 6a: the listed processes: threads, credentials, memcg and cpuset, how they
 * exit after SIGKILL, their kernel stacks, and the mm each one owns (bootMm) or shares.
 */
import { makeProcess, makeThread } from '../../kernel/state-builders.ts'
import type { Process, Thread } from '../../kernel/types.ts'
import type { ProcessSpecT, Scenario } from '../schema.ts'
import { durationToNs } from '../size.ts'
import type { ProcessBoot } from './context.ts'
import { bootMm } from './mms.ts'
import { addStat, bootTake } from './take.ts'

/** THREAD_SIZE on x86-64: 16 KiB of kernel stack per thread, in pages. */
const STACK_PAGES_PER_THREAD = 4

function threadsOf(ps: ProcessSpecT): Thread[] {
  if (ps.threads === undefined) return [makeThread({ tid: ps.pid, comm: ps.comm })]
  if (typeof ps.threads === 'number')
    return Array.from({ length: ps.threads }, (_, i) =>
      makeThread({ tid: i === 0 ? ps.pid : ps.pid + i, comm: ps.comm })
    )
  return ps.threads.map(t => makeThread({ tid: t.tid, comm: t.comm ?? ps.comm }))
}

/** The pid whose mm this process uses (CLONE_VM or a vfork child's parent), if not its own. */
function sharedMmOf(ps: ProcessSpecT): number | undefined {
  return ps.shareMmWith ?? (ps.vfork === true ? ps.ppid : undefined)
}

function newProcess(ps: ProcessSpecT, mems: number[], threads: Thread[]): Process {
  const mempolicy = ps.mempolicy?.mode === 'bind' ? ps.mempolicy.nodes : null
  for (const t of threads) t.mempolicyNodes = mempolicy
  const caps = ps.caps ?? []
  return makeProcess({
    pid: ps.pid,
    comm: ps.comm,
    ppid: ps.ppid ?? 1,
    uid: ps.uid ?? 0,
    capSysAdmin: caps.includes('CAP_SYS_ADMIN'),
    capSysResource: caps.includes('CAP_SYS_RESOURCE'),
    kthread: ps.kthread ?? false,
    mmId: ps.kthread === true ? null : (sharedMmOf(ps) ?? ps.pid),
    threads,
    oomScoreAdj: ps.oom_score_adj ?? 0,
    oomScoreAdjMin: ps.oom_score_adj_min ?? 0,
    memcg: ps.memcg ?? '/',
    cpuset: ps.cpuset?.path ?? '/',
    memsAllowed: mems,
    inVfork: ps.vfork === true,
    coreDumping: ps.coreDumping ?? false
  })
}

/** Every listed process in order, with its own mm booted. */
export function bootProcesses(b: ProcessBoot, s: Scenario, cpusets: Map<string, number[]>): void {
  const allNodes = b.w.mem.nodes.map(n => n.id)
  for (const ps of s.processes) {
    const threads = threadsOf(ps)
    const mems = ps.cpuset?.mems ?? cpusets.get(ps.cpuset?.path ?? '/') ?? allNodes
    const p = newProcess(ps, mems, threads)
    b.w.oom.processes.push(p)
    b.exits.set(ps.pid, {
      delayNs: ps.exit?.delay !== undefined ? durationToNs(ps.exit.delay) : 1_000_000,
      stuck: ps.exit?.stuck ?? false
    })
    addStat(b.w, bootTake(b.w, STACK_PAGES_PER_THREAD * threads.length), 'kernelStack')
    if (p.mmId !== null && sharedMmOf(ps) === undefined) bootMm(b, ps, p)
  }
}
