/**
 * @module Lines that arrive after their event: oom_reaper's "reaped" / "unable to reap" lines go
 * to the event whose victim they name, even once it has closed; and memory.stat "key value"
 * lines, which only mean something right after "Memory cgroup stats for".
 */
import { reaperOutcome } from './apply-kill-line.ts'
import { warn } from './building.ts'
import type { Building } from './building.ts'
import type { ParseWarning } from './oom-event.ts'
import type { LineInfo } from './classify.ts'
import { parseStatLine } from './parse-memcg.ts'

/** An oom_reaper line. */
export function isReaperLine(
  info: LineInfo
): info is Extract<LineInfo, { kind: 'reaped' | 'unable-to-reap' }> {
  return info.kind === 'reaped' || info.kind === 'unable-to-reap'
}

/** Attach a reaper line to the newest of `candidates` whose victim it names; false if none. */
export function attachReaperLine(
  candidates: readonly Building[],
  current: Building | null,
  info: LineInfo,
  line: number
): boolean {
  if (!isReaperLine(info)) return false
  for (const b of candidates) {
    const pids = new Set(b.event.killedLines.map(k => k.pid))
    if (b.event.victim) pids.add(b.event.victim.pid)
    if (b.event.summary?.pid != null) pids.add(b.event.summary.pid)
    if (b.event.sacrifice) pids.add(b.event.sacrifice.pid)
    // mem_cgroup_scan_tasks(oom_group): every member is killed and queued for the reaper, even
    // when its Killed line is not in the text.
    if (b.event.oomGroup !== null) for (const t of b.event.tasks ?? []) pids.add(t.pid)
    if (pids.has(info.pid)) {
      b.event.reaper.push(reaperOutcome(info, line))
      if (line > b.event.lines.last && b === current) b.event.lines.last = line
      return true
    }
  }
  return false
}

/**
 * A reaper line naming no victim (a thread of the victim, or the tail of an earlier OOM): to the
 * newest finished event `newest` with a note, or dropped with a note kept in `pending` for the
 * next event. Never an event of its own.
 */
export function unmatchedReaperLine(
  newest: Building | null,
  info: Extract<LineInfo, { kind: 'reaped' | 'unable-to-reap' }>,
  line: number,
  pending: ParseWarning[]
): void {
  const what = `oom_reaper line for pid ${info.pid} (${info.comm}) names no task this report killed`
  if (newest) {
    newest.event.reaper.push(reaperOutcome(info, line))
    warn(newest, 'reaper-unmatched', line, `${what} (a thread of the victim?)`)
  } else
    pending.push({
      code: 'reaper-orphan',
      line,
      message: `${what}: the tail of an earlier OOM not in the text; ignored`
    })
}

/** Take a memory.stat "key value" line into `b`'s memcg block; false when it is not one. */
export function takeStatLine(b: Building | null, text: string, line: number): boolean {
  if (!b || (b.section !== 'memcg-stats' && b.section !== 'memcg-draft')) return false
  const kv = parseStatLine(text)
  if (!kv) return false
  const stats = b.event.memcgInfo?.stats
  const last = stats?.[stats.length - 1]
  if (!last) return false
  if (b.section === 'memcg-draft' && kv[0] === 'swap' && b.event.memcgInfo?.swap === undefined) {
    const kb = Math.floor(Number(kv[1]) / 1024)
    if (b.event.memcgInfo) b.event.memcgInfo.swap = { usageKb: kb, limitKb: 0, failcnt: 0 }
  } else last.entries.push(kv)
  b.noise = 0
  b.event.lines.last = line
  return true
}
