/**
 * @module The prefix of the line before, learned once and checked by its bytes: in a log every
 * line of a report wears the same prefix (`Dec  8 00:16:58 web-1 kernel: [ 1018.982800] `, or
 * a bare dmesg stamp) but for its digits. A line whose head is the learned one with only digits
 * changed loses that head without a regular expression, and the rest goes through
 * `stripPrefix`'s passes as before, so the result is the one `stripPrefix` gives.
 *
 * Why it is the same: every expression of prefix.ts tests a character by its class (digit,
 * space, non-space, letter) or by a literal that holds no digit, so a head that differs only by
 * one digit for another steers each expression down the same path, to the same match lengths.
 * Learned are only heads whose expressions look at nothing past the head: a syslog date with a
 * `host kernel:` tag (never the host-less form, whose match depends on the message) and a
 * `[sec.usec]` stamp; a head whose last optional space was absent needs a line whose next
 * character is no space either.
 */
import { DMESG_TS, HOST_PROGRAM, MONO_HOST, SHORT_FULL, SYSLOG_DATE } from './prefix.ts'
import { isKernelProgram, strippedFrom, stripPrefix } from './prefix.ts'
import type { StrippedLine, Stripping } from './prefix.ts'

/** A learned head: `[0, dateEnd)` the syslog date (if any), `[stampAt, end)` the dmesg stamp. */
interface Shape {
  head: string
  /** End of the syslog date group; 0 without a syslog part. */
  dateEnd: number
  /** Where the dmesg stamp starts (the end of the syslog part, or 0). */
  stampAt: number
  /** The stamp's seconds and fraction digits ([secAt, dotAt), (dotAt, fracEnd)). */
  secAt: number
  dotAt: number
  fracEnd: number
  /** The head ends in whitespace an optional `\s?` took; else the next character must be none. */
  endsInSpace: boolean
}

let shape: Shape | null = null

const isDigit = (c: number): boolean => c >= 48 && c <= 57

/** `line` starts with the learned head, digits standing for digits. */
function fits(line: string, s: Shape): boolean {
  const head = s.head
  const n = head.length
  if (line.length <= n) return false
  for (let i = 0; i < n; i++) {
    const h = head.charCodeAt(i)
    const c = line.charCodeAt(i)
    if (h !== c && !(isDigit(h) && isDigit(c))) return false
  }
  // Whitespace right after a head that took none would be taken by the last `\s?`.
  const next = line.charCodeAt(n)
  return s.endsInSpace || (next > 32 && next < 128)
}

/** The stamp part of a shape at `at` in `line`, or null when there is no `[sec.usec]` there. */
function stampAt(line: string, at: number): Omit<Shape, 'head' | 'dateEnd' | 'stampAt'> | null {
  const m = DMESG_TS.exec(line.slice(at))
  if (!m) return null
  const end = at + m[0].length
  const endsInSpace = m[0].endsWith(']') === false
  const fracEnd = end - (endsInSpace ? 2 : 1)
  const dotAt = fracEnd - (m[2] ?? '').length - 1
  return { secAt: dotAt - (m[1] ?? '').length, dotAt, fracEnd, endsInSpace }
}

/** The syslog part "date host kernel: " at the start of `line`: [dateEnd, end), or null. */
function syslogAt(line: string): [number, number] | null {
  const c = line.charCodeAt(0)
  // Only a head that stripOne()'s first pass reads as a syslog date, never the other forms.
  if (c === 91 || c === 60 || c === 62 || isDigit(c) || (c >= 97 && c <= 122) || c <= 32)
    return null
  if (SHORT_FULL.test(line)) return null
  const m = SYSLOG_DATE.exec(line)
  if (!m || !/[A-Za-z\u00C0-\uFFFF]/.test(m[1] ?? '')) return null
  const rest = line.slice(m[0].length)
  if (rest.startsWith('In(')) return null
  const hp = HOST_PROGRAM.exec(rest)
  if (!hp || !isKernelProgram(hp[2] ?? '')) return null
  return [(m[1] ?? '').length, m[0].length + hp[0].length]
}

/** Learn the head of `line` (which stripPrefix() read as prefixed), or forget it. */
function learn(line: string): void {
  const syslog = syslogAt(line)
  const at = syslog === null ? 0 : syslog[1]
  const stamp = stampAt(line, at)
  if (syslog === null && stamp === null) {
    shape = null
    return
  }
  const end = stamp === null ? at : stamp.fracEnd + 1 + (stamp.endsInSpace ? 1 : 0)
  const endsInSpace = stamp === null ? /\s$/.test(line.slice(0, at)) : stamp.endsInSpace
  shape = {
    head: line.slice(0, end),
    dateEnd: syslog === null ? 0 : syslog[0],
    stampAt: at,
    secAt: stamp?.secAt ?? -1,
    dotAt: stamp?.dotAt ?? -1,
    fracEnd: stamp?.fracEnd ?? -1,
    endsInSpace
  }
}

/** `line` with the learned head taken off, then the remaining passes of stripPrefix(). */
function stripHead(line: string, s: Shape): StrippedLine {
  const st: Stripping = {
    text: line.slice(s.head.length),
    time: null,
    timeText: s.dateEnd > 0 ? line.slice(0, s.dateEnd) : null,
    foreign: false,
    prefixed: true
  }
  let pass = s.dateEnd > 0 ? 1 : 0
  if (s.secAt >= 0) {
    // bracketPrefix(): the stamp's time, and a journalctl short-monotonic "host kernel:" after it.
    const sec = line.slice(s.secAt, s.dotAt)
    const frac = line.slice(s.dotAt + 1, s.fracEnd)
    st.time = Number(sec) + Number(`0.${frac}`)
    st.timeText ??= `${sec}.${frac}`
    const k = MONO_HOST.exec(st.text)
    if (k) st.text = st.text.slice(k[0].length)
    pass++
  }
  return strippedFrom(st, pass, line)
}

/**
 * stripPrefix(raw), quicker on a line whose head is the one learned from the lines before.
 * The same result for every line, whatever came before.
 */
export function stripKnownPrefix(raw: string): StrippedLine {
  const s = shape
  if (s !== null && raw.charCodeAt(raw.length - 1) !== 13 && fits(raw, s)) return stripHead(raw, s)
  const out = stripPrefix(raw)
  if (out.prefixed && !out.foreign && raw.charCodeAt(raw.length - 1) !== 13) learn(raw)
  return out
}
