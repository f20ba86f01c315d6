/**
 * @module Where the memory-management paths enter the OOM killer and warn_alloc(): the
 * allocator's __alloc_pages_may_oom(), the memcg charge path's mem_cgroup_out_of_memory(),
 * sysrq-f and the #PF handler. out_of_memory() runs with the world's show_mem / memcg data and
 * the machine's stack banner; its printk, trace and effects are appended to the world's output
 * for the caller to apply. A panic stops the kernel (KernelPanic).
 */
import { outOfMemory } from '../oom-kill.ts'
import type { OomControl, OomOutcome } from '../oom-control.ts'
import type { StackInfo } from '../oom-report.ts'
import type { Memcg, Process } from '../types.ts'
import { renderWarnAlloc } from '../printk/warn-alloc.ts'
import { ratelimitCheck } from '../ratelimit.ts'
import { findTask } from '../task-will-free-mem.ts'
import { stackFor } from './alloc-stack.ts'
import { KernelPanic } from './kernel-output.ts'
import { wakeKswapd } from './kswapd.ts'
import type { FaultHooks } from './fault.ts'
import { buildMemcgInfo, buildShowMem } from './show-mem.ts'
import { addLegacyShowMem } from './show-mem-legacy.ts'
import { envOf, outOf, printk, type World } from './world.ts'

/** show_mem() data with the machine's CONFIG_* view. */
function showMemOf(w: World, nodemask: readonly number[] | null): ReturnType<typeof buildShowMem> {
  const sm = buildShowMem(w, nodemask)
  if (w.profile.format.showMem.layout === 'zoneLru') addLegacyShowMem(w, sm)
  const config = envOf(w).showMemConfig
  if (config !== null) sm.config = config
  return sm
}

/**
 * The stack banner's taint and build, when the machine has them, and the user registers of a
 * task whose fault entered the kernel (not sysrq's kworker), when the scenario recorded them.
 */
function banner(w: World, oc: OomControl): StackInfo {
  const env = envOf(w)
  const s: StackInfo = {}
  if (env.taint !== null) s.taint = env.taint
  if (env.build !== null) s.build = env.build
  // The scenario records registers per process; a thread of it that faulted shows them too.
  const owner = oc.currentPid === null ? null : findTask(w.oom, oc.currentPid)
  const regs = owner === null ? undefined : env.userRegs?.get(owner.process.pid)
  if (regs !== undefined && oc.kind !== 'sysrq') s.regs = regs
  return s
}

/** out_of_memory() on the world's clock; `stack` is what dump_stack() shows; `thread` is the
 * kernel thread that runs it when there is no current task (default a kworker). */
export function invokeOom(
  w: World,
  oc: OomControl,
  stack?: StackInfo,
  thread?: { pid: number; comm: string }
): OomOutcome {
  const env = envOf(w)
  const out = outOf(w)
  out.effects.push({ type: 'oom-invoked' })
  const site = oc.kind === 'sysrq' ? 'sysrq' : oc.kind === 'memcg' ? 'memcg' : 'kernel'
  const r = outOfMemory(w.oom, oc, {
    profile: w.profile,
    nowNs: w.nowNs,
    ratelimit: env.oomRatelimit,
    memInfo: q =>
      q.memcg !== null
        ? {
            showMem: w.profile.format.memcgShowMem ? showMemOf(w, null) : null,
            memcgInfo: buildMemcgInfo(w, q.memcg, q.victimMemcg)
          }
        : { showMem: showMemOf(w, q.nodemask), memcgInfo: null },
    kernelRelease: env.kernelRelease,
    hardware: env.hardware,
    // The allocating task runs on the last CPU.
    cpu: env.cpus - 1,
    stack: { ...banner(w, oc), ...(stack ?? stackFor(w.profile, site)) },
    worker: thread ?? {
      pid: Math.max(...w.oom.processes.map(p => p.pid), 100) + 1000,
      comm: 'kworker/0:1'
    }
  })
  out.log.push(...r.printk)
  for (const e of r.events) w.trace.push(e)
  out.effects.push(...r.effects)
  const panic = r.effects.find(e => e.type === 'panic')
  if (panic !== undefined) throw new KernelPanic(panic.message)
  if (r.outcome === 'killed' && r.victimPid !== null) {
    const killed = r.report?.killed
    const victimPid = r.victimPid
    out.effects.push({
      type: 'oom-killed',
      kind: oc.kind,
      pid: victimPid,
      comm: killed?.comm ?? w.oom.processes.find(p => p.pid === victimPid)?.comm ?? '?',
      message: killed?.message ?? '',
      constraint: r.constraint
    })
  }
  return r
}

/**
 * warn_alloc(): every failure is recorded; the lines ("page allocation failure", dump_stack,
 * show_mem) are ratelimited by nopage_rs (1 per 10 s).
 */
export function warnAlloc(
  w: World,
  p: Process,
  gfpMask: number,
  order: number,
  nodemask: readonly number[] | null
): void {
  const env = envOf(w)
  outOf(w).effects.push({ type: 'alloc-failure', pid: p.pid, comm: p.comm, gfp: gfpMask, order })
  if (!ratelimitCheck(env.nopageRatelimit, w.nowNs).allowed) return
  const failure = { comm: p.comm, order, gfpMask, nodemask, cpuset: p.cpuset }
  const lines = renderWarnAlloc(
    {
      failure: { ...failure, memsAllowed: p.memsAllowed },
      dump: {
        cpu: 0,
        pid: p.pid,
        uid: p.uid,
        comm: p.comm,
        kernelRelease: env.kernelRelease,
        hardware: env.hardware,
        taint: env.taint ?? undefined,
        build: env.build ?? undefined
      },
      showMem: showMemOf(w, null)
    },
    w.profile
  )
  for (const line of lines) printk(w, 4, line)
}

const hookCache = new WeakMap<Process, Map<number, FaultHooks>>()

/**
 * The allocator / charge entries into the OOM killer for allocations by `p`, made by its thread
 * `tid` (default: the thread-group leader). The allocating thread is `current`: 6.18
 * dump_header() names its comm in the "invoked oom-killer" line and its pid (the tid) and comm
 * in dump_stack()'s "CPU: N UID: U PID: tid Comm: comm" line (mm/oom_kill.c, lib/dump_stack.c).
 */
export function kernelHooks(w: World, p: Process, tid: number = p.pid): FaultHooks {
  let byTid = hookCache.get(p)
  if (byTid === undefined) hookCache.set(p, (byTid = new Map<number, FaultHooks>()))
  let h = byTid.get(tid)
  if (h === undefined) byTid.set(tid, (h = makeHooks(w, p, tid)))
  return h
}

function makeHooks(w: World, p: Process, tid: number): FaultHooks {
  return {
    outOfMemory: oc => {
      const out = invokeOom(
        w,
        {
          kind: 'global',
          memcg: null,
          gfpMask: oc.gfpMask,
          order: oc.order,
          nodemask: oc.nodemask,
          currentPid: tid
        },
        stackFor(w.profile, oc.site)
      )
      return { progress: out.progress, currentKilled: p.sigkillPending }
    },
    warnAlloc: info => warnAlloc(w, p, info.gfpMask, info.order, info.nodemask),
    wakeKswapd: (node, order, classZone) => wakeKswapd(w, node, order, classZone),
    memcgOom: (memcg: Memcg, gfpMask: number, order: number) =>
      invokeOom(w, {
        kind: 'memcg',
        memcg: memcg.path,
        gfpMask,
        order,
        nodemask: null,
        currentPid: tid
      }).progress
  }
}
