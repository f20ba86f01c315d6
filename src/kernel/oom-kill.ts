/**
 * @module out_of_memory() (mm/oom_kill.c) per profile, in the kernel's order: oom_killer_disabled,
 * the notifier chain, an exiting current, the !__GFP_FS rule, constrained_alloc() and
 * totalpages, check_panic_on_oom(), oom_kill_allocating_task, select_bad_process(), the
 * no-killable ending, the abort (-1) rule and oom_kill_process().
 *
 * The engine mutates the OomState it is given (flags, counters, oom_score_adj) and returns the
 * effects (signals, reaper queueing, panic), the events and the printk records as data.
 */
import type { EngineContext, OomControl, OomOutcome, RankedTask } from './oom-control.ts'
import { renderLineItems } from './line-items.ts'
import { dumpHeaderReport } from './dump-header.ts'
import type { TraceEvent } from './events.ts'
import { isUnkillableTask } from './oom-badness.ts'
import { constrainedAlloc, cpusetEligible, GFP_FS } from './oom-constraint.ts'
import type { ConstraintResult } from './oom-constraint.ts'
import { makeSink, markExitingVictim, oomKillProcess } from './oom-kill-process.ts'
import type { KillSink } from './oom-kill-process.ts'
import type { OomReportData } from './oom-report.ts'
import { selectBadProcess } from './oom-select.ts'
import { findTask, isExitingForOom, liveMm } from './task-will-free-mem.ts'
import type { Constraint, OomState } from './types.ts'
import { OOM_SCORE_ADJ_MIN } from './types.ts'

export type {
  EngineContext,
  Effect,
  MemInfoBlock,
  MemInfoQuery,
  OomControl,
  OomOutcome,
  PrintkRecord,
  RankedTask,
  SelectResult
} from './oom-control.ts'
export { selectBadProcess } from './oom-select.ts'
export { oomKillProcess } from './oom-kill-process.ts'

/** The message oom_kill_process() is given for a scan-chosen victim. */
function killMessage(oc: OomControl): string {
  return oc.kind === 'memcg' ? 'Memory cgroup out of memory' : 'Out of memory'
}

/** current as out_of_memory() sees it: the allocating task and thread, if any. */
type Current = ReturnType<typeof findTask>

/** One out_of_memory() invocation: its inputs and what it has found and done so far. */
interface OomRun {
  state: OomState
  oc: OomControl
  ctx: EngineContext
  sink: KillSink
  current: Current
  constraint: Constraint | null
  totalPages: number | null
  ranking: RankedTask[]
}

/** After constrained_alloc(): oc with the nodemask it keeps, and the constraint result. */
interface Constrained {
  oc: OomControl
  cr: ConstraintResult
}

/** out_of_memory(oc): one OOM invocation at ctx.nowNs. */
export function outOfMemory(state: OomState, oc: OomControl, ctx: EngineContext): OomOutcome {
  const run: OomRun = {
    state,
    oc,
    ctx,
    sink: makeSink(),
    current: oc.currentPid === null ? null : findTask(state, oc.currentPid),
    constraint: null,
    totalPages: null,
    ranking: []
  }
  run.sink.events.push({
    type: 'oom.invoke',
    timeNs: ctx.nowNs,
    kind: oc.kind,
    memcg: oc.memcg,
    gfpMask: oc.gfpMask,
    order: oc.order,
    currentPid: oc.currentPid
  })
  const early = disabledOrNotified(run) ?? currentWillFreeMem(run) ?? nofsPretendsProgress(run)
  if (early !== null) return early
  const con = constrain(run)
  return checkPanicOnOom(run, con) ?? killAllocatingTask(run, con) ?? selectAndKill(run, con)
}

/** The OomOutcome of a run; moom_callback() notes a sysrq OOM that made no progress. */
function finish(
  run: OomRun,
  progress: boolean,
  outcome: OomOutcome['outcome'],
  victimPid: number | null,
  report: OomReportData | null
): OomOutcome {
  const { sink, ctx } = run
  // moom_callback(): a sysrq OOM that returned false says so.
  if (run.oc.kind === 'sysrq' && !progress && ctx.profile.outOfMemory.sysrqExempt) {
    sink.lines.push({ kind: 'sysrq-ignored' })
  }
  return {
    progress,
    outcome,
    victimPid,
    effects: sink.effects,
    events: sink.events,
    printk: renderLineItems(sink.lines, ctx.profile, ctx.nowNs),
    report,
    constraint: run.constraint,
    totalPages: run.totalPages,
    ranking: run.ranking
  }
}

/**
 * oom_killer_disabled (PM freeze), then the OOM notifier chain (blocking_notifier_call_chain;
 * not for memcg OOMs): pages it freed count as progress, except for a sysrq OOM on >= 5.17.
 */
function disabledOrNotified(run: OomRun): OomOutcome | null {
  const { oc, ctx, sink } = run
  const t = ctx.nowNs
  if (run.state.oomKillerDisabled) {
    sink.events.push({ type: 'oom.disabled', timeNs: t })
    return finish(run, false, 'disabled', null, null)
  }
  if (oc.kind === 'memcg') return null
  const freed = ctx.notifierFreedPages ?? 0
  if (freed > 0 && !(oc.kind === 'sysrq' && ctx.profile.outOfMemory.notifierSkipsSysrq)) {
    sink.events.push({ type: 'oom.notifier', timeNs: t, freedPages: freed })
    return finish(run, true, 'notifier', null, null)
  }
  return null
}

/**
 * task_will_free_mem(current) (>= 4.8; 3.x fatal signal or PF_EXITING): an exiting current is
 * marked a victim, may use the reserves and die, and nothing is killed.
 */
function currentWillFreeMem(run: OomRun): OomOutcome | null {
  const { state, ctx, sink, current } = run
  if (current === null) return null
  if (!isExitingForOom(state, current.process, current.thread, 'current', ctx.profile)) return null
  markExitingVictim(state, current.process, current.thread, ctx, sink)
  sink.events.push({ type: 'oom.current_exiting', timeNs: ctx.nowNs, pid: current.process.pid })
  return finish(run, true, 'current-exiting', null, null)
}

/** !__GFP_FS: pretend progress (<= 6.1 only when gfp != 0; >= 5.4 not for memcg OOMs). */
function nofsPretendsProgress(run: OomRun): OomOutcome | null {
  const { oc, ctx, sink } = run
  const rules = ctx.profile.outOfMemory
  if (oc.kind === 'memcg' && rules.nofsMemcgExempt) return null
  const guarded = rules.nofsCheck === 'gfpNonZero' && oc.gfpMask === 0
  if (guarded || (oc.gfpMask & GFP_FS) !== 0) return null
  sink.events.push({ type: 'oom.nofs', timeNs: ctx.nowNs, gfpMask: oc.gfpMask })
  return finish(run, true, 'nofs', null, null)
}

/** constrained_alloc(): constraint and totalpages; the nodemask only survives for mempolicy. */
function constrain(run: OomRun): Constrained {
  const { state, oc, ctx } = run
  const cr = constrainedAlloc(
    state,
    oc.kind,
    oc.memcg,
    oc.gfpMask,
    oc.nodemask,
    run.current?.process ?? null,
    ctx.profile
  )
  run.constraint = cr.constraint
  run.totalPages = cr.totalPages
  run.sink.events.push({
    type: 'oom.constraint',
    timeNs: ctx.nowNs,
    constraint: cr.constraint,
    totalPages: cr.totalPages,
    nodemask: cr.nodemask
  })
  return { oc: { ...oc, nodemask: cr.nodemask }, cr }
}

/** dump_header(oc, NULL): the report printed without a victim (panic, nothing killable). */
function headerWithoutVictim(run: OomRun, con: Constrained): OomReportData {
  const { state, ctx, current } = run
  return dumpHeaderReport(
    { state, oc: con.oc, cr: con.cr, current, victim: null },
    ctx,
    ctx.profile
  )
}

/** check_panic_on_oom(): 2 always, 1 only for CONSTRAINT_NONE; never for sysrq (4.x+). */
function checkPanicOnOom(run: OomRun, con: Constrained): OomOutcome | null {
  const { oc, ctx, sink } = run
  const panicOnOom = run.state.sysctl.panicOnOom
  if (panicOnOom === 0 || (oc.kind === 'sysrq' && ctx.profile.outOfMemory.sysrqExempt)) return null
  if (panicOnOom !== 2 && con.cr.constraint !== 'CONSTRAINT_NONE') return null
  const report = headerWithoutVictim(run, con)
  report.panic = { reason: 'panicOnOom', value: panicOnOom }
  sink.lines.push({ kind: 'dump-header', report })
  sink.lines.push({ kind: 'panic-on-oom', value: panicOnOom })
  const message = `Out of memory: ${panicOnOom === 2 ? 'compulsory' : 'system-wide'} panic_on_oom is enabled`
  sink.effects.push({ type: 'panic', message })
  sink.events.push({ type: 'oom.panic', timeNs: ctx.nowNs, message })
  return finish(run, true, 'panic', null, report)
}

/** sysctl oom_kill_allocating_task: kill current without a scan (global OOMs). */
function killAllocatingTask(run: OomRun, con: Constrained): OomOutcome | null {
  const { state, oc, ctx, sink, current } = run
  if (oc.kind === 'memcg' || !state.sysctl.oomKillAllocatingTask || current === null) return null
  const p = current.process
  const nodemask = con.cr.nodemask
  // >= 5.3 oom_cpuset_eligible(current); <= 5.2 has_intersects_mems_allowed(current, nodemask),
  // which without a mempolicy nodemask compares current's mems with its own (always true).
  const eligible =
    ctx.profile.outOfMemory.allocatingTaskCpusetCheck || nodemask !== null
      ? cpusetEligible(p, state, nodemask, p)
      : true
  const killable =
    liveMm(p, state) !== null &&
    !isUnkillableTask(p) &&
    eligible &&
    p.oomScoreAdj !== OOM_SCORE_ADJ_MIN
  if (!killable) return null
  sink.events.push({ type: 'oom.allocating_task', timeNs: ctx.nowNs, pid: p.pid })
  const r = oomKillProcess(
    state,
    {
      oc: con.oc,
      cr: con.cr,
      chosen: p,
      chosenTid: current.thread?.tid ?? p.pid,
      score: 0,
      message: 'Out of memory (oom_kill_allocating_task)',
      current
    },
    ctx,
    sink
  )
  const victimPid = r.exiting ? p.pid : (r.victim?.pid ?? null)
  return finish(run, true, r.exiting ? 'victim-exiting' : 'killed', victimPid, r.report)
}

/**
 * select_bad_process(), then the abort (-1: a victim is still exiting), the no-victim ending or
 * oom_kill_process() on the chosen task.
 */
function selectAndKill(run: OomRun, con: Constrained): OomOutcome {
  const { state, ctx, sink } = run
  const t = ctx.nowNs
  const sel = selectBadProcess(state, con.oc, con.cr.totalPages, ctx.profile, {
    ranking: ctx.ranking ?? true
  })
  run.ranking = sel.ranking
  pushEvaluateEvents(sink, sel.ranking, t)
  if (sel.aborted) {
    sink.events.push({ type: 'oom.abort', timeNs: t, inFlightPid: sel.inFlightPid ?? -1 })
    // oc->chosen == -1: progress without a kill.
    return finish(run, true, 'aborted', null, null)
  }
  sink.events.push({
    type: 'oom.select',
    timeNs: t,
    pid: sel.chosen?.pid ?? null,
    points: sel.points
  })
  if (sel.chosen === null) return noVictim(run, con)
  const r = oomKillProcess(
    state,
    {
      oc: con.oc,
      cr: con.cr,
      chosen: sel.chosen,
      chosenTid: sel.chosenTid ?? sel.chosen.pid,
      score: sel.scaledPoints,
      message: killMessage(run.oc),
      current: run.current
    },
    ctx,
    sink
  )
  if (r.exiting) return finish(run, true, 'victim-exiting', sel.chosen.pid, null)
  return finish(run, true, 'killed', r.victim?.pid ?? null, r.report)
}

function pushEvaluateEvents(sink: KillSink, ranking: readonly RankedTask[], t: number): void {
  for (const r of ranking) {
    const e: TraceEvent = {
      type: 'oom.evaluate',
      timeNs: t,
      pid: r.pid,
      comm: r.comm,
      badness: r.badness,
      skip: r.skip ?? null,
      origin: r.origin ?? false
    }
    sink.events.push(e)
  }
}

/** out_of_memory() with no victim: the warning and/or panic per profile. */
function noVictim(run: OomRun, con: Constrained): OomOutcome {
  const { ctx, sink } = run
  const rules = ctx.profile.outOfMemory
  const t = ctx.nowNs
  const kind = con.oc.kind
  const sysrqSpecial = kind === 'sysrq' && rules.sysrqExempt
  const panics = kind !== 'memcg' && !sysrqSpecial
  sink.events.push({ type: 'oom.no_victim', timeNs: t })
  if (rules.noKillable === 'warnThenDeadlock') {
    // >= 4.19: dump_header, pr_warn, then panic unless sysrq or memcg.
    const report = headerWithoutVictim(run, con)
    report.warnNoKillable = true
    if (panics) report.panic = { reason: 'noKillable' }
    sink.lines.push({ kind: 'dump-header', report })
    sink.lines.push({ kind: 'no-killable' })
    if (!panics) return finish(run, false, 'no-victim', null, report)
    sink.lines.push({ kind: 'panic-no-killable' })
    const message = 'System is deadlocked on memory'
    sink.effects.push({ type: 'panic', message })
    sink.events.push({ type: 'oom.panic', timeNs: t, message })
    return finish(run, false, 'panic', null, report)
  }
  // <= 4.18: global non-sysrq OOMs dump_header then panic; others print nothing.
  if (!panics) return finish(run, false, 'no-victim', null, null)
  const report = headerWithoutVictim(run, con)
  report.warnNoKillable = false
  report.panic = { reason: 'noKillable' }
  sink.lines.push({ kind: 'dump-header', report })
  sink.lines.push({ kind: 'panic-no-killable' })
  const message = 'Out of memory and no killable processes...'
  sink.effects.push({ type: 'panic', message })
  sink.events.push({ type: 'oom.panic', timeNs: t, message })
  return finish(run, false, 'panic', null, report)
}
