/**
 * @module The closing lines of a report in the event under construction: the oom-kill summary,
 * "Out of memory: Kill process ... or sacrifice child", the Killed line(s), "sharing same
 * memory", oom.group, the reaper's lines and the panic line.
 */
import { warn } from './building.ts'
import type { Building } from './building.ts'
import type { LineInfo } from './classify.ts'
import type { ReaperOutcome } from './oom-event.ts'

/** An oom_reaper line ("reaped" or "unable to reap") as the event's reaper record. */
export function reaperOutcome(
  info: Extract<LineInfo, { kind: 'reaped' | 'unable-to-reap' }>,
  line: number
): ReaperOutcome {
  return {
    outcome: info.kind === 'reaped' ? 'reaped' : 'unable',
    pid: info.pid,
    comm: info.comm,
    anonRssKb: info.kind === 'reaped' ? info.anonRssKb : null,
    fileRssKb: info.kind === 'reaped' ? info.fileRssKb : null,
    shmemRssKb: info.kind === 'reaped' ? info.shmemRssKb : null,
    line
  }
}

/** A "Killed process" line (oom.group may print several; a repeat is kept once). */
function applyKilled(b: Building, info: LineInfo & { kind: 'killed' }, line: number): void {
  const e = b.event
  b.tableClosed = true
  if (e.killedLines.some(k => k.pid === info.killed.pid)) {
    // oom_kill_process(), >= 4.19: with memory.oom.group the group walk kills the chosen
    // victim a second time, so its Killed line is printed twice; only warn otherwise.
    if (e.oomGroup === null)
      warn(b, 'duplicate-killed', line, `the Killed line for pid ${info.killed.pid} is repeated`)
  } else e.killedLines.push({ ...info.killed, uidForm: info.uidForm })
  if (
    (info.killed.totalVmKb === undefined || info.killed.anonRssKb === undefined) &&
    !completeShortForm(b, info)
  )
    warn(b, 'killed-truncated', line, 'the Killed line is cut short')
}

/**
 * __oom_kill_task(), <= 2.6.33: "Killed process %d (%s)" with nothing after the comm is the whole
 * line on a kernel whose header shows oom_adj without oom_score_adj (before 2.6.36).
 */
function completeShortForm(b: Building, info: LineInfo & { kind: 'killed' }): boolean {
  const k = info.killed
  const bare = k.totalVmKb === undefined && k.anonRssKb === undefined && k.fileRssKb === undefined
  const t = b.event.trigger
  const oldHeader = t !== null && t.oomAdj !== null && t.oomScoreAdj === null
  return bare && (oldHeader || b.event.tableLayout === '2.6-old')
}

/** Apply a closing line; false when `info` is not one. */
export function applyKillLine(b: Building, info: LineInfo, line: number): boolean {
  const e = b.event
  switch (info.kind) {
    case 'summary':
      b.tableClosed = true
      e.summary = info.summary
      if (info.summary.truncated)
        warn(b, 'summary-truncated', line, 'the oom-kill summary line is cut short')
      return true
    case 'sacrifice':
      b.tableClosed = true
      e.sacrifice = { message: info.message, pid: info.pid, comm: info.comm, score: info.score }
      return true
    case 'killed':
      applyKilled(b, info, line)
      return true
    case 'truncated-kill':
      b.tableClosed = true
      warn(b, 'kill-line-cut', line, `the kill line is cut short: "${info.text}"`)
      return true
    case 'no-killable':
      b.tableClosed = true
      e.noKillable = true
      return true
    case 'already-exiting':
      e.alreadyExiting = { pid: info.pid, comm: info.comm }
      return true
    case 'sharing':
      e.sharers.push({ pid: info.pid, comm: info.comm })
      return true
    case 'oom-group':
      e.oomGroup = info.memcg
      return true
    case 'reaped':
    case 'unable-to-reap':
      e.reaper.push(reaperOutcome(info, line))
      return true
    case 'panic':
      e.panic ??= info.text
      b.tableClosed = true
      // <= 4.18 panics with "Out of memory and no killable processes...".
      if (info.text.includes('no killable processes')) e.noKillable = true
      return true
    default:
      return false
  }
}
