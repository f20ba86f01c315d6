/**
 * @module The records the OOM-report parser produces: one `OomEvent` per OOM invocation (or
 * page allocation failure) found in kernel log text, built on the shared `OomReportData` shape
 * with every field the text may lack made nullable, plus where it came from and what was
 * missing. Memory is in pages unless a name ends in Kb or Bytes.
 */
import type { Constraint } from '../kernel/types.ts'
import type {
  KilledInfo,
  MemcgInfo,
  OomReportData,
  ShowMem,
  TaskRow
} from '../kernel/oom-report.ts'

/** A problem found in the text: data, never an exception. `line` is 1-based in the input. */
export interface ParseWarning {
  code: string
  line: number
  message: string
}

/** dump_tasks column layouts (the profile names of `FormatRules.tasks`, plus older ones). */
export type TableLayout = 'rhel6' | '2.6-old' | '3x' | '4.0' | '4.15' | '4.19' | '6.8'

/** How much of the task table the text holds. */
export type TableStatus = 'full' | 'partial' | 'header-only' | 'none'

/** The "invoked oom-killer" line (and the cpuset line / stack banner that follow it). */
export interface ParsedTrigger {
  comm: string
  /** From the stack banner ("CPU: n PID: p Comm:"), null when the report has none. */
  pid: number | null
  uid: number | null
  gfpMask: number | null
  /** Flag names as printed by %pGg, or decoded from the mask with the guessed profile. */
  gfpNames: string[]
  order: number | null
  oomScoreAdj: number | null
  /** Legacy oom_adj (<= 3.x headers print it). */
  oomAdj: number | null
  /** Header nodemask (4.9–4.20); null when absent or "(null)". */
  nodemask: number[] | null
  cpuset: string | null
  memsAllowed: number[] | null
}

/** The oom-kill:constraint=... summary line (>= 4.19/5.0), fields as printed. */
export interface SummaryLine {
  constraint: string | null
  nodemask: number[] | null
  cpuset: string | null
  memsAllowed: number[] | null
  oomMemcg: string | null
  globalOom: boolean
  taskMemcg: string | null
  task: string | null
  pid: number | null
  uid: number | null
  /** The line ended before `uid=` (cut, wrapped or rate-limited). */
  truncated: boolean
}

/** "Kill process N (comm) score S or sacrifice child" (<= 5.0) and its older forms. */
export interface SacrificeLine {
  message: string
  pid: number
  comm: string
  score: number | null
}

/** What happened after the kill. */
export interface ReaperOutcome {
  outcome: 'reaped' | 'unable'
  pid: number
  comm: string
  /** After reaping (kB), for 'reaped'. */
  anonRssKb: number | null
  fileRssKb: number | null
  shmemRssKb: number | null
  line: number
}

/** One OOM event (or page allocation failure) recovered from the text. */
export interface OomEvent {
  kind: 'oom' | 'allocation-failure'
  /** 1-based first and last input lines that belong to the event. */
  lines: { first: number; last: number }
  /** dmesg seconds of the first line with a timestamp, and the raw prefix time text. */
  time: number | null
  timeText: string | null
  kernelRelease: string | null
  hardware: string | null
  /** Guessed profile name and why. */
  profile: string
  profileReason: string
  trigger: ParsedTrigger | null
  constraint: Constraint | null
  /** Raw constraint text when the kernel printed something unknown. */
  constraintText: string | null
  cpu: number | null
  showMem: Partial<ShowMem> | null
  memcgInfo: MemcgInfo | null
  tableLayout: TableLayout | null
  tableStatus: TableStatus
  tasks: TaskRow[] | null
  summary: SummaryLine | null
  sacrifice: SacrificeLine | null
  /** "Kill process N (comm) sharing same memory" lines (3.x). */
  sharers: { pid: number; comm: string }[]
  /** The Killed line; several when oom.group killed more than one task. */
  killedLines: (Partial<KilledInfo> & { pid: number; comm: string; uidForm?: boolean })[]
  /** The task the kernel actually killed (first Killed line's pid), or null. */
  victim: {
    pid: number
    comm: string
    source: 'killed' | 'summary' | 'sacrifice' | 'reaper'
  } | null
  oomGroup: string | null
  reaper: ReaperOutcome[]
  noKillable: boolean
  alreadyExiting: { pid: number; comm: string } | null
  panic: string | null
  /** Page allocation failure: "comm: page allocation failure: order:N, mode:0x..". */
  allocationFailure: { comm: string; order: number | null; gfpMask: number | null } | null
  warnings: ParseWarning[]
}

/** Shape of `OomReportData` with every field the text may lack as null. */
export type PartialReportData = {
  [K in keyof OomReportData]: OomReportData[K] | null
}
