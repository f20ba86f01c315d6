/**
 * @module The simulated growth of a case with several growers (or a grower's thread), derived
 * from the kernel's own reports rather than guessed: which grower the kernel's scheduler ran, and
 * how far, is only known afterwards, from each report's task rows (every grower's rss when the
 * kernel OOMed) and its dump_stack() line (the task that faulted: "CPU: N UID: U PID: tid Comm:").
 *
 * Segment j replays what happened before report j: every grower other than the report's current
 * task grows by what its row grew since the last report that listed it, less CUSHION_PAGES, and
 * never past its row, in the case's step (the hogs grow 1 MiB at a time in concurrent cases) and
 * then the part of a step it was in when the kernel stopped it (a grower waiting in its charge
 * mid-step; the printed rss, read from counters that can only lag, is never above what it had,
 * and the growth printed between two reports may overstate the real growth by a batch folded in
 * between); then the current task grows until the simulator OOMs, at most the growth its own
 * row shows plus OVERSHOOT_PAGES (the page it faulted and the per-CPU counter lag: the OOM
 * killer reads approximate rss counters, up to 31 pages behind per counter), plus, for each
 * other grower, LAG_PAGES_PER_GROWER and how far short of its row it stands (the simulator has
 * that much more room than the kernel's rows show). A grower catches up with its row when it is
 * the current task.
 * The current task's last step is faulted a page at a time, so that after its kill it has
 * taken no more than the page it faulted: with free-running growers the kernel's current task
 * is often one that waited in its charge while the others took a victim's freed pages (seed
 * 700004: its row unchanged over two reports). Segments are 10 s apart, so every victim of the
 * previous one has exited.
 *
 * Growth is read from the rss_anon column against /proc's RssAnon: the growers grow anonymous
 * memory, and the file column lags /proc by a constant (rss_file 498 printed for every hog where
 * /proc says 518-537, per-CPU counter batches never folded), which read as growth would leave
 * every grower that many pages short.
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

/** How far short of its row each grower other than the current task stops: the kernel's row is
 * a lower bound (counters lag), the simulator's OOM has to come in the current task's fault,
 * and the lags change between reports (a batch folded), so a grower placed at its row may find
 * the simulator's memcg full before it got there (seed 700004: 34 pages short). */
export const CUSHION_PAGES = 32

/** What each other grower's row may lag behind its real rss: (batch - 1) pages of its anon
 * counter on the one CPU the hogs run on, and the page in its charge. */
export const LAG_PAGES_PER_GROWER = 32

/** Time between segments, when in a segment the part-steps come and the current task starts
 * growing (ms). */
const SEGMENT_MS = 10_000
const PART_STEPS_MS = 2_000
const CURRENT_STARTS_MS = 5_000

type Action = NonNullable<Scenario['timeline']>[number]
type Touch = Extract<Action, { do: 'touch' }>

/** One grower: its process, the thread that writes, and its anon rss in the snapshot (pages). */
export interface GrowerRef {
  pid: number
  tid: number | null
  startAnon: number
}

/** The growers of a run: the case's grower first, then its co-growers, with snapshot RssAnon. */
export function growersOf(run: CaseRun): GrowerRef[] {
  const anonOf = (pid: number): number =>
    run.snapshot.entries.find(e => e.proc.pid === pid)?.proc.rssAnon ?? 0
  return [
    { pid: run.growerPid, tid: run.growerTid ?? null },
    ...(run.coGrowers ?? []).map(c => ({ pid: c.pid, tid: c.tid }))
  ].map(g => ({ ...g, startAnon: anonOf(g.pid) }))
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

/** The step the current task of segment `j` faults in: a mapping of a whole step (or of
 * `pages`, if more), then `pages` one-page faults in it until the OOM. */
function lastStep(g: GrowerRef, j: number, pages: number, stepPages: number, start: number) {
  const at = start + PART_STEPS_MS
  const vma = `oomkit-step-${j + 1}`
  const map: Action = {
    at: `${at}ms`,
    do: 'mmap',
    pid: g.pid,
    name: vma,
    size: Math.max(stepPages, pages)
  }
  return [map, { ...touch(g, 1, at + 1, pages), vma, until: 'oom' as const }]
}

/** The timeline: one segment per kernel kill (see the module). */
export function reportDerivedTimeline(run: CaseRun, stepPages: number): Action[] {
  const growers = growersOf(run)
  // Pages each grower is meant to have grown in the simulator by now, and what the last report
  // listing it printed (growth from the snapshot).
  const placed = new Map(growers.map(g => [g.pid, 0]))
  const printed = new Map(growers.map(g => [g.pid, 0]))
  const actions: Action[] = []
  run.kills.forEach((k, j) => {
    const rows = k.tasks ?? []
    const current = currentGrower(run, growers, k)
    const at = 1000 + j * SEGMENT_MS
    // What the report's row says the grower had grown (pages), or null when it is not listed.
    const rowGrowth = (g: GrowerRef): number | null => {
      const row = rows.find(r => r.pid === g.pid)
      return row === undefined ? null : Math.max(0, row.rssAnon - g.startAnon)
    }
    let slot = 0
    // Pages the current task may fault past its row: the page, its lag, each other's lag and
    // how far short of its row each other grower stands.
    let allowance = OVERSHOOT_PAGES
    for (const g of growers) {
      const target = rowGrowth(g)
      if (g === current || target === null) continue
      // CUSHION_PAGES short of what its row grew since the last report (a lower bound of what
      // it had, and the growth printed between two reports may overstate the real one by a
      // batch folded in between), and never past its row: the rest is left to the current
      // task's fault (see the module).
      const more = Math.max(
        0,
        Math.min(target - placed.get(g.pid)!, target - printed.get(g.pid)!) - CUSHION_PAGES
      )
      const steps = Math.floor(more / stepPages)
      if (steps > 0) actions.push(touch(g, stepPages, at + slot, steps))
      if (more % stepPages > 0)
        actions.push(touch(g, more % stepPages, at + PART_STEPS_MS + slot, 1))
      slot++
      placed.set(g.pid, placed.get(g.pid)! + more)
      printed.set(g.pid, target)
      allowance += LAG_PAGES_PER_GROWER + Math.max(0, target - placed.get(g.pid)!)
    }
    // Whole steps to the one it faulted in, then that step: the hog maps a whole step and
    // faults it a page at a time, so the simulator's current task maps it too and touches it
    // page by page up to its row's part plus the counters' lag and the others' cushions. The
    // OOM comes in one page's fault (a later action would run after that OOM: until: oom looks
    // at OOMs since its own start), and after its kill the current task has faulted at most
    // that page past the OOM: the freed pages stay for the growers the kernel ran while the
    // current task waited in its charge (a step-sized touch would finish its step there,
    // taking what they took).
    const own = Math.max(0, (rowGrowth(current) ?? 0) - placed.get(current.pid)!)
    const start = at + CURRENT_STARTS_MS
    const whole = Math.floor(own / stepPages)
    if (whole > 0) actions.push({ ...touch(current, stepPages, start, whole), until: 'oom' })
    actions.push(...lastStep(current, j, (own % stepPages) + allowance, stepPages, start))
    // The kernel's position, not the simulator's, is where the next segment starts from.
    placed.set(current.pid, placed.get(current.pid)! + own)
    printed.set(current.pid, rowGrowth(current) ?? printed.get(current.pid)!)
  })
  return actions.sort((a, b) => parseInt(String(a.at)) - parseInt(String(b.at)))
}
