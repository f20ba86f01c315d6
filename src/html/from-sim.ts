/**
 * @module Adapter from a simulation run (`runScenario()` of src/sim/runner.ts: log, trace,
 * summary, samples) to the HTML view model: series in kB against seconds, markers from the
 * trace, and one OOM section per out_of_memory() invocation built from its 'oom.*' events
 * (per-candidate badness parts from 'oom.evaluate'). Pure.
 */
import type { TraceEvent as EngineEvent } from '../kernel/events.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import { formatGfp } from '../kernel/gfp.ts'
import { formatDmesgTimestamp } from '../kernel/printk/timestamp.ts'
import type { RunResult } from '../sim/runner.ts'
import type { Samples } from '../sim/samples.ts'
import type { SimEvent, TraceEvent } from '../sim/trace.ts'
import { formatInt, formatKb } from './escape.ts'
import { toLogLines } from './log-lines.ts'
import type {
  Marker,
  MemoryState,
  OomSection,
  RankingRow,
  SimulationPage,
  Timeline,
  ZoneState
} from './page-model.ts'

/** kB per page (PAGE_SIZE 4096). */
const KB = 4
/** Most log lines in one OOM's excerpt. */
export const SIM_EXCERPT_LINES = 300

type Ev<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>

function isEngine(e: TraceEvent): e is EngineEvent {
  return e.type.startsWith('oom.') || e.type.startsWith('oom:')
}

/** Samples as chart series (kB, seconds); zones without managed pages are left out. */
export function timelineOf(s: Samples, markers: readonly Marker[]): Timeline {
  const kb = (v: number): number => v * KB
  return {
    timesSec: s.tNs.map(t => t / 1e9),
    zones: s.zones
      .filter(z => z.managed > 0)
      .map(z => ({
        name: `Node ${z.node} ${z.zone}`,
        freeKb: z.free.map(kb),
        minKb: z.min.map(kb),
        lowKb: z.low.map(kb),
        highKb: z.high.map(kb)
      })),
    processes: s.processes
      .filter(p => p.rss.some(v => v > 0))
      .map(p => ({ pid: p.pid, comm: p.comm, rssKb: p.rss.map(kb) })),
    swap: s.swapTotal.some(v => v > 0)
      ? { usedKb: s.swapUsed.map(kb), totalKb: s.swapTotal.map(kb) }
      : null,
    memcgs: s.memcgs
      .filter(m => m.limit !== null)
      .map(m => ({
        path: m.path,
        usageKb: m.usage.map(kb),
        limitKb: m.limit === null ? null : m.limit * KB
      })),
    pageCacheKb: s.pageCache.map(kb),
    markers
  }
}

/** One out_of_memory() invocation: its events, in order. */
interface Invocation {
  invoke: Ev<'oom.invoke'>
  events: EngineEvent[]
}

/** Split the engine events into invocations (events before the first invoke are dropped). */
export function invocationsOf(trace: readonly TraceEvent[]): Invocation[] {
  const out: Invocation[] = []
  for (const e of trace) {
    if (!isEngine(e)) continue
    if (e.type === 'oom.invoke') out.push({ invoke: e, events: [] })
    else out[out.length - 1]?.events.push(e)
  }
  return out
}

const SKIP_TEXT: Readonly<Record<string, string>> = {
  cpuset: 'not in the cpuset / mempolicy',
  'victim-oom-skip': 'earlier victim, already reaped',
  'no-mm-thread': 'thread without mm',
  // oom_badness() ineligibility reasons.
  unkillable: 'unkillable (init or kernel thread)',
  'no-mm': 'no mm (exited or kernel thread)',
  'adj-min': 'oom_score_adj -1000: never chosen',
  'oom-skip': 'already reaped (MMF_OOM_SKIP)',
  vfork: 'vfork child sharing its parent mm'
}

/** The ranking of one invocation from its 'oom.evaluate' and 'oom.select' events. */
export function rankingOfInvocation(
  inv: Invocation,
  profile: KernelProfile,
  adjOf: ReadonlyMap<number, number> = new Map()
): RankingRow[] {
  const evals = inv.events.filter((e): e is Ev<'oom.evaluate'> => e.type === 'oom.evaluate')
  const chosen = inv.events.find((e): e is Ev<'oom.select'> => e.type === 'oom.select')?.pid ?? null
  const killed = inv.events.find((e): e is Ev<'oom.kill'> => e.type === 'oom.kill')?.pid ?? null
  const victimPid = killed ?? chosen
  const total =
    inv.events.find((e): e is Ev<'oom.constraint'> => e.type === 'oom.constraint')?.totalPages ?? 0
  const scaled = profile.badness.form === 'scaled1000'
  const toPoints = (pages: number): number =>
    scaled && total > 0 ? Math.floor((pages * 1000) / total) : pages
  // oom_badness(): the adj term is adj * (totalpages / 1000) for the page forms, the raw adj
  // for 'scaled1000'; recover oom_score_adj from it when the process is gone from the summary.
  const unit = Math.trunc(total / 1000)
  const adjFromTerm = (term: number): number | null =>
    scaled ? term : unit > 0 ? Math.round(term / unit) : null
  // The last evaluation of a pid wins (a rescan after an abort evaluates again).
  const byPid = new Map<number, { e: Ev<'oom.evaluate'>; order: number }>()
  evals.forEach((e, order) => byPid.set(e.pid, { e, order }))
  const items = [...byPid.values()]
  const eligible = items
    .filter(({ e }) => e.skip === null && e.badness.eligible)
    .sort((a, b) => {
      if (a.e.pid === chosen) return -1
      if (b.e.pid === chosen) return 1
      const pa = a.e.badness.eligible ? a.e.badness.points : 0
      const pb = b.e.badness.eligible ? b.e.badness.points : 0
      return pb - pa || a.order - b.order
    })
  const rest = items.filter(x => !eligible.includes(x)).sort((a, b) => a.order - b.order)
  const rows: RankingRow[] = []
  eligible.forEach(({ e }, i) => {
    const b = e.badness
    if (!b.eligible) return
    rows.push({
      rank: i + 1,
      pid: e.pid,
      comm: e.comm,
      oomScoreAdj: adjOf.get(e.pid) ?? adjFromTerm(b.parts.adj),
      points: b.points,
      parts: {
        rss: toPoints(b.parts.rss),
        swap: toPoints(b.parts.swap),
        pgtables: toPoints(b.parts.pgtables),
        adj: b.parts.adj,
        rootBonus: b.parts.rootBonus
      },
      ineligible: null,
      victim: e.pid === victimPid
    })
  })
  for (const { e } of rest) {
    rows.push({
      rank: null,
      pid: e.pid,
      comm: e.comm,
      oomScoreAdj: adjOf.get(e.pid) ?? null,
      points: null,
      parts: null,
      ineligible:
        e.skip !== null
          ? (SKIP_TEXT[e.skip] ?? e.skip)
          : e.badness.eligible
            ? null
            : (SKIP_TEXT[e.badness.reason] ?? e.badness.reason),
      victim: e.pid === victimPid
    })
  }
  return rows
}

function nearestSample(s: Samples, tNs: number): number {
  let best = 0
  for (let i = 0; i < s.tNs.length; i++) {
    if ((s.tNs[i] ?? 0) <= tNs) best = i
    else break
  }
  return best
}

function memoryAt(s: Samples, tNs: number, memcg: string | null): MemoryState | null {
  if (s.tNs.length === 0) return null
  const i = nearestSample(s, tNs)
  const zones: ZoneState[] = s.zones
    .filter(z => z.managed > 0)
    .map(z => ({
      name: `Node ${z.node} ${z.zone}`,
      freeKb: (z.free[i] ?? 0) * KB,
      minKb: (z.min[i] ?? 0) * KB,
      lowKb: (z.low[i] ?? 0) * KB,
      highKb: (z.high[i] ?? 0) * KB,
      managedKb: z.managed * KB
    }))
  const free = zones.reduce((a, z) => a + z.freeKb, 0)
  const facts: [string, string][] = [
    ['Sample at', `${((s.tNs[i] ?? 0) / 1e9).toFixed(3)} s`],
    ['Free (all zones)', formatKb(free)]
  ]
  const swapTotal = s.swapTotal[i] ?? 0
  if (swapTotal > 0)
    facts.push([
      'Swap used',
      `${formatKb((s.swapUsed[i] ?? 0) * KB)} of ${formatKb(swapTotal * KB)}`
    ])
  else facts.push(['Swap', 'none'])
  const mc = memcg === null ? undefined : s.memcgs.find(m => m.path === memcg)
  if (mc !== undefined)
    facts.unshift([
      `memcg ${mc.path}`,
      `${formatKb((mc.usage[i] ?? 0) * KB)} of ${mc.limit === null ? 'unlimited' : formatKb(mc.limit * KB)}`
    ])
  const top = s.processes
    .map(p => ({ p, rss: p.rss[i] ?? 0 }))
    .filter(x => x.rss > 0)
    .sort((a, b) => b.rss - a.rss)[0]
  if (top)
    facts.push(['Largest process', `${top.p.comm} (${top.p.pid}): ${formatKb(top.rss * KB)}`])
  return { zones, facts }
}

/** What an out_of_memory() invocation ended in: a kill, an abort, a panic, no victim... */
function outcomeOf(inv: Invocation): { what: string; panic: Ev<'oom.panic'> | undefined } {
  const find = <T extends EngineEvent['type']>(t: T): Ev<T> | undefined =>
    inv.events.find((e): e is Ev<T> => e.type === t)
  const kill = find('oom.kill')
  const select = find('oom.select')
  const outcome = inv.events.find(
    e =>
      e.type === 'oom.abort' ||
      e.type === 'oom.no_victim' ||
      e.type === 'oom.panic' ||
      e.type === 'oom.victim_exiting' ||
      e.type === 'oom.current_exiting' ||
      e.type === 'oom.disabled' ||
      e.type === 'oom.nofs' ||
      e.type === 'oom.notifier'
  )
  let what: string
  if (kill) what = `${kill.comm} (${kill.pid}) killed`
  else if (outcome?.type === 'oom.abort')
    what = `aborted: victim ${outcome.inFlightPid} still exiting`
  else if (outcome?.type === 'oom.panic') what = 'panic'
  else if (outcome?.type === 'oom.no_victim') what = 'no killable task'
  else if (outcome !== undefined) what = outcome.type.replace('oom.', '').replace('_', ' ')
  else what = select?.pid != null ? `chose ${select.pid}` : 'no kill'
  const panic = find('oom.panic')
  if (panic !== undefined && outcome?.type !== 'oom.panic') what += ', then panic'
  return { what, panic }
}

/** Time, kind, trigger, allocation and constraint of an invocation. */
function invocationFacts(
  inv: Invocation,
  run: RunResult,
  profile: KernelProfile
): [string, string][] {
  const ev = inv.invoke
  const commOf = new Map(run.samples.processes.map(p => [p.pid, p.comm]))
  const facts: [string, string][] = [
    ['Time', `${(ev.timeNs / 1e9).toFixed(6)} s`],
    ['Kind', ev.kind === 'memcg' ? `memcg ${ev.memcg ?? ''}` : ev.kind],
    [
      'Triggered by',
      ev.currentPid === null
        ? 'sysrq / none'
        : `${commOf.get(ev.currentPid) ?? 'pid'} (${ev.currentPid})`
    ],
    ['Allocation', `order=${ev.order} gfp_mask=${formatGfp(ev.gfpMask, profile)}`]
  ]
  const constraint = inv.events.find((e): e is Ev<'oom.constraint'> => e.type === 'oom.constraint')
  if (constraint) {
    facts.push(['Constraint', constraint.constraint])
    facts.push(['totalpages', `${formatInt(constraint.totalPages)} pages`])
  }
  return facts
}

/** The log lines from this invocation up to the next one, cut at SIM_EXCERPT_LINES. */
function excerptOf(
  run: RunResult,
  fromNs: number,
  toNs: number
): { lines: string[]; notes: string[] } {
  const records = run.log.filter(r => r.timeNs >= fromNs && r.timeNs < toNs)
  const lines = records
    .slice(0, SIM_EXCERPT_LINES)
    .map(r => `${formatDmesgTimestamp(r.timeNs)} ${r.text}`)
  const notes: string[] = []
  if (records.length > lines.length)
    notes.push(`log excerpt cut at ${lines.length} of ${records.length} lines`)
  return { lines, notes }
}

function sectionOf(
  inv: Invocation,
  index: number,
  nextNs: number,
  run: RunResult,
  profile: KernelProfile
): OomSection {
  const ev = inv.invoke
  const facts = invocationFacts(inv, run, profile)
  const { what, panic } = outcomeOf(inv)
  facts.push(['Outcome', what])
  if (panic !== undefined) facts.push(['Panic', panic.message])
  const ranking = rankingOfInvocation(
    inv,
    profile,
    new Map(run.summary.final.processes.map(p => [p.pid, p.oomScoreAdj]))
  )
  const unit = profile.badness.form === 'scaled1000' ? 'points' : 'pages'
  const [first, second] = ranking.filter(r => r.rank !== null)
  if (first?.points != null && second?.points != null)
    facts.push([
      'Runner-up',
      `${second.comm} (${second.pid}), ${formatInt(first.points - second.points)} ${unit} behind`
    ])
  const { lines, notes } = excerptOf(run, ev.timeNs, nextNs)
  return {
    id: `oom-${index + 1}`,
    title: `OOM ${index + 1} at ${(ev.timeNs / 1e9).toFixed(3)} s: ${what}`,
    timeSec: ev.timeNs / 1e9,
    facts,
    scoreUnit: unit,
    ranking,
    memory: memoryAt(run.samples, ev.timeNs, ev.kind === 'memcg' ? ev.memcg : null),
    log: toLogLines(lines),
    notes
  }
}

/** Markers from the trace: reclaim passes, allocation failures, OOMs, kills, reaper, panics. */
export function markersOf(trace: readonly TraceEvent[]): Marker[] {
  const out: Marker[] = []
  let oom = -1
  for (const e of trace) {
    const t = e.timeNs / 1e9
    if (e.type === 'oom.invoke') {
      oom++
      out.push({
        kind: 'oom',
        timeSec: t,
        label: `OOM ${oom + 1}: ${e.kind}, order=${e.order}`,
        oom
      })
    } else if (e.type === 'oom.kill') {
      out.push({
        kind: 'kill',
        timeSec: t,
        label: `Killed ${e.comm} (${e.pid})`,
        oom: oom < 0 ? null : oom
      })
    } else if (e.type === 'oom.reaped') {
      out.push({
        kind: 'reaper',
        timeSec: t,
        label: `oom_reaper freed ${formatInt(e.freedPages)} pages of ${e.pid}`,
        oom: null
      })
    } else if (e.type === 'oom.reap_failed') {
      out.push({ kind: 'reaper', timeSec: t, label: `oom_reaper gave up on ${e.pid}`, oom: null })
    } else if (e.type === 'oom.panic') {
      out.push({ kind: 'panic', timeSec: t, label: e.message, oom: oom < 0 ? null : oom })
    } else if (e.type === 'alloc.fail') {
      const order = typeof e.order === 'number' ? ` order=${e.order}` : ''
      const pid = typeof e.pid === 'number' ? ` pid ${e.pid}` : ''
      out.push({
        kind: 'alloc-fail',
        timeSec: t,
        label: `allocation failure${pid}${order}`,
        oom: null
      })
    } else if (e.type.startsWith('reclaim.')) {
      const reclaimed = (e as SimEvent).reclaimed
      const got = typeof reclaimed === 'number' ? `: ${formatInt(reclaimed)} pages` : ''
      out.push({ kind: 'reclaim', timeSec: t, label: `${e.type}${got}`, oom: null })
    }
  }
  return out
}

/** The simulation page of a run. `title` names the scenario. */
export function simulationPageFrom(
  run: RunResult,
  profile: KernelProfile,
  title?: string
): SimulationPage {
  const invocations = invocationsOf(run.trace)
  const markers = markersOf(run.trace)
  const ooms = invocations.map((inv, i) =>
    sectionOf(inv, i, invocations[i + 1]?.invoke.timeNs ?? Number.POSITIVE_INFINITY, run, profile)
  )
  const s = run.summary
  const meta: [string, string][] = [
    ['Scenario', s.scenario],
    ['Kernel profile', s.profile],
    [
      'Victims',
      s.victims.length === 0 ? 'none' : s.victims.map(v => `${v.comm} (${v.pid})`).join(', ')
    ]
  ]
  if (s.panic !== null) meta.push(['Panic', s.panic])
  return {
    title: title ?? `Simulation: ${s.scenario}`,
    meta,
    timeline: timelineOf(run.samples, markers),
    ooms,
    log: run.log.map(r => `${formatDmesgTimestamp(r.timeNs)} ${r.text}`)
  }
}
