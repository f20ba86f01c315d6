/**
 * @module Adapter from the explain model (src/explain/explain-model.ts) and the parsed events
 * (for the zones of show_mem) to the HTML view model: one section per OOM event with the
 * replayed ranking, the memory state and the log excerpt. Pure.
 */
import { findProfile } from '../kernel/profiles.ts'
import type { ExplainModel, ExplainReport } from '../explain/explain-model.ts'
import type { RankedRow } from '../explain/replay.ts'
import type { OomEvent } from '../explain/oom-event.ts'
import { formatInt, formatKb } from './escape.ts'
import { extractLines } from './line-ranges.ts'
import { kmsgAsDmesg } from './explain-kmsg.ts'
import { toLogLines } from './log-lines.ts'
import type { ExplainPage, MemoryState, OomSection, RankingRow, ZoneState } from './page-model.ts'

/** Most log lines kept in one event's excerpt (the task table of a big host is long). */
export const EXCERPT_LINES = 400

/** Zones of a parsed show_mem (kB). Empty zones (managed 0) are left out. */
export function zonesOf(e: OomEvent | undefined): ZoneState[] {
  const zones = e?.showMem?.zones ?? []
  return zones
    .filter(z => z.managedKb > 0 || z.freeKb > 0)
    .map(z => ({
      name: `Node ${z.node} ${z.name}`,
      freeKb: z.freeKb,
      minKb: z.minKb,
      lowKb: z.lowKb,
      highKb: z.highKb,
      managedKb: z.managedKb
    }))
}

function kb(v: number | null): string | null {
  return v === null ? null : formatKb(v)
}

function memoryOf(r: ExplainReport, e: OomEvent | undefined): MemoryState {
  const m = r.memory
  const facts: [string, string | null][] = [
    ['memcg limit', kb(m.limitKb)],
    ['memcg usage', kb(m.usageKb)],
    ['RAM', kb(m.ramKb)],
    ['Free', kb(m.freeKb)],
    ['Total swap', kb(m.totalSwapKb)],
    ['Free swap', kb(m.freeSwapKb)]
  ]
  const sm = e?.showMem
  if (sm) {
    const pages = (a: number | undefined, b: number | undefined): string | null =>
      a === undefined && b === undefined ? null : formatKb(((a ?? 0) + (b ?? 0)) * 4)
    facts.push(['Anon', pages(sm.activeAnon, sm.inactiveAnon)])
    facts.push(['File cache', pages(sm.activeFile, sm.inactiveFile)])
    facts.push(['Shmem', pages(sm.shmem, undefined)])
    facts.push(['Slab (unreclaimable)', pages(sm.slabUnreclaimable, undefined)])
    facts.push(['Page tables', pages(sm.pagetables, undefined)])
  }
  return {
    zones: zonesOf(e),
    facts: facts.filter((f): f is [string, string] => f[1] !== null)
  }
}

function sortRanking(rows: readonly RankedRow[]): RankedRow[] {
  return [...rows].sort((a, b) => {
    if (a.rank !== null && b.rank !== null) return a.rank - b.rank
    if (a.rank !== null) return -1
    if (b.rank !== null) return 1
    return 0
  })
}

/** The replayed ranking as view rows; parts in the unit of the score. */
export function rankingOf(r: ExplainReport): { rows: RankingRow[]; unit: string } {
  const profile = findProfile(r.replay.profile)
  const scaled = profile?.badness.form === 'scaled1000'
  const total = r.replay.totalPages ?? 0
  const toPoints = (pages: number): number =>
    scaled && total > 0 ? Math.floor((pages * 1000) / total) : pages
  const victimPid = r.killed?.pid ?? r.replay.victim?.pid ?? null
  const rows = sortRanking(r.replay.ranking).map(row => ({
    rank: row.rank,
    pid: row.pid,
    comm: row.comm,
    oomScoreAdj: row.oomScoreAdj,
    points: row.points,
    parts:
      row.parts === null
        ? null
        : {
            rss: toPoints(row.parts.rss),
            swap: toPoints(row.parts.swap),
            pgtables: toPoints(row.parts.pgtables),
            adj: row.parts.adj,
            rootBonus: row.parts.rootBonus
          },
    ineligible: row.eligible ? null : (row.ineligibleReason ?? 'ineligible'),
    victim: victimPid !== null && (row.pid === victimPid || row.tgid === victimPid)
  }))
  return { rows, unit: scaled ? 'points' : 'pages' }
}

function replayVerdict(r: ExplainReport): string {
  const rp = r.replay
  if (rp.agrees === true)
    return `agrees (${rp.victim ? `${rp.victim.comm}, ${rp.victim.pid}` : 'no victim'})`
  if (rp.agrees === false)
    return rp.victim ? `disagrees: would pick ${rp.victim.comm} (${rp.victim.pid})` : 'disagrees'
  return 'cannot tell'
}

function factsOf(r: ExplainReport, unit: string): [string, string][] {
  const f: [string, string | null][] = [
    ['Time', r.time === null ? null : `[${r.time}]`],
    ['Kernel', r.kernelRelease],
    ['Profile', r.profile],
    [
      'Triggered by',
      r.trigger ? `${r.trigger.comm}${r.trigger.pid === null ? '' : ` (${r.trigger.pid})`}` : null
    ],
    [
      'Allocation',
      r.trigger
        ? `order=${r.trigger.order ?? '?'} ${r.trigger.gfpMask ?? ''}${r.trigger.gfpFlags.length > 0 ? `(${r.trigger.gfpFlags.join('|')})` : ''}`
        : null
    ],
    ['Constraint', r.constraint],
    ['OOM memcg', r.oomMemcg],
    [
      'Killed',
      r.killed
        ? `${r.killed.comm} (${r.killed.pid})`
        : r.noKillable
          ? 'no killable task'
          : 'not in the text'
    ],
    ['Replay', replayVerdict(r)],
    ['Why', r.explanation.why],
    ['Saved by', r.explanation.savedBy],
    ['oom.group', r.explanation.oomGroup],
    ['Margin', r.replay.margin === null ? null : `${formatInt(r.replay.margin)} ${unit}`],
    ['totalpages', r.replay.totalPages === null ? null : `${formatInt(r.replay.totalPages)} pages`],
    ['Panic', r.panic]
  ]
  return f.filter((x): x is [string, string] => x[1] !== null && x[1] !== '')
}

/** One section per explained report. */
export function explainSection(
  r: ExplainReport,
  e: OomEvent | undefined,
  excerptLines: readonly string[]
): OomSection {
  const { rows, unit } = rankingOf(r)
  const notes = [r.replay.reason, ...r.replay.notes].filter(n => n !== '')
  const what = r.killed
    ? `${r.killed.comm} (${r.killed.pid}) killed`
    : r.noKillable
      ? 'no killable task'
      : 'no kill in the text'
  const log = excerptLines
  if (log.length > 0 && r.lines.last - r.lines.first + 1 > log.length)
    notes.push(
      `log excerpt cut at ${log.length} lines (input lines ${r.lines.first}–${r.lines.last})`
    )
  return {
    id: `oom-${r.index}`,
    title: `OOM ${r.index}: ${what}`,
    timeSec: null,
    facts: factsOf(r, unit),
    scoreUnit: unit,
    ranking: rows,
    memory: memoryOf(r, e),
    log: toLogLines(log.map(kmsgAsDmesg)),
    notes
  }
}

/**
 * The explain page. `events` are the parsed events the model was built from (matched to the
 * reports by their input lines, for the zones); `source` is the input (bytes or text), for the excerpts.
 */
export function explainPageFrom(
  model: ExplainModel,
  events: readonly OomEvent[],
  source: Uint8Array | string | null,
  sourceName: string
): ExplainPage {
  const name = sourceName === '-' ? 'standard input' : sourceName
  const excerpts =
    source === null
      ? new Map<number, string[]>()
      : extractLines(
          source,
          model.reports.map(r => r.lines),
          EXCERPT_LINES
        )
  const byFirst = new Map(events.map(e => [e.lines.first, e]))
  const killed = model.reports.filter(r => r.killed !== null).length
  const agree = model.reports.filter(r => r.replay.agrees === true).length
  return {
    title: `OOM report: ${name.split('/').pop() ?? name}`,
    meta: [
      ['Input', name],
      ['OOM events', String(model.reports.length)],
      ['Kills', String(killed)],
      ['Replay agrees', `${agree} of ${model.reports.length}`],
      ['Allocation failures', String(model.allocationFailures.length)]
    ],
    ooms: model.reports.map(r =>
      explainSection(r, byFirst.get(r.lines.first), excerpts.get(r.lines.first) ?? [])
    )
  }
}
