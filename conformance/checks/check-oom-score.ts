/**
 * @module Check 4: before the OOM, the engine's procOomScore() equals /proc/<pid>/oom_score for
 * every hog process.
 *
 * The 6.18 kernel computes oom_score from the approximate per-CPU mm counters
 * (percpu_counter_read_positive: up to batch-1 = 31 pages per counter per CPU behind), while
 * /proc/<pid>/status prints the exact sums. So the engine is fed the counters the kernel itself
 * printed for that process in the case's first OOM report (dump_tasks), for every process that
 * stayed idle between the snapshot and that OOM (all but the grower's mm, and any process whose
 * row is not within the drift of its /proc counters: reclaim took its mapped file pages). The
 * others are fed their /proc/status values; a mismatch there that a counter drift within the
 * bound explains is counted as agreement and noted. Separately, `exactAgreed` records how often the exact /proc
 * values alone give the kernel's number (what `oomkit scores` can do on a live host).
 */
import { procOomScore } from '../../src/kernel/oom-badness.ts'
import type { KernelProfile } from '../../src/kernel/profiles.ts'
import type { OomState, Process } from '../../src/kernel/types.ts'
import type { CaseRun } from '../case-run.ts'
import type { KernelTaskRow } from '../kernel-report.ts'
import { snapshotToState } from '../snapshot-state.ts'
import type { CheckResult, Disagreement } from './types.ts'

/** Largest per-counter drift of the approximate read: (batch - 1) per CPU, hogs pinned to one. */
export const DRIFT_PAGES_PER_COUNTER = 31

/** The engine's oom_score with the mm's rss shifted by `delta` pages. */
function scoreWithDelta(
  p: Process,
  state: OomState,
  profile: KernelProfile,
  delta: number
): number {
  const mm = state.mms.get(p.mmId!)!
  const anon = mm.anon
  mm.anon = Math.max(0, anon + delta)
  const s = procOomScore(p, state, profile)
  mm.anon = anon
  return s
}

/** Compare oom_score for every snapshotted process. */
export function checkOomScore(run: CaseRun, profile: KernelProfile): CheckResult {
  const exactState = snapshotToState(run.snapshot)
  const state = snapshotToState(run.snapshot)
  const first = run.kills.find(k => k.complete)
  const rows = new Map<number, KernelTaskRow>()
  // Only the first report precedes any kill; later ones already reflect earlier victims.
  if (first !== undefined && first === run.kills[0])
    for (const r of first.tasks ?? []) rows.set(r.pid, r)
  // The grower and its co-growers (concurrent cases) were not idle: their rows come later.
  const growing = new Set([run.growerPid, ...(run.coGrowers ?? []).map(c => c.pid)])
  const growerMms = new Set(exactState.processes.filter(p => growing.has(p.pid)).map(p => p.mmId))
  const disagreements: Disagreement[] = []
  const notes: string[] = []
  let agreed = 0
  let drift = 0
  let exactAgreed = 0
  const total = run.snapshot.totalRamPages + run.snapshot.totalSwapPages
  for (const p of state.processes) {
    const proc = run.snapshot.entries.find(e => e.proc.pid === p.pid)!.proc
    const exact = procOomScore(
      exactState.processes.find(q => q.pid === p.pid)!,
      exactState,
      profile
    )
    if (exact === proc.oomScore) exactAgreed++
    // A row is the process's snapshot only if it stayed idle: every counter within the drift of
    // /proc's (reclaim may have unmapped its file pages before the OOM: the pagecache-mmap kind).
    const kept = rows.get(p.pid)
    const idle =
      kept !== undefined &&
      [
        kept.rssAnon - proc.rssAnon,
        kept.rssFile - proc.rssFile,
        kept.rssShmem - proc.rssShmem
      ].every(d => Math.abs(d) <= DRIFT_PAGES_PER_COUNTER)
    const row = !growerMms.has(p.mmId) && idle ? kept : undefined
    let source = '/proc/<pid>/status (exact counters)'
    if (row !== undefined) {
      const mm = state.mms.get(p.mmId!)!
      mm.anon = row.rssAnon
      mm.file = row.rssFile
      mm.shmem = row.rssShmem
      mm.swapEnts = row.swapEnts
      mm.pgtablesBytes = row.pgtablesBytes
      source = "the kernel's dump_tasks row (approximate counters)"
    }
    const ours = procOomScore(p, state, profile)
    if (ours === proc.oomScore) {
      agreed++
      continue
    }
    if (row === undefined) {
      const bound = 3 * DRIFT_PAGES_PER_COUNTER
      let explained = false
      for (let d = -bound; d <= bound && !explained; d++)
        explained = scoreWithDelta(p, state, profile, d) === proc.oomScore
      if (explained) {
        agreed++
        drift++
        notes.push(
          `seed ${run.spec.seed}: oom_score of ${proc.pid} (${proc.comm}) is ${proc.oomScore}; ` +
            `the exact /proc counters give ${ours} (per-CPU counter drift)`
        )
        continue
      }
    }
    const values =
      `rss_anon=${proc.rssAnon} rss_file=${proc.rssFile} rss_shmem=${proc.rssShmem} ` +
      `swapents=${proc.swapEnts} pgtables_bytes=${proc.pgtablesBytes} ` +
      `oom_score_adj=${proc.oomScoreAdj} totalpages=${total}`
    disagreements.push({
      check: 4,
      seed: run.spec.seed,
      label: run.spec.label,
      kill: null,
      message: `oom_score of ${proc.pid} (${proc.comm}): kernel ${proc.oomScore}, engine ${ours}`,
      kernel: [`/proc/${proc.pid}/oom_score = ${proc.oomScore}`, `/proc status: ${values}`],
      ours: [
        `procOomScore() = ${ours} (profile ${profile.name}) from ${source}`,
        ...(row !== undefined
          ? [
              `row: anon=${row.rssAnon} file=${row.rssFile} shmem=${row.rssShmem} swap=${row.swapEnts} pgtables_bytes=${row.pgtablesBytes}`
            ]
          : [])
      ]
    })
  }
  return {
    check: 4,
    total: state.processes.length,
    agreed,
    disagreements,
    notes,
    drift,
    exactAgreed
  }
}
