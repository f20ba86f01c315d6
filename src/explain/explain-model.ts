/**
 * @module The explain data model: per OOM event, what happened (trigger, constraint, memory),
 * who the kernel killed, the replayed ranking and what would have changed the outcome. The text
 * and JSON outputs of `oomkit explain` and the HTML report are all built from it
 * (`buildExplainModel`). Memory in kB unless a name says pages.
 */
import type { TaskRow } from '../kernel/oom-report.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import { guessProfile } from './profile-guess.ts'
import { replayEvent } from './replay.ts'
import type { Replay } from './replay.ts'
import type { OomEvent, ParseWarning, ReaperOutcome } from './oom-event.ts'
import { killsOf } from './kills.ts'
import { explanationOf } from './explain-sentences.ts'
import type { Explanation } from './explain-sentences.ts'
import type { Kill } from './kills.ts'

/** Version of the JSON shape (schema/explain.schema.json); bumped on incompatible changes. */
export const EXPLAIN_JSON_VERSION = 1

/** Whether the replay chose the task the kernel chose; `reason` says why when unknown. */
export interface ExplainVerdict {
  result: 'agrees' | 'disagrees' | 'unknown'
  reason: string
}

/** One explained OOM event. */
export interface ExplainReport {
  index: number
  lines: { first: number; last: number }
  time: string | null
  kernelRelease: string | null
  profile: string
  profileReason: string
  trigger: {
    comm: string
    pid: number | null
    gfpMask: string | null
    gfpFlags: string[]
    order: number | null
    oomScoreAdj: number | null
    /** Header nodemask (4.9–4.20) or the summary's, cpuset name and its mems. */
    nodemask: number[] | null
    cpuset: string | null
    memsAllowed: number[] | null
  } | null
  constraint: string | null
  oomMemcg: string | null
  taskMemcg: string | null
  /** The memcg limit and usage (memcg OOMs) or RAM/free/swap (global), kB. */
  memory: {
    limitKb: number | null
    usageKb: number | null
    ramKb: number | null
    freeKb: number | null
    totalSwapKb: number | null
    freeSwapKb: number | null
  }
  /** The task the kernel killed (the Killed line's pid), null when the text names none. */
  killed: {
    pid: number
    comm: string
    /** Where the pid was read: the Killed line, the summary line or the "Kill process" line. */
    source: 'killed' | 'summary' | 'sacrifice' | 'reaper'
    anonRssKb: number | null
    fileRssKb: number | null
    shmemRssKb: number | null
    totalVmKb: number | null
    oomScoreAdj: number | null
  } | null
  /** The "Kill process N (comm) score S or sacrifice child" line (<= 5.0). */
  chosen: { pid: number; comm: string; score: number | null } | null
  /** Every process the kernel killed for this OOM, in order, with the reason. */
  kills: Kill[]
  verdict: ExplainVerdict
  noKillable: boolean
  oomGroup: string | null
  reaper: ReaperOutcome[]
  panic: string | null
  tableStatus: string
  tableLayout: string | null
  tasks: TaskRow[] | null
  replay: Replay
  /** Why the victim was chosen, what would have saved it, what memory.oom.group did. */
  explanation: Explanation
  warnings: ParseWarning[]
}

/** The whole model: every OOM event and every page allocation failure. */
export interface ExplainModel {
  version: number
  reports: ExplainReport[]
  allocationFailures: {
    lines: { first: number; last: number }
    comm: string
    order: number | null
    gfpMask: string | null
    warnings: ParseWarning[]
  }[]
}

function hex(n: number | null): string | null {
  return n === null ? null : `0x${n.toString(16)}`
}

/** The replay's verdict as agrees / disagrees / unknown (with the reason). */
function verdictOfReplay(replay: Replay): ExplainVerdict {
  const result = replay.agrees === null ? 'unknown' : replay.agrees ? 'agrees' : 'disagrees'
  return { result, reason: replay.reason }
}

/**
 * Remember the mms the oom_reaper dealt with in `e`: oom_reap_task() sets MMF_OOM_SKIP on them
 * whether it reaped them or gave up, so later OOMs pass them over.
 */
function noteReaped(e: OomEvent, skip: Map<number, string>): void {
  for (const r of e.reaper)
    skip.set(
      r.pid,
      `MMF_OOM_SKIP: the oom_reaper ${r.outcome === 'reaped' ? 'reaped' : 'gave up on'} it at line ${r.line}`
    )
}

function toReport(
  e: OomEvent,
  index: number,
  override: KernelProfile | undefined,
  skip: ReadonlyMap<number, string>
): ExplainReport {
  const guess = guessProfile(e, override)
  const replay = replayEvent(e, guess.profile, skip)
  const k = e.killedLines[0]
  const mem = e.showMem
  const mc = e.memcgInfo
  const ramPages = mem?.pagesRam !== undefined ? mem.pagesRam - (mem.pagesReserved ?? 0) : null
  const freePages = mem?.free
  const report = {
    index,
    lines: e.lines,
    time: e.timeText,
    kernelRelease: e.kernelRelease,
    profile: replay.profile,
    profileReason: guess.reason,
    trigger: e.trigger
      ? {
          comm: e.trigger.comm,
          pid: e.trigger.pid,
          gfpMask: hex(e.trigger.gfpMask),
          gfpFlags: e.trigger.gfpNames,
          order: e.trigger.order,
          oomScoreAdj: e.trigger.oomScoreAdj,
          nodemask: e.trigger.nodemask ?? e.summary?.nodemask ?? null,
          cpuset: e.trigger.cpuset ?? e.summary?.cpuset ?? null,
          memsAllowed: e.trigger.memsAllowed ?? e.summary?.memsAllowed ?? null
        }
      : null,
    constraint: e.constraint ?? e.constraintText,
    oomMemcg:
      e.summary?.oomMemcg ?? (e.constraint === 'CONSTRAINT_MEMCG' ? (mc?.oomMemcg ?? null) : null),
    taskMemcg: e.summary?.taskMemcg ?? mc?.taskMemcg ?? null,
    memory: {
      limitKb: mc && Number(mc.memory.limitKb) > 0 ? Number(mc.memory.limitKb) : null,
      usageKb: mc && Number(mc.memory.limitKb) > 0 ? Number(mc.memory.usageKb) : null,
      ramKb: ramPages === null ? null : ramPages * 4,
      freeKb: freePages === undefined ? null : freePages * 4,
      totalSwapKb: mem?.totalSwapKb ?? null,
      freeSwapKb: mem?.freeSwapKb ?? null
    },
    killed: e.victim
      ? {
          pid: e.victim.pid,
          comm: e.victim.comm,
          source: e.victim.source,
          anonRssKb: k?.anonRssKb ?? null,
          fileRssKb: k?.fileRssKb ?? null,
          shmemRssKb: k?.shmemRssKb ?? null,
          totalVmKb: k?.totalVmKb ?? null,
          oomScoreAdj: k?.oomScoreAdj ?? null
        }
      : null,
    chosen: e.sacrifice
      ? { pid: e.sacrifice.pid, comm: e.sacrifice.comm, score: e.sacrifice.score }
      : null,
    kills: killsOf(e),
    verdict: verdictOfReplay(replay),
    noKillable: e.noKillable,
    oomGroup: e.oomGroup,
    reaper: e.reaper,
    panic: e.panic,
    tableStatus: e.tableStatus,
    tableLayout: e.tableLayout,
    tasks: e.tasks,
    replay,
    warnings: e.warnings
  }
  return { ...report, explanation: explanationOf(report) }
}

/**
 * An incremental model builder for events handed over as they complete (`explain --follow`):
 * report numbers and what the oom_reaper did carry over from one call to the next.
 */
export function createModelBuilder(profile?: KernelProfile): {
  add(events: readonly OomEvent[], into: ExplainModel): void
} {
  const skip = new Map<number, string>()
  let index = 0
  return {
    add(events, model) {
      for (const e of events) {
        if (e.kind === 'allocation-failure' && e.victim === null) {
          model.allocationFailures.push({
            lines: e.lines,
            comm: e.allocationFailure?.comm ?? '',
            order: e.allocationFailure?.order ?? null,
            gfpMask: hex(e.allocationFailure?.gfpMask ?? null),
            warnings: e.warnings
          })
          continue
        }
        model.reports.push(toReport(e, ++index, profile, skip))
        noteReaped(e, skip)
      }
    }
  }
}

/** An empty model. */
export function emptyModel(): ExplainModel {
  return { version: EXPLAIN_JSON_VERSION, reports: [], allocationFailures: [] }
}

/**
 * Build the explain model from parsed events (`profile` overrides the guess). This is the hook
 * for other outputs (the HTML report): they render this model.
 */
export function buildExplainModel(
  events: readonly OomEvent[],
  profile?: KernelProfile
): ExplainModel {
  const model = emptyModel()
  createModelBuilder(profile).add(events, model)
  return model
}

/** JSON text of the model (bigints, such as unlimited memcg limits, as numbers). */
export function modelToJson(model: ExplainModel): string {
  return JSON.stringify(model, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2)
}

/** One report as a single JSON line (`explain --follow --json`): the model's shape, one report. */
export function modelToLine(model: ExplainModel, report: ExplainReport): string {
  const one: ExplainModel = { ...model, reports: [report], allocationFailures: [] }
  return JSON.stringify(one, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))
}
