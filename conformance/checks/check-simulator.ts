/**
 * @module Check 2: the simulator (src/sim: runScenario), fed the pre-OOM snapshot as a scenario
 * plus the same growth (conformance/snapshot-scenario.ts), kills the same victims in the same
 * order as the kernel. One item per kernel kill: kill i agrees when the simulator's i-th victim
 * is the kernel's i-th victim and every earlier one agreed too. A different victim whose score in
 * the kernel's own report is within the per-CPU counter drift of the kernel's victim cannot be
 * decided from exact /proc values: it counts as agreement with a note (the kills after it are
 * not compared), never silently.
 */
import type { KernelProfile } from '../../src/kernel/profiles.ts'
import { ScenarioSpec } from '../../src/sim/schema.ts'
import type { CaseRun } from '../case-run.ts'
import { reportLimitKb, rowPoints, type KernelKill } from '../kernel-report.ts'
import { caseToScenario } from '../snapshot-scenario.ts'
import { DRIFT_PAGES_PER_COUNTER } from './check-oom-score.ts'
import { raceFrom } from './sim-race.ts'
import type { CheckResult, Disagreement } from './types.ts'

/** Where the simulator's runScenario may live (the first module that exports it wins). */
const CANDIDATES = [
  '../../src/sim/run-scenario.ts',
  '../../src/sim/run.ts',
  '../../src/sim/runner.ts',
  '../../src/sim/index.ts',
  '../../src/sim/timeline.ts',
  '../../src/sim/simulate.ts'
]

/** Largest difference the per-CPU rss counter drift can make between two tasks' scores: each
 * task's three rss counters can lag by up to 31 pages (hogs pinned to one CPU). */
export const DRIFT_WINDOW_PAGES = 3 * DRIFT_PAGES_PER_COUNTER

type RunScenario = (scenario: unknown, options?: unknown) => unknown

async function loadSimulator(): Promise<RunScenario | string> {
  const errors: string[] = []
  for (const spec of CANDIDATES) {
    try {
      const m = (await import(spec)) as { runScenario?: unknown }
      if (typeof m.runScenario === 'function') return m.runScenario as RunScenario
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0] ?? ''
      if (!/Cannot find module|Failed to load url|ERR_MODULE_NOT_FOUND/.test(msg))
        errors.push(`${spec}: ${msg}`)
    }
  }
  return `simulator not available (no runScenario in src/sim${errors.length > 0 ? `; ${errors.join('; ')}` : ''})`
}

/** The victims' pids, in order, from the run result (`summary.victims`, or `victims`). */
export function victimPids(result: unknown): number[] | null {
  const r = result as { victims?: unknown; summary?: { victims?: unknown } } | null
  const list = r?.summary?.victims ?? r?.victims
  if (!Array.isArray(list)) return null
  return list.map(v => (typeof v === 'number' ? v : Number((v as { pid: unknown }).pid)))
}

/** The simulator's kernel log lines (texts), if the result carries them. */
function simLog(result: unknown): string[] {
  const l = (result as { log?: unknown } | null)?.log
  if (typeof l === 'string') return l.split('\n')
  if (!Array.isArray(l)) return []
  return l.map(x => {
    if (typeof x === 'string') return x
    const text = (x as { text?: unknown }).text
    return typeof text === 'string' ? text : JSON.stringify(x)
  })
}

/** The current task's lines of a report: "invoked oom-killer" and dump_stack()'s "PID: N Comm: C". */
interface CurrentLines {
  invoked: string | null
  pidComm: string | null
}

const PID_COMM = /PID: \d+ Comm: \S+/

/** The current-task lines before each "Killed process" line of a log (texts, in order). */
export function currentLinesPerKill(texts: readonly string[]): CurrentLines[] {
  const out: CurrentLines[] = []
  let cur: CurrentLines = { invoked: null, pidComm: null }
  for (const t of texts) {
    if (t.includes(' invoked oom-killer: ')) cur = { invoked: t, pidComm: null }
    else if (t.startsWith('CPU: ') && cur.pidComm === null)
      cur.pidComm = PID_COMM.exec(t)?.[0] ?? null
    else if (/ Killed process \d+ /.test(t) && !t.includes('sharing same memory')) {
      out.push(cur)
      cur = { invoked: null, pidComm: null }
    }
  }
  return out
}

/** The invoked line without its allocation (gfp_mask, order): who invoked, with its adj. */
const whoInvoked = (line: string | null): string | null =>
  line?.replace(/gfp_mask=\S+, order=\d+, /, '') ?? null

/** Each of the first `agreed` kills: the kernel's and the simulator's current-task lines. */
function pairs(kills: readonly KernelKill[], simTexts: readonly string[], agreed: number) {
  const ours = currentLinesPerKill(simTexts)
  return kills.slice(0, agreed).flatMap((k, i) => {
    const theirs = currentLinesPerKill(k.texts)[0]
    if (!k.complete || theirs === undefined) return []
    return [{ i, theirs, o: ours[i] ?? { invoked: null, pidComm: null } }]
  })
}

/**
 * The first of the first `agreed` kills whose current task the simulator printed differently
 * (6.18 dump_header(): "<comm> invoked oom-killer: gfp_mask=..., order=..., oom_score_adj=...";
 * dump_stack(): "PID: <tid> Comm: <thread comm>"), as a message, or null. The allocation
 * (gfp_mask, order) is compared apart (`allocationNotes`). A kill whose kernel report lost its
 * dump (ratelimited) has nothing to compare.
 */
export function currentTaskMismatch(
  kills: readonly KernelKill[],
  simTexts: readonly string[],
  agreed: number
): { kill: number; message: string } | null {
  for (const { i, theirs, o } of pairs(kills, simTexts, agreed)) {
    if (whoInvoked(theirs.invoked) !== whoInvoked(o.invoked) || theirs.pidComm !== o.pidComm)
      return {
        kill: i,
        message:
          `kill ${i + 1}: same victim, but the kernel's current task is "${theirs.invoked ?? '?'}" ` +
          `(${theirs.pidComm ?? '?'}), the simulator's "${o.invoked ?? '(none)'}" (${o.pidComm ?? '?'})`
      }
  }
  return null
}

/**
 * Kills where the current task is the same but the allocation that failed is not: with growth
 * read from approximate rss rows, whether the charge that hit the limit was a data page
 * (GFP_KERNEL, 6.18's charge mask for an anonymous fault) or the page table for the next 2 MiB
 * (GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP, pte_alloc_one()) is within a step: noted, not failed.
 */
export function allocationNotes(
  kills: readonly KernelKill[],
  simTexts: readonly string[],
  agreed: number
): string[] {
  return pairs(kills, simTexts, agreed)
    .filter(({ theirs, o }) => theirs.invoked !== o.invoked)
    .map(
      ({ i, theirs, o }) => `kill ${i + 1}: kernel "${theirs.invoked}", simulator "${o.invoked}"`
    )
}

/**
 * How far apart the kernel's report puts its victim and the simulator's choice (kernel's points
 * minus the other task's, pages), or null when the report does not list the other task.
 */
function driftMargin(k: KernelKill, simVictim: number | undefined): number | null {
  const limitKb = reportLimitKb(k)
  const rows = k.tasks
  if (limitKb === null || rows === null || simVictim === undefined) return null
  const total = Math.floor(limitKb / 4)
  const kv = rows.find(r => r.pid === k.killed.pid)
  const sv = rows.find(r => r.pid === simVictim)
  if (kv === undefined || sv === undefined) return null
  return rowPoints(kv, total) - rowPoints(sv, total)
}

/** The simulator's run of the case's scenario: its result, or check 2's failing result. */
async function simulate(run: CaseRun, profile: KernelProfile): Promise<unknown> {
  const kills = run.kills.length
  const sim = await loadSimulator()
  if (typeof sim === 'string')
    return { check: 2, total: kills, agreed: 0, disagreements: [], unavailable: sim }
  try {
    // The schema's transform makes sizes page counts; no reference checks (a hog's ppid is the
    // harness, which the case does not list).
    return { result: await sim(ScenarioSpec.parse(caseToScenario(run, profile.name))) }
  } catch (e) {
    const d: Disagreement = {
      check: 2,
      seed: run.spec.seed,
      label: run.spec.label,
      kill: null,
      message: `runScenario threw: ${(e as Error).message}`,
      kernel: run.kills.map((k, i) => `kill ${i + 1}: ${nameIn(run)(k.killed.pid)}`),
      ours: []
    }
    return { check: 2, total: kills, agreed: 0, disagreements: [d] }
  }
}

/** "pid (comm)" of a case's process, by its snapshot. */
function nameIn(run: CaseRun): (pid: number | undefined) => string {
  const comm = new Map(run.snapshot.entries.map(e => [e.proc.pid, e.proc.comm]))
  return pid => (pid === undefined ? '(none)' : `${pid} (${comm.get(pid) ?? '?'})`)
}

/** Run check 2 on a case (one item per kernel kill). */
export async function checkSimulator(run: CaseRun, profile: KernelProfile): Promise<CheckResult> {
  const kills = run.kills.length
  const ran = (await simulate(run, profile)) as CheckResult | { result: unknown }
  if (!('result' in ran)) return ran
  const result = ran.result
  const kernelVictims = run.kills.map(k => k.killed.pid)
  const ours = victimPids(result)
  if (ours === null)
    return {
      check: 2,
      total: kills,
      agreed: 0,
      disagreements: [],
      unavailable: 'runScenario returned no victims list'
    }
  let agreed = 0
  while (agreed < kills && ours[agreed] === kernelVictims[agreed]) agreed++
  const currentDiff = currentTaskMismatch(run.kills, simLog(result), agreed)
  if (currentDiff !== null) return currentTaskResult(run, currentDiff)
  return victimsResult(run, { ours, agreed, simTexts: simLog(result) })
}

/**
 * Check 2's result when the simulator printed another current task at a kill whose victim
 * agreed: failed there, unless the kernel made that kill before the previous victim's memory
 * was back (the exit race, counted apart: the simulator frees a victim's memory at its exit).
 */
function currentTaskResult(run: CaseRun, diff: { kill: number; message: string }): CheckResult {
  const race = raceFrom(run, diff.kill)
  if (race !== null)
    return {
      check: 2,
      total: diff.kill,
      agreed: diff.kill,
      disagreements: [],
      notes: [`${race.note} (kill ${diff.kill + 1}: ${diff.message})`],
      explained: race.explained
    }
  const d = { check: 2, seed: run.spec.seed, label: run.spec.label, ...diff } as const
  return {
    check: 2,
    total: run.kills.length,
    agreed: diff.kill,
    disagreements: [{ ...d, kernel: [], ours: [] }]
  }
}

/** Check 2's result from the victims: `agreed` of them equal, then a drift, a race or a miss. */
function victimsResult(
  run: CaseRun,
  sim: { ours: number[]; agreed: number; simTexts: string[] }
): CheckResult {
  const kills = run.kills.length
  const { ours, simTexts } = sim
  let agreed = sim.agreed
  const kernelVictims = run.kills.map(k => k.killed.pid)
  const name = nameIn(run)
  const disagreements: Disagreement[] = []
  const notes = allocationNotes(run.kills, simTexts, agreed).map(
    n => `seed ${run.spec.seed}: same current task, another allocation: ${n}`
  )
  let drift = 0
  let total = kills
  let explained = 0
  const margin = agreed < kills ? driftMargin(run.kills[agreed]!, ours[agreed]) : null
  const race = agreed < kills ? raceFrom(run, agreed) : null
  if (margin !== null && margin >= 0 && margin <= DRIFT_WINDOW_PAGES) {
    // The kernel chose between two tasks whose scores (from its own approximate counters) are
    // closer than the counters' drift: the exact /proc values the scenario carries cannot decide
    // it. Later kills follow from a different victim and cannot be compared.
    drift = 1
    notes.push(
      `seed ${run.spec.seed}: kill ${agreed + 1}: kernel ${name(kernelVictims[agreed])}, simulator ` +
        `${name(ours[agreed])}: ${margin} pages apart in the kernel's report (per-CPU counter drift); ` +
        `${kills - agreed - 1} later kill(s) not compared`
    )
    total = agreed + 1
    agreed++
  } else if (race !== null) {
    // The kernel killed again before the previous victim's memory was back (sim-race.ts):
    // a matter of scheduling that the simulator, which frees a victim's memory at its exit,
    // cannot be asked to reproduce. Counted apart, with both reports' lines in a note.
    explained = race.explained
    notes.push(race.note)
    total = agreed
  } else if (agreed < kills) {
    const log = simTexts.filter(l =>
      /invoked oom-killer|^\[\s*\d+\]|oom-kill:|Killed process/.test(l)
    )
    disagreements.push({
      check: 2,
      seed: run.spec.seed,
      label: run.spec.label,
      kill: agreed,
      message: `kill ${agreed + 1}: the kernel killed ${name(kernelVictims[agreed])}, the simulator ${name(ours[agreed])}`,
      kernel: [
        `victims: ${kernelVictims.map(name).join(', ')}`,
        ...run.kills.flatMap(k => [...k.taskRowTexts, k.killedText])
      ],
      ours: [`victims: ${ours.map(name).join(', ') || '(none)'}`, ...log]
    })
  }
  return {
    check: 2,
    total,
    agreed,
    disagreements,
    notes,
    drift,
    ...(explained ? { explained } : {})
  }
}
