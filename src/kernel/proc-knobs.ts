/**
 * @module /proc/<pid>/oom_score, oom_score_adj and oom_adj: read formats, write parsing and
 * errors (EINVAL, EACCES, ERANGE), the oom_adj <-> oom_score_adj conversions, oom_score_adj_min
 * with CAP_SYS_RESOURCE, propagation to processes sharing the mm per profile, the one-time
 * deprecation warning for oom_adj and the oom_score_adj_update tracepoint.
 */
import type { TraceEvent } from './events.ts'
import { findLockTaskMm, isGlobalInit, procOomScore } from './oom-badness.ts'
import type { KernelProfile } from './profiles.ts'
import { mmUsers } from './task-will-free-mem.ts'
import type { OomState, Process } from './types.ts'
import {
  OOM_ADJUST_MAX,
  OOM_ADJUST_MIN,
  OOM_DISABLE,
  OOM_SCORE_ADJ_MAX,
  OOM_SCORE_ADJ_MIN
} from './types.ts'

/** oom_adj_read(): 15 for adj 1000, else adj*17/1000 truncated toward zero, capped at 15. */
export function oomAdjFromScoreAdj(oomScoreAdj: number): number {
  if (oomScoreAdj === OOM_SCORE_ADJ_MAX) return OOM_ADJUST_MAX
  // `+ 0` turns a truncated -0 into 0.
  return Math.min(Math.trunc((oomScoreAdj * -OOM_DISABLE) / OOM_SCORE_ADJ_MAX), OOM_ADJUST_MAX) + 0
}

/** oom_adj_write(): 15 maps to 1000, anything else to oom_adj*1000/17 truncated (-17 -> -1000). */
export function scoreAdjFromOomAdj(oomAdj: number): number {
  if (oomAdj === OOM_ADJUST_MAX) return OOM_SCORE_ADJ_MAX
  return Math.trunc((oomAdj * OOM_SCORE_ADJ_MAX) / -OOM_DISABLE) + 0
}

/** What /proc/<pid>/oom_score_adj reads ("%hd\n"). */
export function readOomScoreAdj(p: Process): string {
  return `${p.oomScoreAdj}\n`
}

/**
 * oom_adj_read() for the profile: before the cap at OOM_ADJUST_MAX (added for 5.10; absent in
 * 3.10–4.19) an oom_score_adj of 942..999 reads 16.
 */
export function oomAdjReadValue(oomScoreAdj: number, profile: KernelProfile): number {
  if (profile.oomScore.oomAdjReadCapped !== false) return oomAdjFromScoreAdj(oomScoreAdj)
  if (oomScoreAdj === OOM_SCORE_ADJ_MAX) return OOM_ADJUST_MAX
  return Math.trunc((oomScoreAdj * -OOM_DISABLE) / OOM_SCORE_ADJ_MAX) + 0
}

/** What /proc/<pid>/oom_adj reads ("%d\n"); without a profile, the capped (>= 5.10) value. */
export function readOomAdj(p: Process, profile?: KernelProfile): string {
  const v =
    profile === undefined
      ? oomAdjFromScoreAdj(p.oomScoreAdj)
      : oomAdjReadValue(p.oomScoreAdj, profile)
  return `${v}\n`
}

/** What /proc/<pid>/oom_score reads ("%lu\n"). */
export function readOomScore(p: Process, state: OomState, profile: KernelProfile): string {
  return `${procOomScore(p, state, profile)}\n`
}

/** kstrtoint(strstrip(buf), 0): decimal, 0x hex or 0 octal with an optional sign. */
export function parseKstrtoint(text: string): { value: number } | { errno: 'EINVAL' | 'ERANGE' } {
  const s = text.replace(/^[\s]+|[\s]+$/g, '')
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s)
  if (m === null) return { errno: 'EINVAL' }
  const digits = m[2] ?? '0'
  let v: number
  if (/^0[xX]/.test(digits)) v = parseInt(digits.slice(2), 16)
  else if (digits.length > 1 && digits.startsWith('0')) v = parseInt(digits.slice(1), 8)
  else v = parseInt(digits, 10)
  if (m[1] === '-') v = -v
  if (v > 2147483647 || v < -2147483648) return { errno: 'ERANGE' }
  return { value: v }
}

/** Who writes the file. */
export interface KnobWriter {
  pid: number
  comm: string
  /** capable(CAP_SYS_RESOURCE). */
  capSysResource: boolean
}

/** The caller-owned state of one-time messages (pr_warn_once). */
export interface KnobOnce {
  oomAdjDeprecatedWarned: boolean
}

/** Context of a knob write. */
export interface KnobContext {
  profile: KernelProfile
  nowNs: number
  once: KnobOnce
}

/** The result of a write: an errno, or the processes updated with events and printk text. */
export type KnobWriteResult =
  | { ok: false; errno: 'EINVAL' | 'EACCES' | 'ERANGE' | 'ESRCH' }
  | {
      ok: true
      /** The target first, then every process the value was propagated to. */
      updated: number[]
      events: TraceEvent[]
      /** Lines printed (the deprecation warning, KERN_WARNING). */
      printk: { timeNs: number; level: number; text: string }[]
    }

/**
 * /proc/<pid>/oom_score_adj write: -1000..1000 or EINVAL; lowering below oom_score_adj_min needs
 * CAP_SYS_RESOURCE (EACCES), which also sets oom_score_adj_min.
 */
export function writeOomScoreAdj(
  state: OomState,
  target: Process,
  text: string,
  writer: KnobWriter,
  ctx: KnobContext
): KnobWriteResult {
  const parsed = parseKstrtoint(text)
  if ('errno' in parsed) return { ok: false, errno: parsed.errno }
  const v = parsed.value
  if (v < OOM_SCORE_ADJ_MIN || v > OOM_SCORE_ADJ_MAX) return { ok: false, errno: 'EINVAL' }
  return setOomAdj(state, target, v, false, writer, ctx)
}

/**
 * /proc/<pid>/oom_adj write (legacy): -16..15 or -17, else EINVAL; converted to oom_score_adj;
 * lowering below the *current* oom_score_adj needs CAP_SYS_RESOURCE; never touches
 * oom_score_adj_min; prints the deprecation warning once.
 */
export function writeOomAdj(
  state: OomState,
  target: Process,
  text: string,
  writer: KnobWriter,
  ctx: KnobContext
): KnobWriteResult {
  const parsed = parseKstrtoint(text)
  if ('errno' in parsed) return { ok: false, errno: parsed.errno }
  const v = parsed.value
  if ((v < OOM_ADJUST_MIN || v > OOM_ADJUST_MAX) && v !== OOM_DISABLE) {
    return { ok: false, errno: 'EINVAL' }
  }
  return setOomAdj(state, target, scoreAdjFromOomAdj(v), true, writer, ctx)
}

/** Whether __set_oom_adj() propagates the value to other processes sharing the mm. */
function propagates(state: OomState, target: Process, profile: KernelProfile): number | null {
  // Not for a vfork child, which wants its own value.
  if (target.inVfork) return null
  const found = findLockTaskMm(target, state)
  if (found === null) return null
  switch (profile.oomScore.adjPropagation) {
    case 'none':
      return null
    case 'usersGtThreads':
      // __set_oom_adj(), 4.9.76/4.14.177/5.4.59: the walk runs when mm_users > 1, but threads
      // hold mm_users too and the walk skips the thread group, so only other processes on the
      // mm change anything: more users than threads.
      return mmUsers(state, found.mm.id) > Math.max(target.threads.length, 1) ? found.mm.id : null
    case 'multiprocessFlag':
      // >= 5.10: MMF_MULTIPROCESS
      return found.mm.flags.multiprocess ? found.mm.id : null
  }
}

/** task->mm of the task /proc/<pid> names: the leader's own mm, not one of its threads'. */
function leaderHasMm(p: Process): boolean {
  if (p.mmId === null) return false
  const leader = p.threads.find(t => t.tid === p.pid) ?? p.threads[0]
  return leader === undefined || !leader.mmReleased
}

/** __set_oom_adj(). */
function setOomAdj(
  state: OomState,
  target: Process,
  adj: number,
  legacy: boolean,
  writer: KnobWriter,
  ctx: KnobContext
): KnobWriteResult {
  const printk: { timeNs: number; level: number; text: string }[] = []
  // oom_adj_write() / oom_score_adj_write(), <= 4.6: task_lock(task); !task->mm => EINVAL. The
  // task is the one /proc/<pid> names (the leader), so its own mm counts, not a sibling's.
  if (ctx.profile.oomScore.writeNeedsMm === true && !leaderHasMm(target)) {
    return { ok: false, errno: 'EINVAL' }
  }
  if (legacy) {
    if (adj < target.oomScoreAdj && !writer.capSysResource) return { ok: false, errno: 'EACCES' }
    if (!ctx.once.oomAdjDeprecatedWarned) {
      ctx.once.oomAdjDeprecatedWarned = true
      printk.push({
        timeNs: ctx.nowNs,
        level: 4,
        text:
          `${writer.comm} (${writer.pid}): /proc/${target.pid}/oom_adj is deprecated, ` +
          `please use /proc/${target.pid}/oom_score_adj instead.`
      })
    }
  } else if (adj < target.oomScoreAdjMin && !writer.capSysResource) {
    return { ok: false, errno: 'EACCES' }
  }
  const mmId = propagates(state, target, ctx.profile)
  const setMin = !legacy && writer.capSysResource
  target.oomScoreAdj = adj
  if (setMin) target.oomScoreAdjMin = adj
  const events: TraceEvent[] = [
    {
      type: 'oom:oom_score_adj_update',
      timeNs: ctx.nowNs,
      pid: target.pid,
      comm: target.comm,
      oomScoreAdj: adj
    }
  ]
  const updated = [target.pid]
  if (mmId !== null) {
    for (const p of state.processes) {
      if (p === target) continue
      // Kernel threads and global init are never touched; nor are vfork children.
      if (p.kthread || isGlobalInit(p) || p.inVfork) continue
      if (p.mmId !== mmId || findLockTaskMm(p, state) === null) continue
      p.oomScoreAdj = adj
      if (setMin) p.oomScoreAdjMin = adj
      updated.push(p.pid)
    }
  }
  return { ok: true, updated, events, printk }
}
