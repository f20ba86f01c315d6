/**
 * @module The simulated growth of a case with several growers (or a grower's thread), derived
 * from the kernel's own reports rather than guessed: which grower the kernel's scheduler ran, and
 * how far, is only known afterwards, from each report's task rows (every grower's rss when the
 * kernel OOMed) and its dump_stack() line (the task that faulted: "CPU: N UID: U PID: tid Comm:").
 *
 * Segment j replays what happened before report j: every grower other than the report's current
 * task grows to the rss the report prints for it, in the case's step (the hogs grow 1 MiB at a
 * time in concurrent cases) and then the part of a step it was in when the kernel stopped it (a
 * grower waiting in its charge mid-step; the printed rss, read from counters that can only lag,
 * is never above what it had); then the current task grows until the simulator OOMs, at most the
 * growth its own row shows plus OVERSHOOT_PAGES (the page it faulted and the per-CPU counter
 * lag: the OOM killer reads approximate rss counters, up to 31 pages behind per counter).
 * Segments are 10 s apart, so every victim of the previous one has exited.
 *
 * Each grower grows its heap (no named mapping): its total_vm grows by what it touches, as the
 * hog's own step-sized mappings make it grow.
 */
import type { ScenarioFile as Scenario } from '../src/sim/schema.ts'
import type { CaseRun } from './case-run.ts'
import type { KernelKill } from './kernel-report.ts'

/** Pages the current task may grow past its own report row: the page it faulted, the rss
 * counters' lag (31 pages per counter and CPU; hogs run on one CPU), page-table pages. */
export const OVERSHOOT_PAGES = 64

/** Time between segments, when in a segment the part-steps come and the current task starts
 * growing (ms). */
const SEGMENT_MS = 10_000
const PART_STEPS_MS = 2_000
const CURRENT_STARTS_MS = 5_000

type Action = NonNullable<Scenario['timeline']>[number]
type Touch = Extract<Action, { do: 'touch' }>

/** One grower: its process, the thread that writes, and its rss in the snapshot (pages), as
 * the approximate counters read it. */
export interface GrowerRef {
  pid: number
  tid: number | null
  startRss: number
}

/** The growers of a run: the case's grower first, then its co-growers, with snapshot rss. */
export function growersOf(run: CaseRun): GrowerRef[] {
  const rssOf = (pid: number): number => {
    const p = run.snapshot.entries.find(e => e.proc.pid === pid)?.proc
    if (p === undefined) return 0
    // The rss the OOM killer's counters gave at the snapshot (stat's get_mm_rss()), which the
    // report rows are read against; /proc's exact sums when that was not read.
    return p.statRss ?? p.rssAnon + p.rssFile + p.rssShmem
  }
  return [
    { pid: run.growerPid, tid: run.growerTid ?? null },
    ...(run.coGrowers ?? []).map(c => ({ pid: c.pid, tid: c.tid }))
  ].map(g => ({ ...g, startRss: rssOf(g.pid) }))
}

/** The task that faulted into report `k` (dump_stack()'s PID, a tid), or null. */
export function reportCurrentTid(k: KernelKill): number | null {
  for (const t of k.texts) {
    const m = /^CPU: \d+ UID: \d+ PID: (\d+) Comm: /.exec(t)
    if (m !== null) return Number(m[1])
  }
  return null
}

/** The grower whose process or thread is report `k`'s current task (default: the grower). */
function currentGrower(run: CaseRun, growers: readonly GrowerRef[], k: KernelKill): GrowerRef {
  const tid = reportCurrentTid(k)
  const owner = run.snapshot.entries.find(e => e.proc.threads.some(t => t.tid === tid))
  const pid = owner?.proc.pid ?? tid
  return growers.find(g => g.pid === pid) ?? growers[0]!
}

/** A touch of `count` steps by a grower, one every ms from `atMs`. */
function touch(g: GrowerRef, stepPages: number, atMs: number, count: number): Touch {
  return {
    at: `${atMs}ms`,
    do: 'touch',
    pid: g.pid,
    ...(g.tid === null || g.tid === g.pid ? {} : { thread: g.tid }),
    size: stepPages,
    every: '1ms',
    count,
    until: 'killed'
  }
}

/** The timeline: one segment per kernel kill (see the module). */
export function reportDerivedTimeline(run: CaseRun, stepPages: number): Action[] {
  const growers = growersOf(run)
  const grown = new Map(growers.map(g => [g.pid, 0]))
  const actions: Action[] = []
  run.kills.forEach((k, j) => {
    const rows = k.tasks ?? []
    const current = currentGrower(run, growers, k)
    const at = 1000 + j * SEGMENT_MS
    const need = (g: GrowerRef): number | null => {
      const row = rows.find(r => r.pid === g.pid)
      return row === undefined ? null : Math.max(0, row.rss - g.startRss - grown.get(g.pid)!)
    }
    let slot = 0
    for (const g of growers) {
      const more = need(g)
      if (g === current || more === null) continue
      const steps = Math.floor(more / stepPages)
      if (steps > 0) actions.push(touch(g, stepPages, at + slot, steps))
      if (more % stepPages > 0)
        actions.push(touch(g, more % stepPages, at + PART_STEPS_MS + slot, 1))
      slot++
      grown.set(g.pid, grown.get(g.pid)! + more)
    }
    // Whole steps to the one it faulted in, then that step's part plus the counter lag: the OOM
    // comes inside the part, and what the current task still faults after its kill is at most
    // the lag, not the rest of a step (pages the kernel's other growers may have taken first
    // while it waited in its charge). (A later action would run after that OOM: until: oom
    // looks at OOMs since its own start.)
    const own = need(current) ?? 0
    const start = at + CURRENT_STARTS_MS
    const whole = Math.floor(own / stepPages)
    if (whole > 0) actions.push({ ...touch(current, stepPages, start, whole), until: 'oom' })
    const part = (own % stepPages) + OVERSHOOT_PAGES
    actions.push({ ...touch(current, part, start + PART_STEPS_MS, 1), until: 'oom' })
    // The kernel's position, not the simulator's, is where the next segment starts from.
    grown.set(current.pid, grown.get(current.pid)! + own)
  })
  return actions.sort((a, b) => parseInt(String(a.at)) - parseInt(String(b.at)))
}
