/**
 * @module The event assembler: a state machine fed classified lines in order. It opens an event
 * on "invoked oom-killer" (or on any report body line when the header is missing), places each
 * line in its section (`apply-line.ts`), closes the event when a new one begins or the text
 * moves on (`event-boundary.ts`), keeps a closed event open a little longer for late reaper /
 * oom.group / duplicate Killed lines (`late-lines.ts`), and records what was missing as warnings.
 */
import { applyLine } from './apply-line.ts'
import { canOpen, newBuilding, Stage, stageOf, takeLine, warn } from './building.ts'
import type { Building } from './building.ts'
import type { LineInfo } from './classify.ts'
import { gapSplits, noiseEnds, startsNew } from './event-boundary.ts'
import { attachReaperLine, isReaperLine, unmatchedReaperLine } from './late-lines.ts'
import { LingerQueue } from './linger-queue.ts'
import type { ParseWarning } from './oom-event.ts'

/** Options of the assembler. */
export interface AssemblerOptions {
  /** Unrelated lines after which an unfinished report counts as cut (default 150). */
  maxNoise?: number
  /** Lines a finished report waits for late reaper lines (default 400). */
  linger?: number
  /** Seconds between two lines after which they belong to different events (default 30). */
  maxGapSeconds?: number
}

type Time = number | null
/** Events handed out by a call. */
type Out = Building[]

/**
 * The streaming assembler. `push` returns events that are complete. `holding` (closed events
 * waiting for late lines) is public: a prefilter's skip counts it down in one step (parser.ts).
 */
export class Assembler {
  private cur: Building | null = null
  readonly holding: LingerQueue
  private readonly maxNoise: number
  private readonly maxGap: number
  private readonly pending: ParseWarning[] = []

  constructor(options: AssemblerOptions = {}) {
    this.maxNoise = options.maxNoise ?? 150
    this.holding = new LingerQueue(options.linger ?? 400)
    this.maxGap = options.maxGapSeconds ?? 30
  }

  /** Feed one classified line (1-based `line`, its dmesg time if any). */
  push(info: LineInfo, line: number, time: Time, timeText: string | null, wall: Time = null): Out {
    const out: Out = []
    this.holding.tick(out)
    const stage = stageOf(info)
    if (this.cur && stage !== null && gapSplits(this.cur, time, wall, this.maxGap)) this.close(out)
    const b = this.reaperLine(info, line, out) ? null : this.place(info, stage, line, out)
    if (b && stage !== null) {
      takeLine(b, line, time, timeText, wall)
      applyLine(b, info, stage, line)
    }
    return out
  }

  /** Flush everything at the end of the text. */
  end(): Out {
    const out: Out = []
    this.close(out)
    return [...out, ...this.holding.drain()]
  }

  /** Reaper lines go to the event whose victim they name, wherever it is (late-lines.ts). */
  private reaperLine(info: LineInfo, line: number, out: Out): boolean {
    if (!isReaperLine(info)) return false
    const candidates = [...(this.cur ? [this.cur] : []), ...this.holding.newestFirst()]
    if (attachReaperLine(candidates, this.cur, info, line)) return true
    // Another victim's reaper printing in the middle of this report is noise.
    if (this.cur && this.cur.stage < Stage.Killed) this.noise(info, line, out)
    else unmatchedReaperLine(candidates[0] ?? null, info, line, this.pending)
    return true
  }

  /** The event `info` belongs to, opening one when it starts a report; null for noise. */
  private place(info: LineInfo, stage: Stage | null, line: number, out: Out): Building | null {
    const cur = this.cur
    if (stage === null || info.kind === 'elision') return this.noise(info, line, out)
    if (cur !== null && !startsNew(cur, info, stage)) return cur
    if (!canOpen(info)) return this.noise(info, line, out)
    this.close(out)
    this.cur = newBuilding(line, info)
    for (const p of this.pending.splice(0)) warn(this.cur, p.code, p.line, p.message)
    return this.cur
  }

  /** An unrelated line: the current event ends after too many. */
  private noise(info: LineInfo, line: number, out: Out): null {
    if (this.cur && noiseEnds(this.cur, info, line, this.maxNoise)) this.close(out)
    return null
  }

  private close(out: Out): void {
    if (this.cur) this.holding.add(this.cur, out)
    this.cur = null
  }

  /** A warning for the event under construction; for the next event instead when there is
   * none (`later` 'ifNone') or always ('always'); else dropped. */
  note(code: string, line: number, message: string, later?: 'ifNone' | 'always'): void {
    if (this.cur && later !== 'always') warn(this.cur, code, line, message)
    else if (later !== undefined) this.pending.push({ code, line, message })
  }

  /** The event under construction, if any. */
  get current(): Building | null {
    return this.cur
  }
}
