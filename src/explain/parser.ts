/**
 * @module The streaming OOM-report parser: `createReportParser().push(line)` returns the events
 * that became complete, `end()` the rest; `parseReports(text)` does it for a whole text. Lines go
 * through newline recovery, prefix stripping, classification and the event assembler. Never
 * throws on any input: problems come back as warnings on the events.
 */
import type { KernelProfile } from '../kernel/profiles.ts'
import { takeStatLine } from './late-lines.ts'
import { Assembler } from './assembler.ts'
import type { AssemblerOptions } from './assembler.ts'
import { classifyLine } from './classify.ts'
import type { LineInfo } from './classify.ts'
import { finalizeEvent } from './finalize.ts'
import { splitLostNewlines } from './prefix.ts'
import { stripKnownPrefix } from './prefix-shape.ts'
import { joinWrapped } from './wrap-join.ts'
import { gapOf, mayStartGap } from './log-gaps.ts'
import type { PrevLine } from './wrap-join.ts'
import type { OomEvent } from './oom-event.ts'

/** Parser options. */
export interface ReportParserOptions extends AssemblerOptions {
  /** Profile to use instead of guessing (--profile). */
  profile?: KernelProfile
  /** 1-based number of the first line pushed (default 1). */
  firstLine?: number
}

/** A push parser over kernel log lines. */
export interface ReportParser {
  /** Feed one line (without its newline); returns events completed by it. */
  push(line: string): OomEvent[]
  /** Skip `count` lines the caller did not feed (a prefilter), keeping line numbers right. */
  skip(count: number): OomEvent[]
  /** End of input: returns every remaining event. */
  end(): OomEvent[]
}

const OTHER: LineInfo = { kind: 'other' }

/**
 * `count` unrelated lines from `firstLine` on, as if each were pushed as `other`: pushed one by
 * one while an event is open; then they only count down the lingering events, in one step.
 */
function skipNoise(asm: Assembler, count: number, firstLine: number): ReturnType<Assembler['end']> {
  const closed: ReturnType<Assembler['end']> = []
  let i = 0
  for (; i < count && asm.current !== null; i++)
    closed.push(...asm.push(OTHER, firstLine + i, null, null))
  if (i < count) asm.holding.pass(count - i, closed)
  return closed
}

/** Finish closed events; a failure becomes an `internal` warning on the event. */
function finishAll(bs: ReturnType<Assembler['end']>, override?: KernelProfile): OomEvent[] {
  return bs.map(b => {
    try {
      return finalizeEvent(b, override)
    } catch (error) {
      b.event.warnings.push({
        code: 'internal',
        line: b.event.lines.first,
        message: `could not finish the event: ${String(error)}`
      })
      return b.event
    }
  })
}

/** Create a streaming parser. */
export function createReportParser(options: ReportParserOptions = {}): ReportParser {
  const asm = new Assembler(options)
  let lineNo = (options.firstLine ?? 1) - 1
  let prevPrefixed = false
  let prev: PrevLine | null = null
  const override = options.profile
  const finish = (bs: ReturnType<Assembler['end']>): OomEvent[] => finishAll(bs, override)
  const pushOne = (raw: string): OomEvent[] => {
    lineNo++
    const out: OomEvent[] = []
    const segments = splitLostNewlines(raw)
    for (const seg of segments) {
      const s = stripKnownPrefix(seg)
      // Gap notes come from other programs too (oomkit itself, journald): the message or the
      // raw line may be one, and each form is known by its first bytes.
      const gap = mayStartGap(s.text) || mayStartGap(seg) ? (gapOf(s.text) ?? gapOf(seg)) : null
      if (gap !== null) {
        asm.note('log-gap', lineNo, gap.message, gap.next ? 'always' : 'ifNone')
        prev = null
        continue
      }
      if (s.foreign) {
        out.push(...finish(asm.push({ kind: 'other' }, lineNo, null, null)))
        prevPrefixed = true
        prev = null
        continue
      }
      if (takeStatLine(asm.current, s.text, lineNo)) {
        prevPrefixed = s.prefixed
        prev = null
        continue
      }
      let info = classifyLine(s.text)
      if (info.kind === 'other')
        info = joinWrapped(prev, s.text, s.prefixed, asm.current?.event.tableLayout ?? null) ?? info
      prev = { text: s.text, info, prefixed: s.prefixed }
      out.push(...finish(asm.push(info, lineNo, s.time, s.timeText, s.wall)))
      if (
        info.kind === 'other' &&
        !s.prefixed &&
        prevPrefixed &&
        asm.current !== null &&
        s.text.trim() !== ''
      )
        asm.note('line-wrapped', lineNo, 'a line without prefix inside the report: a wrapped line?')
      prevPrefixed = s.prefixed
    }
    if (segments.length > 1)
      asm.note('lost-newlines', lineNo, `${segments.length} log lines were joined on this line`)
    return out
  }
  return {
    push(line: string): OomEvent[] {
      try {
        return pushOne(line)
      } catch (error) {
        // A parser bug becomes an `internal` warning: on the events this line finished, or else
        // on the event still being built.
        const done = finish(asm.push({ kind: 'other' }, lineNo, null, null))
        for (const e of done)
          e.warnings.push({ code: 'internal', line: lineNo, message: String(error) })
        if (done.length === 0) asm.note('internal', lineNo, String(error))
        return done
      }
    },
    skip(count: number): OomEvent[] {
      // Skipped lines count as noise; a few hundred are enough to close anything open.
      const closed = skipNoise(asm, Math.min(count, 1000), lineNo + 1)
      lineNo += count
      return finish(closed)
    },
    end(): OomEvent[] {
      return finish(asm.end())
    }
  }
}

/** Parse a whole text. */
export function parseReports(text: string, options: ReportParserOptions = {}): OomEvent[] {
  const p = createReportParser(options)
  const out: OomEvent[] = []
  let start = 0
  const n = text.length
  while (start <= n) {
    let nl = text.indexOf('\n', start)
    if (nl < 0) nl = n
    if (start === n && nl === n) break
    out.push(...p.push(text.slice(start, nl)))
    start = nl + 1
  }
  out.push(...p.end())
  return out
}
