/**
 * @module The event under construction: its print stage, section and bookkeeping, the empty
 * record it starts from, how a classified line maps to a report stage, and the warning helper.
 */
import type { LineInfo } from './classify.ts'
import type { OomEvent } from './oom-event.ts'

/** Report stages in print order; a line of an earlier stage after a later one starts a new event. */
export const Stage = {
  Header: 0,
  Cpuset: 1,
  Stack: 2,
  Memory: 3,
  Tasks: 4,
  Summary: 5,
  Sacrifice: 6,
  Killed: 7,
  After: 8
} as const
export type Stage = (typeof Stage)[keyof typeof Stage]

/** Mutable build state of one event. */
export interface Building {
  event: OomEvent
  stage: Stage
  /** Sub-state inside the memory stage. */
  section: 'none' | 'meminfo' | 'memcg' | 'memcg-stats' | 'memcg-draft' | 'tasks'
  /** Consecutive unrelated lines. */
  noise: number
  /** Lines left before a closed event is emitted (late reaper lines). */
  linger: number
  headerSeen: boolean
  tableHeaderSeen: boolean
  /** The "Tasks state (memory values in pages):" line was seen. */
  tasksStateSeen: boolean
  /** Table rows ended by a closing line (not by the end of the text or by noise). */
  tableClosed: boolean
  elided: boolean
  lastTime: number | null
  /** Wall-clock seconds (syslog/ISO/dmesg -T prefixes) of the last line. */
  lastWall: number | null
}

export function newEvent(line: number): OomEvent {
  return {
    kind: 'oom',
    lines: { first: line, last: line },
    time: null,
    timeText: null,
    kernelRelease: null,
    hardware: null,
    profile: '',
    profileReason: '',
    trigger: null,
    constraint: null,
    constraintText: null,
    cpu: null,
    showMem: null,
    memcgInfo: null,
    tableLayout: null,
    tableStatus: 'none',
    tasks: null,
    summary: null,
    sacrifice: null,
    sharers: [],
    killedLines: [],
    victim: null,
    oomGroup: null,
    reaper: [],
    noKillable: false,
    alreadyExiting: null,
    panic: null,
    allocationFailure: null,
    warnings: []
  }
}

/** A new event under construction, opened on `line` by `info`. */
export function newBuilding(line: number, info: LineInfo): Building {
  const b: Building = {
    event: newEvent(line),
    stage: Stage.Header,
    section: 'none',
    noise: 0,
    // Set when the event closes.
    linger: 0,
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
  return b
}

/** Line `line` belongs to `b`: extend its span and keep its times (dmesg and wall clock). */
export function takeLine(
  b: Building,
  line: number,
  time: number | null,
  timeText: string | null,
  wall: number | null
): void {
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
}

/** Add a warning to an event under construction (capped at 200). */
export function warn(b: Building, code: string, line: number, message: string): void {
  const w = b.event.warnings
  if (w.length >= 200) return
  // Repeating warnings (one per line) are kept to their first few.
  let same = 0
  for (const x of w) if (x.code === code) same++
  if (same >= (ONCE.has(code) ? 1 : 5)) return
  w.push({ code, line, message })
}

/** Warning codes reported once per event. */
const ONCE = new Set([
  'time-backwards',
  'line-wrapped',
  'lost-newlines',
  'elided',
  'missing-header'
])

/** The stage a report-body line belongs to, or null for lines that do not open or extend one. */
export function stageOf(info: LineInfo): Stage | null {
  switch (info.kind) {
    case 'header':
    case 'alloc-failure':
      return Stage.Header
    case 'cpuset':
      return Stage.Cpuset
    case 'banner':
    case 'hardware':
    case 'stack':
      return Stage.Stack
    case 'mem-start':
    case 'mem-global':
    case 'mem-node':
    case 'mem-zone':
    case 'mem-lowmem':
    case 'mem-buddy':
    case 'mem-hugepages':
    case 'mem-total':
    case 'mem-other':
    case 'mem-swapstats':
    case 'mem-pcp-zone':
    case 'mem-pcp':
    case 'memcg-task-in':
    case 'memcg-limit-reached':
    case 'memcg-counter':
    case 'memcg-draft':
    case 'memcg-stats-for':
    case 'memcg-protection':
    case 'slab':
      return Stage.Memory
    case 'tasks-state':
    case 'table-header':
    case 'row':
    case 'row-joined':
      return Stage.Tasks
    case 'summary':
    case 'summary-tail':
      return Stage.Summary
    case 'sacrifice':
      return Stage.Sacrifice
    case 'killed':
    case 'no-killable':
    case 'truncated-kill':
    case 'already-exiting':
      return Stage.Killed
    case 'sharing':
    case 'kill-tail':
    case 'oom-group':
    case 'reaped':
    case 'unable-to-reap':
    case 'panic':
    case 'mm-pinned':
      return Stage.After
    default:
      return null
  }
}

/** Lines that are too generic to open an event on their own. */
export function canOpen(info: LineInfo): boolean {
  switch (info.kind) {
    case 'stack':
    case 'hardware':
    case 'banner':
    case 'mem-global':
    case 'mem-other':
    case 'mem-swapstats':
    case 'mem-pcp':
    case 'mem-lowmem':
    case 'mem-buddy':
    case 'mem-hugepages':
    case 'memcg-draft':
    case 'memcg-protection':
    case 'slab':
    case 'cpuset':
    case 'panic':
    case 'mm-pinned':
    case 'kill-tail':
    case 'summary-tail':
    case 'row-joined':
    case 'elision':
      return false
    default:
      return stageOf(info) !== null
  }
}

/** An empty memcg block for `oomMemcg`. */
export function emptyMemcg(oomMemcg: string): NonNullable<OomEvent['memcgInfo']> {
  return {
    oomMemcg,
    taskMemcg: null,
    memory: { usageKb: 0, limitKb: 0, failcnt: 0 },
    stats: []
  }
}
