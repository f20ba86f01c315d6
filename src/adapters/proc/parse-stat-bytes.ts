/**
 * @module /proc/<pid>/stat and the one-number files (oom_score, oom_score_adj) parsed from the
 * bytes read, without decoding the file to a string. Same results as `parseStat` (parse-proc.ts)
 * and `parseInt` on the decoded text; anything unexpected is handed to those instead.
 */
import type { ProcStat } from './host-source.ts'
import { parseStat } from './parse-proc.ts'

/** The fields of the stat line after the comm that `parseStat` keeps (0-based from state):
 * ppid, flags, starttime, rss (do_task_stat(), fs/proc/array.c). */
const PPID = 1
const FLAGS = 6
const START_TIME = 19
const RSS = 21

/** The unsigned decimal in `b[from, to)`, or -1 when it is not one. */
function decimal(b: Uint8Array, from: number, to: number): number {
  if (from >= to) return -1
  let n = 0
  for (let i = from; i < to; i++) {
    const c = b[i]!
    if (c < 48 || c > 57) return -1
    n = n * 10 + (c - 48)
  }
  return n
}

/** /proc/<pid>/stat from `buf[0, length)`: comm is between the first '(' and the last ')'. */
export function parseStatBytes(buf: Buffer, length: number): ProcStat {
  const open = buf.indexOf(40)
  const close = length > 0 ? buf.lastIndexOf(41, length - 1) : -1
  const pid = open > 0 ? decimal(buf, 0, buf[open - 1] === 32 ? open - 1 : open) : -1
  if (open < 0 || open >= length || close < open || pid < 0 || buf[close + 1] !== 32) {
    return parseStat(buf.toString('utf8', 0, length))
  }
  const out: ProcStat = {
    pid,
    comm: buf.toString('utf8', open + 1, close),
    state: '?',
    ppid: 0,
    flags: 0,
    startTime: 0,
    rssPages: 0
  }
  let start = close + 2
  for (let field = 0; field <= RSS && start <= length; field++) {
    let end = buf.indexOf(32, start)
    if (end < 0 || end > length) end = length
    if (field === 0) {
      if (end - start !== 1) return parseStat(buf.toString('utf8', 0, length))
      out.state = String.fromCharCode(buf[start]!)
    } else if (field === PPID || field === FLAGS || field === START_TIME || field === RSS) {
      // The last field ends the line: its newline is not part of the number.
      const to = end === length && buf[end - 1] === 10 ? end - 1 : end
      const n = decimal(buf, start, to)
      if (n < 0) return parseStat(buf.toString('utf8', 0, length))
      if (field === PPID) out.ppid = n
      else if (field === FLAGS) out.flags = n
      else if (field === START_TIME) out.startTime = n
      else out.rssPages = n
    }
    start = end + 1
  }
  return out
}

/** A file holding one decimal (oom_score, oom_score_adj) as `parseInt(text, 10)` reads it. */
export function parseIntBytes(buf: Buffer, length: number): number {
  let i = 0
  const negative = length > 0 && buf[0] === 45
  if (negative) i = 1
  let end = i
  while (end < length && buf[end]! >= 48 && buf[end]! <= 57) end++
  if (end === i || (end < length && buf[end] !== 10)) {
    return parseInt(buf.toString('utf8', 0, length), 10)
  }
  const n = decimal(buf, i, end)
  return negative ? -n : n
}
