/**
 * @module The data dump_header() prints, built from the engine state: the trigger (current),
 * dump_tasks() rows, the Killed-line values and the summary-line victim. The printer renders it
 * (src/kernel/printk); this module never formats text.
 *
 * Units: TaskRow in pages (pgtables in bytes); KilledInfo in kB (pages << 2).
 */
import type { EngineContext, MemInfoBlock, OomControl } from './oom-control.ts'
import { findLockTaskMm, isUnkillableTask, mmNrPtes, mmRss } from './oom-badness.ts'
import type { ConstraintResult } from './oom-constraint.ts'
import { cpusetEligible, cpusetName } from './oom-constraint.ts'
import type { KilledInfo, OomReportData, OomTrigger, StackInfo, TaskRow } from './oom-report.ts'
import { scanList } from './oom-select.ts'
import { oomAdjFromScoreAdj } from './proc-knobs.ts'
import type { KernelProfile } from './profiles.ts'
import type { Mm, OomState, Process, Thread } from './types.ts'
import { mmCounter } from './mm/rss-stat.ts'

/** pages -> kB (K(x) = x << (PAGE_SHIFT - 10)). */
export function pagesToKb(pages: number): number {
  return pages * 4
}

/** File pages as the profile counts them (before MM_SHMEMPAGES shmem was counted as file),
 * read with get_mm_counter(). */
function fileCounter(mm: Mm, profile: KernelProfile): number {
  const file = mmCounter(mm, 'file')
  return profile.badness.shmemCounter ? file : file + mmCounter(mm, 'shmem')
}

function shmemCounter(mm: Mm, profile: KernelProfile): number {
  return profile.badness.shmemCounter ? mmCounter(mm, 'shmem') : 0
}

/** One dump_tasks() row for the thread find_lock_task_mm() found. */
export function taskRow(
  p: Process,
  found: { tid: number; comm: string; mm: Mm },
  profile: KernelProfile
): TaskRow {
  const mm = found.mm
  const row: TaskRow = {
    pid: found.tid,
    uid: p.uid,
    tgid: p.pid,
    totalVm: mm.totalVm,
    rss: mmRss(mm),
    rssAnon: mmCounter(mm, 'anon'),
    rssFile: fileCounter(mm, profile),
    rssShmem: shmemCounter(mm, profile),
    pgtablesBytes: mm.pgtablesBytes,
    nrPtes: mmNrPtes(mm),
    nrPmds: mm.nrPmds ?? 0,
    swapEnts: mm.swapEnts,
    oomScoreAdj: p.oomScoreAdj,
    comm: found.comm
  }
  if (profile.format.legacyOomAdj) {
    row.cpu = 0
    row.oomAdj = oomAdjFromScoreAdj(p.oomScoreAdj)
  }
  return row
}

/**
 * dump_tasks(): one row per process that is killable (not init, not a kthread), passes the
 * mems check for this OOM and still has an mm; memcg OOMs list the memcg subtree only
 * (<= 5.2: task-list order filtered by memcg; >= 5.3: mem_cgroup_scan_tasks order).
 */
export function dumpTaskRows(
  state: OomState,
  oc: OomControl,
  current: Process | null,
  profile: KernelProfile
): TaskRow[] {
  const rows: TaskRow[] = []
  const oldOrder = profile.select.unkillableChecksMemcgAndMems
  const list =
    oc.kind === 'memcg' && oldOrder && oc.memcg !== null
      ? filterInOrder(state.processes, new Set(scanList(state, oc)))
      : scanList(state, oc)
  const mems = oldOrder || oc.kind !== 'memcg'
  for (const p of list) {
    if (isUnkillableTask(p)) continue
    if (mems && !cpusetEligible(p, state, oc.nodemask, current)) continue
    const found = findLockTaskMm(p, state)
    if (found === null) continue
    rows.push(taskRow(p, found, profile))
  }
  return rows
}

function filterInOrder(list: readonly Process[], keep: ReadonlySet<Process>): Process[] {
  return list.filter(p => keep.has(p))
}

/** The "invoked oom-killer" data from current (or the kernel worker running a sysrq OOM). */
export function buildTrigger(
  oc: OomControl,
  current: { process: Process; thread: Thread | null } | null,
  nodemask: readonly number[] | null,
  state: OomState,
  worker: { pid: number; comm: string } | undefined
): OomTrigger {
  if (current === null) {
    const all = state.nodes.map(n => n.id)
    return {
      comm: worker?.comm ?? 'kworker/0:1',
      pid: worker?.pid ?? 0,
      uid: 0,
      gfpMask: oc.gfpMask,
      order: oc.order,
      oomScoreAdj: 0,
      nodemask,
      cpuset: '/',
      memsAllowed: all
    }
  }
  const p = current.process
  return {
    comm: current.thread?.comm ?? p.comm,
    pid: current.thread?.tid ?? p.pid,
    uid: p.uid,
    gfpMask: oc.gfpMask,
    order: oc.order,
    oomScoreAdj: p.oomScoreAdj,
    nodemask,
    cpuset: cpusetName(p.cpuset),
    memsAllowed: p.memsAllowed
  }
}

/** The Killed-line values for victim thread `found` of process `p` (kB). */
export function killedInfo(
  message: string,
  p: Process,
  found: { tid: number; comm: string; mm: Mm },
  profile: KernelProfile
): KilledInfo {
  const mm = found.mm
  return {
    message,
    pid: found.tid,
    comm: found.comm,
    totalVmKb: pagesToKb(mm.totalVm),
    anonRssKb: pagesToKb(mmCounter(mm, 'anon')),
    fileRssKb: pagesToKb(fileCounter(mm, profile)),
    shmemRssKb: pagesToKb(shmemCounter(mm, profile)),
    uid: p.uid,
    pgtablesKb: Math.floor(mm.pgtablesBytes / 1024),
    oomScoreAdj: p.oomScoreAdj
  }
}

/** Everything but the kill lines: dump_header() data for this OOM and (optional) victim. */
export function buildReport(args: {
  state: OomState
  oc: OomControl
  cr: ConstraintResult
  current: { process: Process; thread: Thread | null } | null
  victim: Process | null
  memInfo: MemInfoBlock
  profile: KernelProfile
  kernelRelease: string
  hardware: string | null
  cpu: number
  worker: { pid: number; comm: string } | undefined
  stack?: StackInfo | undefined
}): OomReportData {
  const { state, oc, cr, current, victim, profile } = args
  const ocCleared: OomControl = { ...oc, nodemask: cr.nodemask }
  let memcgInfo = args.memInfo.memcgInfo
  if (memcgInfo !== null) memcgInfo = { ...memcgInfo, taskMemcg: victim?.memcg ?? null }
  const trigger = buildTrigger(oc, current, cr.nodemask, state, args.worker)
  // RHEL 6 header also prints current's legacy oom_adj.
  if (profile.format.legacyOomAdj) trigger.oomAdj = oomAdjFromScoreAdj(trigger.oomScoreAdj)
  const report: OomReportData = {
    trigger,
    kernelRelease: args.kernelRelease,
    hardware: args.hardware,
    cpu: args.cpu,
    constraint: cr.constraint,
    nodemask: cr.nodemask,
    showMem: args.memInfo.showMem,
    memcgInfo,
    tasks: state.sysctl.oomDumpTasks
      ? dumpTaskRows(state, ocCleared, current?.process ?? null, profile)
      : null,
    oomMemcg: oc.kind === 'memcg' ? oc.memcg : null,
    victim:
      victim === null
        ? null
        : { pid: victim.pid, comm: victim.comm, uid: victim.uid, memcg: victim.memcg },
    sacrifice: null,
    killed: null
  }
  if (args.stack !== undefined) report.stack = args.stack
  return report
}

/**
 * dump_header()'s report as the engine prints it: show_mem and the memcg block from
 * `ctx.memInfo` (none without it), the release, hardware line, CPU, worker and stack from the
 * context. `victim` is null for dump_header(oc, NULL) (panic, nothing killable).
 */
export function dumpHeaderReport(
  args: {
    state: OomState
    oc: OomControl
    cr: ConstraintResult
    current: { process: Process; thread: Thread | null } | null
    victim: Process | null
  },
  ctx: EngineContext,
  profile: KernelProfile
): OomReportData {
  const { oc, cr, victim } = args
  return buildReport({
    ...args,
    memInfo: ctx.memInfo?.({
      constraint: cr.constraint,
      memcg: oc.kind === 'memcg' ? oc.memcg : null,
      victimMemcg: victim?.memcg ?? null,
      nodemask: cr.nodemask
    }) ?? { showMem: null, memcgInfo: null },
    profile,
    kernelRelease: ctx.kernelRelease ?? profile.version,
    hardware: ctx.hardware ?? null,
    cpu: ctx.cpu ?? 0,
    worker: ctx.worker,
    stack: ctx.stack
  })
}
