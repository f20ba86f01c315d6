/**
 * @module Reference checks of the timeline, in order: time order, pids (forks add theirs), VMA
 * names (mmap adds, fork inherits), and the files, cgroups, swap devices, sysctls and cgroup
 * files actions name.
 */
import type { ActionSpecT } from '../schema.ts'
import { durationToNs } from '../size.ts'
import type { RefContext } from './context.ts'
import { CGROUP_KEYS, SYSCTL_NAMES } from './names.ts'

/** The process an action names exists by then; fork and mmap record what they add. */
function checkProcessRefs(ctx: RefContext, a: ActionSpecT, ai: number): void {
  const { fail, pids, vmaNames } = ctx
  if ('pid' in a && a.pid !== undefined && !pids.has(a.pid))
    throw fail(
      `no process with pid ${a.pid} at this point (list it under processes or fork it first)`,
      ['timeline', ai, 'pid']
    )
  if (a.do === 'fork') {
    if (pids.has(a.child))
      throw fail(`fork: pid ${a.child} already exists`, ['timeline', ai, 'child'])
    pids.add(a.child)
    vmaNames.set(a.child, new Set(vmaNames.get(a.pid) ?? []))
  }
  if (a.do === 'mmap' && a.name !== undefined) vmaNames.get(a.pid)?.add(a.name)
  if (
    (a.do === 'touch' || a.do === 'free' || a.do === 'mlock' || a.do === 'munmap') &&
    a.vma !== undefined &&
    !(vmaNames.get(a.pid)?.has(a.vma) ?? false)
  )
    throw fail(`process ${a.pid} has no VMA named '${a.vma}'`, ['timeline', ai, 'vma'])
}

/** A touch's `thread` (tid or comm) is a thread of its process (when the process lists them). */
function checkThreadRef(ctx: RefContext, a: ActionSpecT, ai: number): void {
  if (a.do !== 'touch' || a.thread === undefined) return
  const ps = ctx.s.processes.find(p => p.pid === a.pid)
  // Threads given as a count, or a process forked on the timeline: their tids are not known here.
  if (ps === undefined || typeof ps.threads === 'number') return
  const tids = ps.threads?.map(t => ({ tid: t.tid, comm: t.comm ?? ps.comm })) ?? [
    { tid: ps.pid, comm: ps.comm }
  ]
  const want = a.thread
  if (!tids.some(t => (typeof want === 'number' ? t.tid === want : t.comm === want)))
    throw ctx.fail(
      typeof want === 'number'
        ? `process ${a.pid} has no thread ${want}`
        : `process ${a.pid} has no thread named '${want}'`,
      ['timeline', ai, 'thread']
    )
}

/** Files, cgroups, swap devices, sysctls and cgroup files named by an action are known. */
function checkNamedRefs(ctx: RefContext, a: ActionSpecT, ai: number): void {
  const { fail, files, groups, swaps } = ctx
  const at = (key: string): (string | number)[] => ['timeline', ai, key]
  if ((a.do === 'read' || a.do === 'mmap') && a.file !== undefined && !files.has(a.file))
    throw fail(`unknown file '${a.file}' (declare it under files)`, at('file'))
  if ((a.do === 'cgroup-set' || a.do === 'cgroup-move') && !groups.has(a.path))
    throw fail(`unknown cgroup '${a.path}'`, at('path'))
  if ((a.do === 'swapon' || a.do === 'swapoff') && !swaps.has(a.name))
    throw fail(`unknown swap device '${a.name}' (declare it under machine.swap)`, at('name'))
  if (a.do === 'sysctl' && !SYSCTL_NAMES.includes(a.name))
    throw fail(
      `unknown sysctl '${a.name}' (expected one of ${SYSCTL_NAMES.join(', ')})`,
      at('name')
    )
  if (a.do === 'cgroup-set' && !CGROUP_KEYS.includes(a.key))
    throw fail(
      `unknown cgroup file '${a.key}' (expected one of ${CGROUP_KEYS.join(', ')})`,
      at('key')
    )
  if ('until' in a && a.until !== undefined && !('every' in a && a.every !== undefined))
    throw fail("'until' needs 'every' (a repeating action)", at('until'))
}

/** The timeline is in time order and every reference in it resolves. */
export function checkTimeline(ctx: RefContext): void {
  let lastAt = -1
  ctx.s.timeline?.forEach((a, ai) => {
    const at = durationToNs(a.at)
    if (at < lastAt)
      throw ctx.fail(`timeline is not in time order (${String(a.at)} comes after a later action)`, [
        'timeline',
        ai,
        'at'
      ])
    lastAt = at
    checkProcessRefs(ctx, a, ai)
    checkThreadRef(ctx, a, ai)
    checkNamedRefs(ctx, a, ai)
  })
}
