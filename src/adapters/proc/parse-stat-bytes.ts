/**
 * @module /proc/<pid>/stat and the one-number files (oom_score, oom_score_adj) parsed from the
 * bytes read. Same results as `parseStat` (parse-proc.ts) and `parseInt` on the decoded text.
 */
import type { ProcStat } from './host-source.ts'
import { parseStat } from './parse-proc.ts'

/** The fields of the stat line after the comm that `parseStat` keeps (0-based from state):
 * ppid, flags, starttime, rss (do_task_stat(), fs/proc/array.c). */
const PPID = 1
const FLAGS = 6
const START_TIME = 19
const RSS = 21

/**
 * /proc/<pid>/stat from `buf[0, length)`: comm is between the first '(' and the last ')'. The
 * bytes become one latin1 string (no UTF-8 decoding, offsets stay byte offsets), split once by
 * native code; only comm is decoded as UTF-8.
 */
export function parseStatBytes(buf: Buffer, length: number): ProcStat {
  const text = buf.toString('latin1', 0, length)
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  if (open < 0 || close < open) return parseStat(buf.toString('utf8', 0, length))
  const f = text
    .slice(close + 2)
    .trim()
    .split(' ', RSS + 1)
  return {
    pid: parseInt(text.slice(0, open), 10),
    comm: buf.toString('utf8', open + 1, close),
    state: f[0] ?? '?',
    ppid: Number(f[PPID] ?? 0),
    flags: Number(f[FLAGS] ?? 0),
    startTime: Number(f[START_TIME] ?? 0),
    rssPages: Number(f[RSS] ?? 0)
  }
}

/** A file holding one decimal (oom_score, oom_score_adj), as `parseInt(text, 10)` reads it. */
export function parseIntBytes(buf: Buffer, length: number): number {
  return parseInt(buf.toString('utf8', 0, length), 10)
}
