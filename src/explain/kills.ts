/**
 * @module Every process the kernel killed for one OOM event, in the order it killed them, with
 * the reason: the chosen victim, a child sacrificed in its place (<= 5.0
 * oom_kill_process()), a task sharing the victim's mm (__oom_kill_process(), "sharing same
 * memory") or a member of the victim's memory.oom.group (>= 4.19 mem_cgroup_get_oom_group()).
 */
import type { OomEvent } from './oom-event.ts'

export type KillReason = 'victim' | 'sacrificed-child' | 'mm-sharer' | 'oom-group'

/** One process the kernel killed. */
export interface Kill {
  pid: number
  comm: string
  reason: KillReason
  /** Which line named it: a Killed line, the summary, "Kill process", "sharing" or the reaper. */
  source: 'killed' | 'summary' | 'sacrifice' | 'sharing' | 'reaper' | 'panic'
}

/** The reason of the first kill: the chosen victim, or a child sacrificed for it. */
function firstReason(e: OomEvent, pid: number): KillReason {
  return e.sacrifice && e.sacrifice.pid !== pid && e.sacrifice.message.includes('sacrifice')
    ? 'sacrificed-child'
    : 'victim'
}

/** The kills of `e`, in order (none when the text names no killed task). */
export function killsOf(e: OomEvent): Kill[] {
  const kills: Kill[] = []
  const seen = new Set<number>()
  const add = (k: Kill): void => {
    if (seen.has(k.pid)) return
    seen.add(k.pid)
    kills.push(k)
  }
  const [first, ...rest] = e.killedLines
  if (first)
    add({ pid: first.pid, comm: first.comm, reason: firstReason(e, first.pid), source: 'killed' })
  else if (e.victim)
    add({
      pid: e.victim.pid,
      comm: e.victim.comm,
      reason: firstReason(e, e.victim.pid),
      source: e.victim.source
    })
  // __oom_kill_process(): the mm sharers are killed right after the victim.
  for (const s of e.sharers)
    add({ pid: s.pid, comm: s.comm, reason: 'mm-sharer', source: 'sharing' })
  for (const k of rest)
    add({
      pid: k.pid,
      comm: k.comm,
      reason: e.oomGroup !== null ? 'oom-group' : 'mm-sharer',
      source: 'killed'
    })
  if (e.oomGroup !== null) groupKillsFromLateLines(e, add)
  return kills
}

/**
 * oom.group members the text shows only through later lines: an oom_reaper line for a task of
 * the report's table, and global init when "Attempted to kill init!" follows (oom_kill_memcg_member()
 * before 5.0 did not spare init: "mm, oom: don't kill global init via memory.oom.group").
 */
function groupKillsFromLateLines(e: OomEvent, add: (k: Kill) => void): void {
  const rows = e.tasks ?? []
  for (const r of e.reaper) {
    const row = rows.find(t => t.pid === r.pid)
    if (row) add({ pid: r.pid, comm: r.comm, reason: 'oom-group', source: 'reaper' })
  }
  if (e.panic?.includes('Attempted to kill init!') === true) {
    const init = rows.find(t => t.pid === 1)
    add({ pid: 1, comm: init?.comm ?? 'init', reason: 'oom-group', source: 'panic' })
  }
}
