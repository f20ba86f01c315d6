/**
 * @module oom_kill_process() and __oom_kill_process() per profile: the already-exiting victim,
 * the ratelimited dump_header, the <= 5.0 "sacrifice child" rule, memory.oom.group (cgroup v2),
 * SIGKILL, mark_oom_victim, the processes sharing the victim's mm (init pins it, kthreads are
 * skipped, the rest are killed; 3.x prints "sharing same memory"), the vm/memcg counters and
 * queueing the oom_reaper.
 */
import type { EngineContext, Effect, OomControl } from './oom-control.ts'
import type { LineItem } from './line-items.ts'
import { dumpHeaderReport, killedInfo, pagesToKb } from './dump-header.ts'
import type { TraceEvent } from './events.ts'
import { badnessPoints, findLockTaskMm, INELIGIBLE, isGlobalInit } from './oom-badness.ts'
import type { ConstraintResult } from './oom-constraint.ts'
import {
  cpusetEligible,
  isMemcgDescendant,
  memcgScanOrder,
  parentMemcgPath
} from './oom-constraint.ts'
import type { OomReportData } from './oom-report.ts'
import type { KernelProfile } from './profiles.ts'
import { ratelimitCheck } from './ratelimit.ts'
import { isExitingForOom } from './task-will-free-mem.ts'
import type { MemcgEvents, Mm, OomState, Process, Thread } from './types.ts'
import { OOM_SCORE_ADJ_MIN } from './types.ts'
import { mmCounter } from './mm/rss-stat.ts'

/** Where oom_kill_process() puts what it did. */
export interface KillSink {
  effects: Effect[]
  events: TraceEvent[]
  lines: LineItem[]
}

/** A fresh, empty sink. */
export function makeSink(): KillSink {
  return { effects: [], events: [], lines: [] }
}

/**
 * memcg_memory_event(): the memcg's memory.events.local counter, then memory.events of the memcg
 * and each ancestor below the root (the root itself only when it is the memcg).
 */
export function memcgMemoryEvent(state: OomState, path: string, event: keyof MemcgEvents): void {
  const local = state.memcgs.get(path)
  if (local !== undefined) local.eventsLocal[event]++
  let m: string | null = path
  do {
    const memcg = state.memcgs.get(m)
    if (memcg !== undefined) memcg.events[event]++
    m = parentMemcgPath(m)
  } while (m !== null && m !== '/')
}

/**
 * mem_cgroup_get_oom_group() (>= 4.19, cgroup v2 only): the highest memcg with memory.oom.group
 * set between the victim's memcg and the OOM domain (the OOMing memcg or the root), or null.
 */
export function memcgOomGroup(
  state: OomState,
  victim: Process,
  oomMemcg: string | null,
  profile: KernelProfile
): string | null {
  if (!profile.kill.oomGroup || state.cgroupVersion !== 2) return null
  const domain = oomMemcg ?? '/'
  if (victim.memcg === '/') return null
  if (!isMemcgDescendant(victim.memcg, domain)) return null
  let group: string | null = null
  for (let m: string | null = victim.memcg; m !== null; m = parentMemcgPath(m)) {
    if (state.memcgs.get(m)?.oomGroup === true) group = m
    if (m === domain) break
  }
  return group
}

/** Deliver SIGKILL to a thread group (complete_signal sets SIGNAL_GROUP_EXIT at once). */
function sigkill(p: Process, sink: KillSink): void {
  p.sigkillPending = true
  p.groupExit = true
  sink.effects.push({ type: 'signal', pid: p.pid, signal: 'SIGKILL' })
}

/**
 * mark_oom_victim(): TIF_MEMDIE (once), signal->oom_mm, and the mark_victim tracepoint
 * (tracepoints exist with the reaper generation, >= 4.6).
 */
export function markOomVictim(
  p: Process,
  thread: { tid: number; comm: string },
  mm: Mm,
  ctx: EngineContext,
  sink: KillSink
): void {
  if (p.memdie) return
  p.memdie = true
  if (p.oomVictimMmId === null) p.oomVictimMmId = mm.id
  if (!ctx.profile.reaper.present) return
  sink.events.push({
    type: 'oom:mark_victim',
    timeNs: ctx.nowNs,
    pid: thread.tid,
    extended: ctx.profile.format.markVictimExtended
      ? {
          comm: thread.comm,
          totalVmKb: pagesToKb(mm.totalVm),
          anonRssKb: pagesToKb(mmCounter(mm, 'anon')),
          fileRssKb: pagesToKb(mmCounter(mm, 'file')),
          shmemRssKb: pagesToKb(mmCounter(mm, 'shmem')),
          uid: p.uid,
          pgtablesKb: Math.floor(mm.pgtablesBytes / 1024),
          oomScoreAdj: p.oomScoreAdj
        }
      : null
  })
}

/**
 * queue_oom_reaper() / wake_oom_reaper(): hand the victim's mm to the reaper once
 * (MMF_OOM_REAP_QUEUED), after OOM_REAPER_DELAY (2 s) where the profile has it.
 */
export function queueOomReaper(
  p: Process,
  ctx: EngineContext,
  state: OomState,
  sink: KillSink,
  task?: { tid: number; comm: string }
): void {
  const profile = ctx.profile
  if (!profile.reaper.present) return
  const mmId = p.oomVictimMmId ?? p.mmId
  if (mmId === null) return
  const mm = state.mms.get(mmId)
  if (mm === undefined) return
  // queue_oom_reaper(): test_and_set_bit(MMF_OOM_REAP_QUEUED), >= 5.0 and in every stable tree
  // of a reaper profile read (4.14.177, 4.19.304, 5.4.214); 4.6–4.20.0 tested list membership.
  if (mm.flags.reapQueued) return
  mm.flags.reapQueued = true
  const atNs = ctx.nowNs + profile.reaper.delayMs * 1_000_000
  // queue_oom_reaper(tsk): the reaper names tsk (task_pid_nr, comm), a thread of `p`.
  const tid = task?.tid ?? p.pid
  const comm = task?.comm ?? p.comm
  // tid/comm only when they are not the process's own.
  sink.effects.push(
    tid === p.pid && comm === p.comm
      ? { type: 'queue-reaper', pid: p.pid, mmId, atNs }
      : { type: 'queue-reaper', pid: p.pid, mmId, atNs, tid, comm }
  )
  // Without the delay the reaper is woken at once (trace wake_reaper); with it, when the timer fires.
  if (profile.reaper.delayMs === 0)
    sink.events.push({ type: 'oom:wake_reaper', timeNs: ctx.nowNs, pid: tid })
}

/** Mark `p` (an exiting task) as a victim without killing it and queue the reaper. */
export function markExitingVictim(
  state: OomState,
  p: Process,
  thread: Thread | null,
  ctx: EngineContext,
  sink: KillSink
): void {
  if (ctx.profile.outOfMemory.exitingCheck !== 'taskWillFreeMem') {
    // 3.x: just TIF_MEMDIE so it can use the reserves and exit.
    p.memdie = true
    return
  }
  const found = findLockTaskMm(p, state)
  if (found === null) return
  markOomVictim(p, thread ?? found, found.mm, ctx, sink)
  queueOomReaper(p, ctx, state, sink, thread ?? found)
}

/** Everything oom_kill_process() needs about the decision. */
export interface KillRequest {
  /** oom_control with the nodemask already cleared unless CONSTRAINT_MEMORY_POLICY. */
  oc: OomControl
  cr: ConstraintResult
  chosen: Process
  /** The chosen thread (3.x per-thread scan); the leader otherwise. */
  chosenTid: number
  /** The score the sacrifice-child line prints (0..1000 scaled, <= 5.0). */
  score: number
  message: string
  current: { process: Process; thread: Thread | null } | null
}

/** What oom_kill_process() did. */
export interface KillResult {
  /** The process actually killed (after the sacrifice rule), or null. */
  victim: Process | null
  /** The chosen task was already exiting: marked, not killed, nothing printed. */
  exiting: boolean
  report: OomReportData | null
}

/** oom_kill_process(oc, message). */
export function oomKillProcess(
  state: OomState,
  req: KillRequest,
  ctx: EngineContext,
  sink: KillSink
): KillResult {
  const profile = ctx.profile
  const chosen = req.chosen
  const chosenThread =
    chosen.threads.find(t => t.tid === req.chosenTid) ?? chosen.threads[0] ?? null
  // oom_kill_process(): an exiting victim is only marked (>= 4.8 task_will_free_mem; 3.x PF_EXITING).
  if (isExitingForOom(state, chosen, chosenThread, 'victim', profile)) {
    markExitingVictim(state, chosen, chosenThread, ctx, sink)
    sink.events.push({ type: 'oom.victim_exiting', timeNs: ctx.nowNs, pid: chosen.pid })
    return { victim: null, exiting: true, report: null }
  }
  // __ratelimit(&oom_rs) around dump_header (10 per 5 s).
  const rl = ratelimitCheck(ctx.ratelimit, ctx.nowNs)
  if (rl.suppressed > 0) sink.lines.push({ kind: 'suppressed', count: rl.suppressed })
  let report: OomReportData | null = null
  if (rl.allowed) {
    report = dumpHeaderReport(
      { state, oc: req.oc, cr: req.cr, current: req.current, victim: chosen },
      ctx,
      profile
    )
    sink.lines.push({ kind: 'dump-header', report })
  } else {
    sink.events.push({ type: 'oom.ratelimited', timeNs: ctx.nowNs })
  }
  let victim = chosen
  if (profile.kill.sacrificeChild) {
    const sacrifice = {
      pid: chosenThread?.tid ?? chosen.pid,
      comm: chosenThread?.comm ?? chosen.comm,
      score: req.score
    }
    if (report !== null) report.sacrifice = sacrifice
    sink.lines.push({ kind: 'sacrifice', message: req.message, ...sacrifice })
    victim = sacrificeChild(state, req, chosen, ctx, sink)
  }
  const group = memcgOomGroup(state, victim, req.oc.kind === 'memcg' ? req.oc.memcg : null, profile)
  const first = oomKillOne(state, victim, req.message, ctx, sink)
  if (report !== null) report.killed = first
  if (group !== null) {
    // >= 5.17: MEMCG_OOM_GROUP_KILL on the group.
    if (profile.kill.oomGroupKillEvent) memcgMemoryEvent(state, group, 'oom_group_kill')
    sink.lines.push({ kind: 'oom-group', path: group })
    const kills = []
    const pids: number[] = []
    for (const p of memcgScanOrder(state, group)) {
      // oom_kill_memcg_member(): everyone but OOM_SCORE_ADJ_MIN and global init (the victim again).
      if (p.oomScoreAdj === OOM_SCORE_ADJ_MIN || isGlobalInit(p)) continue
      pids.push(p.pid)
      const k = oomKillOne(state, p, req.message, ctx, sink)
      if (k !== null) kills.push(k)
    }
    if (report !== null) report.oomGroup = { path: group, kills }
    sink.events.push({ type: 'oom.group', timeNs: ctx.nowNs, memcg: group, pids })
  }
  return { victim, exiting: false, report }
}

/**
 * <= 5.0: among the children of every thread of the chosen task that do not share its mm, the
 * one with the strictly highest oom_badness (starting from 0) is killed instead.
 */
function sacrificeChild(
  state: OomState,
  req: KillRequest,
  chosen: Process,
  ctx: EngineContext,
  sink: KillSink
): Process {
  const profile = ctx.profile
  let victim = chosen
  let victimPoints = 0
  for (const child of state.processes) {
    if (child.ppid !== chosen.pid || child === chosen) continue
    if (child.mmId !== null && child.mmId === chosen.mmId) continue
    // oom_badness() <= 5.2 includes oom_unkillable_task(p, memcg, nodemask).
    if (
      req.oc.kind === 'memcg' &&
      req.oc.memcg !== null &&
      !isMemcgDescendant(child.memcg, req.oc.memcg)
    )
      continue
    if (!cpusetEligible(child, state, req.oc.nodemask, req.current?.process ?? null)) continue
    const pts = badnessPoints(child, state, req.cr.totalPages, profile)
    if (pts === INELIGIBLE) continue
    if (pts > victimPoints) {
      victim = child
      victimPoints = pts
    }
  }
  if (victim !== chosen) {
    sink.events.push({
      type: 'oom.sacrifice',
      timeNs: ctx.nowNs,
      parentPid: chosen.pid,
      childPid: victim.pid,
      childPoints: victimPoints
    })
  }
  return victim
}

/** __oom_kill_process(victim, message): returns the Killed-line data, or null if nothing killed. */
export function oomKillOne(
  state: OomState,
  victim: Process,
  message: string,
  ctx: EngineContext,
  sink: KillSink
): ReturnType<typeof killedInfo> | null {
  const profile = ctx.profile
  const found = findLockTaskMm(victim, state)
  if (found === null) {
    // >= 5.9: "OOM victim %d (%s) is already exiting. Skip killing the task".
    if (profile.kill.alreadyExitingLine) {
      sink.lines.push({ kind: 'already-exiting', message, pid: victim.pid, comm: victim.comm })
    }
    return null
  }
  const mm = found.mm
  // count_vm_event(OOM_KILL) (>= 4.13) and memcg_memory_event_mm(mm, MEMCG_OOM_KILL).
  if (profile.kill.vmOomKillCounter) state.vmOomKill++
  memcgMemoryEvent(state, victim.memcg, 'oom_kill')
  const info = killedInfo(message, victim, found, profile)
  sink.events.push({
    type: 'oom.kill',
    timeNs: ctx.nowNs,
    pid: victim.pid,
    comm: found.comm,
    message
  })
  if (profile.kill.sharers !== 'initPins') {
    // 3.x: Killed line, then each sharer ("sharing same memory"), then TIF_MEMDIE + SIGKILL.
    sink.lines.push({ kind: 'killed', info })
    killSharersWithLine(
      state,
      victim,
      mm,
      ctx,
      sink,
      profile.kill.sharers === 'sharingSameMemoryLine'
    )
    victim.memdie = true
    if (victim.oomVictimMmId === null) victim.oomVictimMmId = mm.id
    sigkill(victim, sink)
    return info
  }
  // >= 4.x: SIGKILL before granting reserves, then mark_oom_victim, then the Killed line.
  sigkill(victim, sink)
  markOomVictim(victim, found, mm, ctx, sink)
  sink.lines.push({ kind: 'killed', info })
  if (killSharersInitPins(state, victim, found, ctx, sink)) {
    queueOomReaper(victim, ctx, state, sink, found)
  }
  return info
}

/** The oom.kill_sharer event for one process sharing the victim's mm. */
function sharerKilledEvent(q: Process, victim: Process, ctx: EngineContext): TraceEvent {
  return { type: 'oom.kill_sharer', timeNs: ctx.nowNs, pid: q.pid, victimPid: victim.pid }
}

/**
 * 3.x oom_kill_process(): "Kill process %d (%s) sharing same memory" and SIGKILL for every
 * other user of the mm, skipping (`skipUnkillable`, 3.10.4) kernel threads, tasks without an mm
 * and oom_score_adj -1000; 2.6.32-642 oom_kill_task() skips none of them.
 */
function killSharersWithLine(
  state: OomState,
  victim: Process,
  mm: Mm,
  ctx: EngineContext,
  sink: KillSink,
  skipUnkillable: boolean
): void {
  for (const q of state.processes) {
    if (q === victim || q.mmId !== mm.id) continue
    if (skipUnkillable) {
      if (q.kthread || findLockTaskMm(q, state) === null) continue
      if (q.oomScoreAdj === OOM_SCORE_ADJ_MIN) continue
    }
    sink.lines.push({ kind: 'sharing', pid: q.pid, comm: q.comm })
    sigkill(q, sink)
    sink.events.push(sharerKilledEvent(q, victim, ctx))
  }
}

/**
 * >= 4.x __oom_kill_process(): SIGKILL every other user of the mm silently; global init sharing
 * it pins the mm ("has mm pinned by", MMF_OOM_SKIP) and kernel threads are skipped. Returns
 * whether the oom_reaper may reap the mm (no init pinned it).
 */
function killSharersInitPins(
  state: OomState,
  victim: Process,
  found: NonNullable<ReturnType<typeof findLockTaskMm>>,
  ctx: EngineContext,
  sink: KillSink
): boolean {
  const mm = found.mm
  let canReap = true
  for (const q of state.processes) {
    if (q === victim || q.mmId !== mm.id) continue
    if (findLockTaskMm(q, state) === null) continue
    if (isGlobalInit(q)) {
      // Global init shares the mm: it must not be reaped.
      canReap = false
      mm.flags.oomSkip = true
      sink.lines.push({
        kind: 'pinned',
        victim: { pid: found.tid, comm: found.comm },
        init: { pid: q.pid, comm: q.comm }
      })
      sink.events.push({
        type: 'oom.mm_pinned',
        timeNs: ctx.nowNs,
        victimPid: victim.pid,
        initPid: q.pid
      })
      continue
    }
    if (q.kthread) continue
    sigkill(q, sink)
    sink.events.push(sharerKilledEvent(q, victim, ctx))
  }
  return canReap
}
