/**
 * @module out_of_memory() (mm/oom_kill.c) per profile, in the kernel's order: oom_killer_disabled,
 * the notifier chain, an exiting current, the !__GFP_FS rule, constrained_alloc() and
 * totalpages, check_panic_on_oom(), oom_kill_allocating_task, select_bad_process(), the
 * no-killable ending, the abort (-1) rule and oom_kill_process().
 *
 * The engine mutates the OomState it is given (flags, counters, oom_score_adj) and returns the
 * effects (signals, reaper queueing, panic), the events and the printk records as data.
 */
import type { EngineContext, OomControl, OomOutcome, RankedTask } from './engine-types.ts'
import { renderLineItems } from './engine-lines.ts'
import { dumpHeaderReport } from './dump-header.ts'
import type { TraceEvent } from './events.ts'
import { isUnkillableTask } from './oom-badness.ts'
import { constrainedAlloc, cpusetEligible, GFP_FS } from './oom-constraint.ts'
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
} from './engine-types.ts'
export { selectBadProcess } from './oom-select.ts'
export { oomKillProcess } from './oom-kill-process.ts'

/** The message oom_kill_process() is given for a scan-chosen victim. */
function killMessage(oc: OomControl): string {
  return oc.kind === 'memcg' ? 'Memory cgroup out of memory' : 'Out of memory'
}

/** out_of_memory(oc): one OOM invocation at ctx.nowNs. */
export function outOfMemory(state: OomState, oc: OomControl, ctx: EngineContext): OomOutcome {
  const profile = ctx.profile
  const rules = profile.outOfMemory
  const t = ctx.nowNs
  const sink = makeSink()
  sink.events.push({
    type: 'oom.invoke',
    timeNs: t,
    kind: oc.kind,
    memcg: oc.memcg,
    gfpMask: oc.gfpMask,
    order: oc.order,
    currentPid: oc.currentPid
  })
  const sysrq = oc.kind === 'sysrq'
  const memcgOom = oc.kind === 'memcg'
  let constraint: Constraint | null = null
  let totalPages: number | null = null
  let ranking: RankedTask[] = []
  const done = (
    progress: boolean,
    outcome: OomOutcome['outcome'],
    victimPid: number | null,
    report: OomReportData | null
  ): OomOutcome => {
    // moom_callback(): a sysrq OOM that returned false says so.
    if (sysrq && !progress && rules.sysrqExempt) sink.lines.push({ kind: 'sysrq-ignored' })
    return {
      progress,
      outcome,
      victimPid,
      effects: sink.effects,
      events: sink.events,
      printk: renderLineItems(sink.lines, profile, t),
      report,
      constraint,
      totalPages,
      ranking
    }
  }

  // 1. oom_killer_disabled (PM freeze).
  if (state.oomKillerDisabled) {
    sink.events.push({ type: 'oom.disabled', timeNs: t })
    return done(false, 'disabled', null, null)
  }
  // 2. The notifier chain (not for memcg OOMs); >= 5.17 a sysrq OOM ignores what it freed.
  if (!memcgOom) {
    const freed = ctx.notifierFreedPages ?? 0
    if (freed > 0 && !(sysrq && rules.notifierSkipsSysrq)) {
      sink.events.push({ type: 'oom.notifier', timeNs: t, freedPages: freed })
      return done(true, 'notifier', null, null)
    }
  }
  const current = oc.currentPid === null ? null : findTask(state, oc.currentPid)
  // 3. current is exiting: let it use the reserves and die (task_will_free_mem / 3.x PF_EXITING).
  if (
    current !== null &&
    isExitingForOom(state, current.process, current.thread, 'current', profile)
  ) {
    markExitingVictim(state, current.process, current.thread, ctx, sink)
    sink.events.push({ type: 'oom.current_exiting', timeNs: t, pid: current.process.pid })
    return done(true, 'current-exiting', null, null)
  }
  // 4. !__GFP_FS: pretend progress (<= 6.1 only when gfp != 0; >= 5.4 not for memcg OOMs).
  if (!(memcgOom && rules.nofsMemcgExempt)) {
    const guarded = rules.nofsCheck === 'gfpNonZero' && oc.gfpMask === 0
    if (!guarded && (oc.gfpMask & GFP_FS) === 0) {
      sink.events.push({ type: 'oom.nofs', timeNs: t, gfpMask: oc.gfpMask })
      return done(true, 'nofs', null, null)
    }
  }
  // 5. constrained_alloc(): constraint and totalpages; the nodemask only survives for mempolicy.
  const cr = constrainedAlloc(
    state,
    oc.kind,
    oc.memcg,
    oc.gfpMask,
    oc.nodemask,
    current?.process ?? null,
    profile
  )
  constraint = cr.constraint
  totalPages = cr.totalPages
  sink.events.push({
    type: 'oom.constraint',
    timeNs: t,
    constraint: cr.constraint,
    totalPages: cr.totalPages,
    nodemask: cr.nodemask
  })
  const ocC: OomControl = { ...oc, nodemask: cr.nodemask }
  /** dump_header(oc, NULL): the report printed without a victim (panic, nothing killable). */
  const header = (): OomReportData =>
    dumpHeaderReport({ state, oc: ocC, cr, current, victim: null }, ctx, profile)

  // 6. check_panic_on_oom(): 2 always, 1 only for CONSTRAINT_NONE; never for sysrq (4.x+).
  const panicOnOom = state.sysctl.panicOnOom
  if (panicOnOom !== 0 && !(sysrq && rules.sysrqExempt)) {
    if (panicOnOom === 2 || cr.constraint === 'CONSTRAINT_NONE') {
      const report = header()
      report.panic = { reason: 'panicOnOom', value: panicOnOom }
      sink.lines.push({ kind: 'dump-header', report })
      sink.lines.push({ kind: 'panic-on-oom', value: panicOnOom })
      const message = `Out of memory: ${panicOnOom === 2 ? 'compulsory' : 'system-wide'} panic_on_oom is enabled`
      sink.effects.push({ type: 'panic', message })
      sink.events.push({ type: 'oom.panic', timeNs: t, message })
      return done(true, 'panic', null, report)
    }
  }
  // 7. oom_kill_allocating_task: kill current without a scan (global OOMs).
  if (!memcgOom && state.sysctl.oomKillAllocatingTask && current !== null) {
    const p = current.process
    // >= 5.3 oom_cpuset_eligible(current); <= 5.2 has_intersects_mems_allowed(current, nodemask),
    // which without a mempolicy nodemask compares current's mems with its own (always true).
    const eligible =
      rules.allocatingTaskCpusetCheck || cr.nodemask !== null
        ? cpusetEligible(p, state, cr.nodemask, p)
        : true
    if (
      liveMm(p, state) !== null &&
      !isUnkillableTask(p) &&
      eligible &&
      p.oomScoreAdj !== OOM_SCORE_ADJ_MIN
    ) {
      sink.events.push({ type: 'oom.allocating_task', timeNs: t, pid: p.pid })
      const r = oomKillProcess(
        state,
        {
          oc: ocC,
          cr,
          chosen: p,
          chosenTid: current.thread?.tid ?? p.pid,
          score: 0,
          message: 'Out of memory (oom_kill_allocating_task)',
          current
        },
        ctx,
        sink
      )
      return done(
        true,
        r.exiting ? 'victim-exiting' : 'killed',
        r.exiting ? p.pid : (r.victim?.pid ?? null),
        r.report
      )
    }
  }
  // 8. select_bad_process().
  const sel = selectBadProcess(state, ocC, cr.totalPages, profile, { ranking: ctx.ranking ?? true })
  ranking = sel.ranking
  pushEvaluateEvents(sink, sel.ranking, t)
  if (sel.aborted) {
    sink.events.push({ type: 'oom.abort', timeNs: t, inFlightPid: sel.inFlightPid ?? -1 })
    // oc->chosen == -1: progress without a kill.
    return done(true, 'aborted', null, null)
  }
  sink.events.push({
    type: 'oom.select',
    timeNs: t,
    pid: sel.chosen?.pid ?? null,
    points: sel.points
  })
  // 9. Nothing killable.
  if (sel.chosen === null) return noVictim(ocC, sink, header, done, ctx)
  // 10. oom_kill_process().
  const r = oomKillProcess(
    state,
    {
      oc: ocC,
      cr,
      chosen: sel.chosen,
      chosenTid: sel.chosenTid ?? sel.chosen.pid,
      score: sel.scaledPoints,
      message: killMessage(oc),
      current
    },
    ctx,
    sink
  )
  if (r.exiting) return done(true, 'victim-exiting', sel.chosen.pid, null)
  return done(true, 'killed', r.victim?.pid ?? null, r.report)
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
function noVictim(
  oc: OomControl,
  sink: KillSink,
  header: () => OomReportData,
  done: (
    p: boolean,
    o: OomOutcome['outcome'],
    v: number | null,
    r: OomReportData | null
  ) => OomOutcome,
  ctx: EngineContext
): OomOutcome {
  const rules = ctx.profile.outOfMemory
  const t = ctx.nowNs
  const sysrqSpecial = oc.kind === 'sysrq' && rules.sysrqExempt
  const panics = oc.kind !== 'memcg' && !sysrqSpecial
  sink.events.push({ type: 'oom.no_victim', timeNs: t })
  if (rules.noKillable === 'warnThenDeadlock') {
    // >= 4.19: dump_header, pr_warn, then panic unless sysrq or memcg.
    const report = header()
    report.warnNoKillable = true
    if (panics) report.panic = { reason: 'noKillable' }
    sink.lines.push({ kind: 'dump-header', report })
    sink.lines.push({ kind: 'no-killable' })
    if (!panics) return done(false, 'no-victim', null, report)
    sink.lines.push({ kind: 'panic-no-killable' })
    const message = 'System is deadlocked on memory'
    sink.effects.push({ type: 'panic', message })
    sink.events.push({ type: 'oom.panic', timeNs: t, message })
    return done(false, 'panic', null, report)
  }
  // <= 4.18: global non-sysrq OOMs dump_header then panic; others print nothing.
  if (!panics) return done(false, 'no-victim', null, null)
  const report = header()
  report.warnNoKillable = false
  report.panic = { reason: 'noKillable' }
  sink.lines.push({ kind: 'dump-header', report })
  sink.lines.push({ kind: 'panic-no-killable' })
  const message = 'Out of memory and no killable processes...'
  sink.effects.push({ type: 'panic', message })
  sink.events.push({ type: 'oom.panic', timeNs: t, message })
  return done(false, 'panic', null, report)
}
