/**
 * @module The event assembler: a state machine fed classified lines in order. It opens an event
 * on "invoked oom-killer" (or on any report body line when the header is missing), places each
 * line in its section, closes the event when a new one begins or the text moves on, keeps a
 * closed event open a little longer for late reaper / oom.group / duplicate Killed lines, and
 * records what was missing as warnings.
 */
import { applyLine, reaperOutcome } from './apply-line.ts'
import { canOpen, newEvent, Stage, stageOf, warn } from './building.ts'
import type { Building } from './building.ts'
import type { LineInfo } from './classify.ts'
import { parseStatLine } from './parse-memcg.ts'

/** Options of the assembler. */
export interface AssemblerOptions {
  /** Unrelated lines after which an unfinished report counts as cut (default 150). */
  maxNoise?: number
  /** Lines a finished report waits for late reaper lines (default 400). */
  linger?: number
  /** Seconds between two lines after which they belong to different events (default 30). */
  maxGapSeconds?: number
}

/** The streaming assembler. `push` returns events that are complete. */
export class Assembler {
  private cur: Building | null = null
  private holding: Building[] = []
  private readonly maxNoise: number
  private readonly lingerLines: number
  private readonly maxGap: number

  constructor(options: AssemblerOptions = {}) {
    this.maxNoise = options.maxNoise ?? 150
    this.lingerLines = options.linger ?? 400
    this.maxGap = options.maxGapSeconds ?? 30
  }

  /** Feed one classified line (1-based `line`, its dmesg time if any). */
  push(
    info: LineInfo,
    line: number,
    time: number | null,
    timeText: string | null,
    wall: number | null = null
  ): Building[] {
    const out: Building[] = []
    this.tick(out)
    // A report prints within seconds; a long pause between its lines means separate fragments.
    if (this.cur && stageOf(info) !== null) {
      const last = this.cur.lastWall
      if (wall !== null && last !== null && wall - last > this.maxGap) this.close(out)
      else if (
        time !== null &&
        this.cur.lastTime !== null &&
        time - this.cur.lastTime > this.maxGap
      )
        this.close(out)
    }
    const stage = stageOf(info)
    // Reaper lines go to the event whose victim they name, wherever it is.
    if (info.kind === 'reaped' || info.kind === 'unable-to-reap') {
      if (this.attachLate(info, line)) return out
      if (this.cur && this.cur.stage < Stage.Killed) {
        // Another victim's reaper printing in the middle of this report.
        this.noiseLine(this.cur, info, line, out)
        return out
      }
      if (this.cur) this.close(out)
    }
    const cur = this.cur
    if (stage === null || info.kind === 'elision') {
      if (cur) this.noiseLine(cur, info, line, out)
      return out
    }
    if (cur === null) {
      if (!canOpen(info)) return out
      this.open(line, info)
    } else if (this.startsNew(cur, info, stage)) {
      if (!canOpen(info)) {
        this.noiseLine(cur, info, line, out)
        return out
      }
      this.close(out)
      this.open(line, info)
    }
    const b = this.cur
    if (!b) return out
    b.noise = 0
    b.event.lines.last = line
    if (time !== null) {
      if (b.event.time === null) b.event.time = time
      else if (b.lastTime !== null && time < b.lastTime - 1e-6)
        warn(b, 'time-backwards', line, 'timestamps go backwards inside the report')
      b.lastTime = time
    }
    if (b.event.timeText === null && timeText !== null) b.event.timeText = timeText
    if (wall !== null) b.lastWall = wall
    applyLine(b, info, stage, line)
    return out
  }

  /** Flush everything at the end of the text. */
  end(): Building[] {
    const out: Building[] = []
    if (this.cur) this.close(out)
    out.push(...this.holding)
    this.holding = []
    return out
  }

  private tick(out: Building[]): void {
    for (const h of this.holding) h.linger--
    while (this.holding.length > 0 && (this.holding[0]?.linger ?? 1) <= 0) {
      out.push(this.holding.shift() as Building)
    }
  }

  private open(line: number, info: LineInfo): void {
    const b: Building = {
      event: newEvent(line),
      stage: Stage.Header,
      section: 'none',
      noise: 0,
      linger: this.lingerLines,
      headerSeen: false,
      tableHeaderSeen: false,
      tasksStateSeen: false,
      tableClosed: false,
      elided: false,
      lastTime: null,
      lastWall: null
    }
    if (info.kind !== 'header' && info.kind !== 'alloc-failure')
      warn(b, 'missing-header', line, 'the report starts without its "invoked oom-killer" line')
    this.cur = b
  }

  private close(out: Building[]): void {
    const b = this.cur
    if (!b) return
    this.cur = null
    b.linger = this.lingerLines
    this.holding.push(b)
    while (this.holding.length > 16) out.push(this.holding.shift() as Building)
  }

  private startsNew(b: Building, info: LineInfo, stage: Stage): boolean {
    if (info.kind === 'header' || info.kind === 'alloc-failure') return true
    if (info.kind === 'mem-start' && b.stage >= Stage.Memory && b.section === 'meminfo') return true
    if (info.kind === 'summary' && b.event.summary !== null) return true
    if (info.kind === 'sacrifice' && b.event.sacrifice !== null) return true
    if (info.kind === 'killed' && b.stage >= Stage.Killed) {
      // The first Killed line after a "Kill process" (even a wrapped one) belongs here.
      if (b.event.killedLines.length === 0 && !b.event.noKillable) return false
      return !(b.event.oomGroup !== null || this.isDuplicateKill(b, info))
    }
    if (stage === Stage.After) return false
    if (stage === Stage.Killed && b.stage >= Stage.Killed) {
      // A second Killed line: oom.group, or a duplicate, belongs here; anything else is new.
      if (info.kind === 'killed' && (b.event.oomGroup !== null || this.isDuplicateKill(b, info)))
        return false
      return true
    }
    if (stage < b.stage) {
      // Memory-block lines may follow each other in any order within the stage.
      if (b.stage === Stage.Tasks && stage === Stage.Memory && b.event.tasks === null) return false
      return true
    }
    if (b.stage >= Stage.Killed && stage >= Stage.Summary && stage <= Stage.Killed) return true
    return false
  }

  private isDuplicateKill(b: Building, info: LineInfo & { kind: 'killed' }): boolean {
    return b.event.killedLines.some(k => k.pid === info.killed.pid)
  }

  private noiseLine(b: Building, info: LineInfo, line: number, out: Building[]): void {
    if (info.kind === 'elision') {
      b.elided = true
      warn(b, 'elided', line, 'lines were elided from the report here')
      return
    }
    b.noise++
    if (b.section === 'tasks' && b.noise === 1 && b.stage === Stage.Tasks) b.section = 'none'
    const limit = b.stage >= Stage.Killed ? 20 : this.maxNoise
    if (b.noise > limit) this.close(out)
  }

  /** Reaper / oom.group / duplicate Killed lines after the event closed. */
  private attachLate(info: LineInfo, line: number): boolean {
    if (info.kind !== 'reaped' && info.kind !== 'unable-to-reap') return false
    const candidates = [...(this.cur ? [this.cur] : []), ...this.holding.slice().reverse()]
    for (const b of candidates) {
      const pids = new Set(b.event.killedLines.map(k => k.pid))
      if (b.event.victim) pids.add(b.event.victim.pid)
      if (b.event.summary?.pid != null) pids.add(b.event.summary.pid)
      if (b.event.sacrifice) pids.add(b.event.sacrifice.pid)
      if (pids.has(info.pid)) {
        b.event.reaper.push(reaperOutcome(info, line))
        if (line > b.event.lines.last && b === this.cur) b.event.lines.last = line
        return true
      }
    }
    return false
  }

  /** Add a warning to the event under construction, if any. */
  note(code: string, line: number, message: string): void {
    if (this.cur) warn(this.cur, code, line, message)
  }

  /** Is an event under construction. */
  get building(): boolean {
    return this.cur !== null
  }

  /** memory.stat "key value" lines only mean something right after "Memory cgroup stats for". */
  statLine(text: string, line: number): boolean {
    const b = this.cur
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
}
