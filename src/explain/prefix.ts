/**
 * @module Strip the prefixes logging layers put before a kernel message: kmsg records
 * (`6,1234,5678901,-;`), `dmesg --decode` facility/level columns, ISO and syslog/journal dates
 * with host and program, vmware.log guest prefixes, `<6>` printk levels, dmesg timestamps
 * (`[  123.456789]`, `dmesg -T` dates in any locale) and `[T123]` caller ids, in any nesting.
 */

/** A line with its prefixes removed. */
export interface StrippedLine {
  /** The kernel message text (one leading space kept for printk continuation lines). */
  text: string
  /** Seconds since boot from a dmesg timestamp or kmsg record, else null. */
  time: number | null
  /** The raw timestamp text of the outermost dated prefix (wall-clock or boot time). */
  timeText: string | null
  /** The line came through syslog/journal from a program other than the kernel. */
  foreign: boolean
  /** A prefix was found (used to tell wrapped continuation lines apart). */
  prefixed: boolean
  /** Wall-clock seconds from an ISO, syslog or `dmesg -T` date (day-relative when there is no
   * date), for telling fragments minutes apart; null when the line has none. */
  wall: number | null
}

/** Seconds from the first HH:MM:SS in a date text (plus the ISO date when there is one). */
export function wallSeconds(text: string): number | null {
  const m = /(\d\d):(\d\d):(\d\d)(?:[.,](\d+))?/.exec(text)
  if (!m) return null
  let s = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])
  if (m[4] !== undefined) s += Number(`0.${m[4]}`)
  const d = /^(\d{4})-(\d\d)-(\d\d)/.exec(text)
  if (d) s += Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])) / 1000
  return s
}

const KMSG = /^(\d{1,3}),(\d+),(\d+),[^;]{0,16};/
const LEVEL = /^<(\d{1,3})>/
const DECODE =
  /^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local\d)\s*:\s*(?:emerg|alert|crit|err|warn|notice|info|debug)\s*:\s?/
export const ISO = /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+/
const VMWARE = /^In\(\d+\)\s+\S+\s+-\s+(?:Guest:\s+)?/
export const SYSLOG_DATE = /^(\S{1,12}\.?\s+\d{1,2}\s+\d\d:\d\d:\d\d(?:\.\d+)?)\s+/
const PROGRAM = /^([^\s:[\]]+)(?:\[(\d+)\])?:\s?/
export const HOST_PROGRAM = /^(\S+)\s+([^\s:[\]]+)(?:\[(\d+)\])?:\s?/
export const DMESG_TS = /^\[\s*(\d+)\.(\d+)\]\s?/
const DMESG_T = /^\[([^\]]{0,60}\d\d:\d\d:\d\d[^\]]{0,30})\]\s?/
const UNIX_TS = /^(\d{9,11}\.\d{1,9})\s+/
export const SHORT_FULL =
  /^\S{1,12} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)(?: [A-Z]{2,5}| [+-]\d{4})?\s+/
const LEADING = /^[\s>]+/
/** Quote marks of quoted mail, each with the one space after it. */
const QUOTE = /^(?:[ \t]*>(?: |(?=>)|$))+/
const QUOTED = /^[ \t]{0,3}>/
export const MONO_HOST = /^\S+ kernel(?:\[\d+\])?: ?/
const CALLER = /^\[\s*[TC]\d+\]\s?/

/** Is `prog` the kernel as syslog/journal name it. */
export function isKernelProgram(prog: string): boolean {
  return prog === 'kernel' || prog === 'vmunix' || prog === 'klogd'
}

/**
 * Strip a date/host/program prefix after a syslog or ISO date. Returns the rest and whether the
 * program was not the kernel, or null when what follows is not a program tag.
 */
function stripProgram(
  rest: string,
  allowForeign: boolean
): { rest: string; foreign: boolean } | null {
  const v = VMWARE.exec(rest)
  if (v) return { rest: rest.slice(v[0].length), foreign: false }
  // "host kernel: msg" or "kernel: msg" (some syslogs drop the host).
  const hp = HOST_PROGRAM.exec(rest)
  if (hp && isKernelProgram(hp[2] ?? '')) return { rest: rest.slice(hp[0].length), foreign: false }
  const p = PROGRAM.exec(rest)
  if (p && isKernelProgram(p[1] ?? '')) return { rest: rest.slice(p[0].length), foreign: false }
  if (!allowForeign) return null
  if (hp) return { rest: rest.slice(hp[0].length), foreign: true }
  if (p) return { rest: rest.slice(p[0].length), foreign: true }
  return null
}

/** A line while its prefixes come off. */
export interface Stripping {
  text: string
  time: number | null
  timeText: string | null
  foreign: boolean
  prefixed: boolean
}

/** A date prefix (group 1) followed by "host program:", as syslog and journalctl write it. */
function takeDated(s: Stripping, m: RegExpExecArray): boolean {
  const prog = stripProgram(s.text.slice(m[0].length), true)
  if (!prog) return false
  s.timeText ??= m[1] ?? null
  s.text = prog.rest
  if (prog.foreign) s.foreign = true
  s.prefixed = true
  return true
}

/** Drop `m`'s match from the front of the text. */
function drop(s: Stripping, m: RegExpExecArray): true {
  s.text = s.text.slice(m[0].length)
  s.prefixed = true
  return true
}

/** Whether a ":" comes before the first "]" (DMESG_T's clock needs one; task rows have none). */
function dateInBrackets(text: string): boolean {
  const colon = text.indexOf(':')
  if (colon < 0) return false
  const close = text.indexOf(']')
  return close >= 0 && colon < close
}

/** "[  123.456789]", "[Mon Dec  8 17:51:31 2025]" or a "[T123]" caller id after one. */
function bracketPrefix(s: Stripping): boolean {
  let m: RegExpExecArray | null
  if ((m = DMESG_TS.exec(s.text))) {
    s.time = Number(m[1]) + Number(`0.${m[2]}`)
    s.timeText ??= `${m[1]}.${m[2]}`
    drop(s, m)
    // journalctl -o short-monotonic: "[  123.456789] host kernel: msg".
    const k = MONO_HOST.exec(s.text)
    if (k) s.text = s.text.slice(k[0].length)
    return true
  }
  if (dateInBrackets(s.text) && (m = DMESG_T.exec(s.text))) {
    s.timeText ??= m[1] ?? null
    return drop(s, m)
  }
  if (s.prefixed && (m = CALLER.exec(s.text))) {
    s.text = s.text.slice(m[0].length)
    return true
  }
  return false
}

/** A /dev/kmsg microsecond stamp as dmesg prints it ("8123.091000"). */
function kmsgSeconds(us: string): string {
  const digits = us.padStart(7, '0')
  return `${digits.slice(0, -6)}.${digits.slice(-6)}`
}

/** /dev/kmsg records, ISO dates and journalctl's short-unix stamps. */
function digitPrefix(s: Stripping): boolean {
  let m: RegExpExecArray | null
  if ((m = KMSG.exec(s.text))) {
    s.time = Number(m[3]) / 1e6
    s.timeText ??= kmsgSeconds(m[3] ?? '0')
    return drop(s, m)
  }
  if ((m = ISO.exec(s.text))) {
    s.timeText ??= m[1] ?? null
    const after = s.text.slice(m[0].length)
    const prog = stripProgram(after, false)
    s.text = prog ? prog.rest : after
    if (prog?.foreign) s.foreign = true
    s.prefixed = true
    return true
  }
  // journalctl -o short-unix: "1733676691.123456 host kernel: msg".
  return (m = UNIX_TS.exec(s.text)) !== null && takeDated(s, m)
}

/** Take one prefix off the front; false when none is there. */
export function stripOne(s: Stripping, pass: number): boolean {
  const c = s.text.charCodeAt(0)
  let m: RegExpExecArray | null
  if (c === 91 /* [ */) return bracketPrefix(s)
  if (c === 60 /* < */ && (m = LEVEL.exec(s.text))) return drop(s, m)
  if (c >= 48 && c <= 57 /* digit */) return digitPrefix(s)
  if (c >= 97 && c <= 122 && (m = DECODE.exec(s.text))) return drop(s, m)
  if (pass !== 0) return false
  // journalctl -o short-full: "Mon 2025-12-08 17:51:31 CET host kernel: msg".
  if ((m = SHORT_FULL.exec(s.text)) && takeDated(s, m)) return true
  m = SYSLOG_DATE.exec(s.text)
  return m !== null && /[A-Za-z\u00C0-\uFFFF]/.test(m[1] ?? '') && takeDated(s, m)
}

/** Remove every recognised prefix from one raw line. Never throws. */
export function stripPrefix(raw: string): StrippedLine {
  let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw
  // E-mail quote marks ("> ", "> > ") go whether or not a prefix follows.
  if (text.charCodeAt(0) === 62 /* > */ || QUOTED.test(text)) text = text.replace(QUOTE, '')
  // Pasted text: indentation before a prefix. Kept when no prefix follows (a printk
  // continuation line starts with a meaningful space).
  const original = text
  const c0 = text.charCodeAt(0)
  if (c0 === 32 || c0 === 9 || c0 === 62 /* > */) text = text.replace(LEADING, '')
  const s: Stripping = { text, time: null, timeText: null, foreign: false, prefixed: false }
  return strippedFrom(s, 0, original)
}

/** Take the prefixes left from pass `pass` on, and the line as `stripPrefix` returns it. */
export function strippedFrom(s: Stripping, pass: number, original: string): StrippedLine {
  for (; pass < 8 && stripOne(s, pass); pass++);
  if (!s.prefixed && s.text !== original) s.text = original
  return {
    text: s.text,
    time: s.time,
    timeText: s.timeText,
    foreign: s.foreign,
    prefixed: s.prefixed,
    wall: wallOf(s.timeText)
  }
}

let lastTimeText: string | null = null
let lastWall: number | null = null

/** wallSeconds() of a prefix's date text when it has a clock (consecutive lines share one). */
function wallOf(timeText: string | null): number | null {
  if (timeText === null || !timeText.includes(':')) return null
  if (timeText !== lastTimeText) {
    lastWall = wallSeconds(timeText)
    lastTimeText = timeText
  }
  return lastWall
}

const EMBEDDED_TS = /\[\s*\d+\.\d{6}\]/g

/** Whether `raw` may hold two EMBEDDED_TS stamps: two "]" each after "." and six digits. */
function twoStamps(raw: string): boolean {
  let found = 0
  for (let at = raw.indexOf(']', 7); at >= 0; at = raw.indexOf(']', at + 1)) {
    if (raw.charCodeAt(at - 7) !== 46 /* . */) continue
    let digits = 0
    while (digits < 6 && isDigitAt(raw, at - 1 - digits)) digits++
    if (digits === 6 && ++found === 2) return true
  }
  return false
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i)
  return c >= 48 && c <= 57
}

/**
 * Lines that lost their newlines (a whole report pasted as one line) carry several dmesg
 * timestamps; split before each one after the first. Lines with at most one timestamp are
 * returned unchanged (as a one-element array).
 */
export function splitLostNewlines(raw: string): string[] {
  if (raw.length < 40 || !twoStamps(raw)) return [raw]
  EMBEDDED_TS.lastIndex = 0
  const cuts: number[] = []
  let m: RegExpExecArray | null
  let first = true
  while ((m = EMBEDDED_TS.exec(raw)) !== null) {
    if (!first) cuts.push(m.index)
    first = false
  }
  if (cuts.length === 0) return [raw]
  const out: string[] = []
  let start = 0
  for (const cut of cuts) {
    out.push(raw.slice(start, cut))
    start = cut
  }
  out.push(raw.slice(start))
  return out
}
