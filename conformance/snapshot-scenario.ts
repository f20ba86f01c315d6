/**
 * @module A case's pre-OOM snapshot plus its growth as a simulator scenario (src/sim/schema.ts),
 * so the simulator can replay what the kernel did.
 *
 * Modelling choices (all charged amounts in pages):
 * - File-backed resident pages (libc, the hog binary) map one shared cached file charged to the
 *   root memcg, as on the host, where that page cache was charged before the hogs existed.
 * - A forked child's anon RSS includes its parent's copy-on-write pages: the child names its
 *   parent in `cowFrom` with the pages it still shares in `sharedAnon` (the simulator counts them
 *   in both rss, charges them once and frees them with their last sharer, as the kernel does);
 *   the part the parent faulted before the move is a root-charged file both map. The rest of a
 *   child's anon is its own.
 * - A shared anonymous region (MAP_SHARED) is a tmpfs file charged to the case memcg, mapped
 *   (shmem) by the parent and each child.
 * - Anon pages a hog faulted before the harness moved it into the case memcg stay charged where
 *   they were: they map a root-charged file too.
 * - Whatever the real memcg had charged beyond that (kernel stacks, slab, ...) is an unmapped
 *   tmpfs "filler" file in the case memcg, so the simulated usage starts where the real one was.
 * - What the OOM killer's rss counters lag behind /proc's exact split (`rssPending`,
 *   rssPendingOf()).
 * - The growth is the grower touching `stepKb` per step in a mapping of its own ('grow', empty at
 *   the start), as many steps as the harness made, plus the one the grower may have died in, plus
 *   GROWTH_SLACK_STEPS.
 */
import type { ScenarioFile as Scenario } from '../src/sim/schema.ts'
import type { CaseRun } from './case-run.ts'
import { reportDerivedTimeline } from './growth-timeline.ts'
import { chargedPages, filePlan, type FileUser } from './scenario-files.ts'
import { caseGroups, caseTimeline } from './scenario-groups.ts'
import type { ProcSnapshot } from './proc-snapshot.ts'

/**
 * Extra growth steps beyond the kernel's (the kernel's steps plus the one its grower died in).
 * 0: the simulator's OOMs come at the same step as the kernel's on every case seen so far
 * (seeds 1..300 and the hand-written ones), so a late OOM in the simulator is a disagreement.
 */
export const GROWTH_SLACK_STEPS = 0

type ProcessSpec = Scenario['processes'][number]
type FileSpec = NonNullable<Scenario['files']>[number]

/** Build the scenario for a case. `profileName` is the kernel profile to simulate. */
export function caseToScenario(run: CaseRun, profileName: string): Scenario {
  const s = run.snapshot
  const path = run.memcgPath
  const byPid = new Map(s.entries.map(e => [e.proc.pid, e.proc]))
  // A process's group: the case cgroup or one of its sub-groups (conformance/kinds-files.ts).
  const groupOf = (memcg: string): string =>
    memcg === path || memcg.startsWith(`${path}/`) ? memcg : path
  const hogGroup = (i: number): string => {
    const g = run.spec.hogs[i]?.group
    return g === undefined ? path : `${path}/${g}`
  }
  const users: FileUser[] = s.entries
    .filter(e => e.sharesMmWith === null && e.vfork !== true)
    .map(({ proc }) => {
      const role = run.roles.get(proc.pid)!
      const mapKb = role.role === 'parent' ? (run.spec.hogs[role.hog]!.mapFileKb ?? 0) : 0
      return {
        pid: proc.pid,
        group: groupOf(proc.memcg),
        rssFile: proc.rssFile,
        data: Math.min(proc.rssFile, Math.ceil(mapKb / 4))
      }
    })
  const shmIn = (g: string): number =>
    run.spec.hogs.reduce((n, h, i) => n + (hogGroup(i) === g ? Math.ceil(h.sharedKb / 4) : 0), 0)
  const plan = filePlan(run, users, shmIn)
  const files: FileSpec[] = [...plan.files]
  let charged = plan.charged
  const processes: ProcessSpec[] = []
  const steps = Math.round(run.grownKb / run.spec.stepKb) + 1 + GROWTH_SLACK_STEPS
  const stepPages = Math.ceil(run.spec.stepKb / 4)
  const concurrent = (run.coGrowers ?? []).length > 0
  /** A hog parent's anon pages: faulted before the move (charged elsewhere) and the rest. */
  const parentSplit = (pid: number, anon: number): { pre: number; shared: number } => {
    const pre = Math.min(anon, run.chargedElsewhere.get(pid)?.anon ?? 0)
    return { pre, shared: anon - pre }
  }
  for (const { proc, sharesMmWith, vfork } of s.entries) {
    const role = run.roles.get(proc.pid)!
    const hog = run.spec.hogs[role.hog]!
    const parent =
      role.role === 'parent'
        ? null
        : byPid.get(
            [...run.roles.entries()].find(([, r]) => r.hog === role.hog && r.role === 'parent')![0]
          )!
    const p: ProcessSpec = {
      pid: proc.pid,
      comm: proc.comm,
      ppid: parent?.pid ?? proc.ppid,
      uid: proc.uid,
      caps: [
        ...(proc.capSysAdmin ? (['CAP_SYS_ADMIN'] as const) : []),
        ...(proc.capSysResource ? (['CAP_SYS_RESOURCE'] as const) : [])
      ],
      oom_score_adj: proc.oomScoreAdj,
      memcg: groupOf(proc.memcg),
      threads: proc.threads.map(t => ({ tid: t.tid, comm: t.comm.slice(0, 15) }))
    }
    if (vfork === true) {
      p.vfork = true
      processes.push(p)
      continue
    }
    if (sharesMmWith !== null) {
      p.shareMmWith = sharesMmWith
      processes.push(p)
      continue
    }
    const vmas: NonNullable<ProcessSpec['vmas']> = [...(plan.vmas.get(proc.pid) ?? [])]
    let ownAnon = proc.rssAnon
    const mapFile = (name: string, file: string, pages: number): void => {
      if (pages > 0) vmas.push({ name, size: pages, resident: pages, kind: 'file', file })
    }
    if (role.role === 'parent' && hog.forks > 0) {
      // Everything the parent had at fork is shared copy-on-write with its children (they say
      // so with cowFrom); what it faulted before the move is charged where it was.
      const { pre, shared } = parentSplit(proc.pid, proc.rssAnon)
      if (pre > 0) files.push({ path: `/premove/${proc.pid}`, size: pre, cached: pre, memcg: '/' })
      mapFile('premove', `/premove/${proc.pid}`, pre)
      ownAnon = shared
    } else if (role.role === 'child' && parent !== null) {
      const cow = Math.min(parent.rssAnon, proc.rssAnon)
      const { pre, shared } = parentSplit(parent.pid, parent.rssAnon)
      const fromPre = Math.min(cow, pre)
      const fromShared = Math.min(cow - fromPre, shared)
      mapFile('premove', `/premove/${parent.pid}`, fromPre)
      if (fromShared > 0) {
        p.cowFrom = parent.pid
        p.sharedAnon = fromShared
      }
      ownAnon -= fromPre + fromShared
    } else {
      const { pre } = parentSplit(proc.pid, proc.rssAnon)
      if (pre > 0) {
        // Faulted before the move into the case memcg: charged to the memcg it started in.
        files.push({ path: `/premove/${proc.pid}`, size: pre, cached: pre, memcg: '/' })
        mapFile('premove', `/premove/${proc.pid}`, pre)
        ownAnon -= pre
      }
    }
    if (proc.rssShmem > 0) {
      const shmFile = `/shm/${role.hog}`
      const pages = Math.ceil(hog.sharedKb / 4)
      if (!files.some(f => f.path === shmFile)) {
        files.push({
          path: shmFile,
          size: pages,
          cached: pages,
          fs: 'tmpfs',
          memcg: hogGroup(role.hog)
        })
        charged += pages
      }
      vmas.push({
        name: 'shm',
        size: pages,
        resident: Math.min(pages, proc.rssShmem),
        kind: 'shmem',
        file: shmFile,
        shared: true
      })
    }
    if (ownAnon > 0) vmas.push({ name: 'heap', size: ownAnon, resident: ownAnon, kind: 'anon' })
    charged += ownAnon
    // The grower's growth goes into its own (initially empty) mapping, as the hog mmaps each step
    // (with co-growers, each grower grows a mapping of its own: growInMappings()).
    const growPages = proc.pid === run.growerPid && !concurrent ? steps * stepPages : 0
    if (growPages > 0) vmas.push({ name: 'grow', size: growPages, resident: 0, kind: 'anon' })
    p.vmas = vmas
    const pending = rssPendingOf(proc, hog.settleRss === true)
    if (pending !== undefined) p.rssPending = pending
    p.totalVm = Math.max(
      proc.totalVm + growPages,
      vmas.reduce((a, v) => a + Number(v.size), 0)
    )
    const pgtablePages = Math.floor(proc.pgtablesBytes / 4096)
    if (pgtablePages > 0) p.pgtables = pgtablePages
    if (growPages > 0) leaveTablesForGrowth(p)
    charged += pgtablePages
    processes.push(p)
  }
  // The rest of what the group has charged (kernel stacks, slab; the per-CPU precharge left out:
  // chargedPages()) as an unmapped tmpfs filler.
  const filler = (chargedPages(run) ?? s.usagePages) - charged
  if (filler > 0)
    files.push({ path: '/filler', size: filler, cached: filler, fs: 'tmpfs', memcg: path })
  return {
    name: `conformance seed ${run.spec.seed} (${run.spec.label})`,
    description: 'generated by conformance/snapshot-scenario.ts from a real-kernel case',
    profile: profileName,
    seed: run.spec.seed,
    machine: {
      memory: `${s.totalRamPages * 4}k`,
      cpus: 2,
      kernelRelease: run.release
    },
    cgroups: { version: s.cgroupVersion, groups: caseGroups(run) },
    files,
    processes,
    timeline: concurrent
      ? growInMappings(processes, reportDerivedTimeline(run, stepPages))
      : caseTimeline(run, steps)
  }
}

/**
 * Page-table pages the simulator allocates at the first fault of a new mapping (fault.ts
 * tablesFor(): a PMD page and a PTE page) that the hog's first growth step does not: its mmap
 * lands right below the mappings it has, inside their PMD and usually their last PTE page.
 */
export const GROW_FIRST_FAULT_TABLES = 2

/**
 * A grower's page tables at boot less GROW_FIRST_FAULT_TABLES, so that after its first growth
 * fault it has the kernel's count (pgtables_bytes rows; the group's charge is not changed: the
 * filler was computed with the snapshot's count). On this host's run of 19:10 it made 38 more
 * grower rows byte-identical and 15 more equal in rss (the OOM a page or two later, as the
 * kernel's).
 */
function leaveTablesForGrowth(p: ProcessSpec): void {
  if (p.pgtables !== undefined)
    p.pgtables = Math.max(0, Number(p.pgtables) - GROW_FIRST_FAULT_TABLES)
}

/** The mapping co-growers grow in (growInMappings()). */
const GROW_VMA = 'grow'

/**
 * Co-growers grow in a mapping of their own (`GROW_VMA`, empty at the start) as large as the
 * timeline's touches, plus the counters' lag: the simulator's heap growth took about one
 * page-table page per step more than the hogs' own step-sized mappings (25 against 12 for 8 MiB),
 * which moved the simulated OOM into another grower's fault (seed 700004). Returns the timeline.
 */
function growInMappings(
  processes: ProcessSpec[],
  timeline: NonNullable<Scenario['timeline']>
): NonNullable<Scenario['timeline']> {
  const pages = new Map<number, number>()
  for (const a of timeline) {
    if (a.do !== 'touch') continue
    pages.set(a.pid, (pages.get(a.pid) ?? 0) + Number(a.size) * (a.count ?? 1))
    a.vma = GROW_VMA
  }
  for (const p of processes) {
    const n = pages.get(p.pid)
    if (n === undefined || p.vmas === undefined) continue
    p.vmas.push({ name: GROW_VMA, size: n + 64, resident: 0, kind: 'anon' })
    p.totalVm = Number(p.totalVm ?? 0) + n + 64
    leaveTablesForGrowth(p)
  }
  return timeline
}

/**
 * What get_mm_counter() lags behind /proc's exact split (6.18: status reads get_mm_counter_sum(),
 * stat's rss get_mm_rss(), fs/proc/task_mmu.c and array.c): every kind case's hog settled its anon and shmem
 * counters on its CPU before "ready" (hog.c settle_rss_counters()), so the whole difference is
 * the file counter's. Written for every process with an mm of its own, also when 0, so that the
 * simulator folds the grower's anon faults by the profile's rule from there.
 */
export function rssPendingOf(
  proc: ProcSnapshot,
  settled: boolean
): ProcessSpec['rssPending'] | undefined {
  if (proc.statRss === undefined) return undefined
  const lag = proc.rssAnon + proc.rssFile + proc.rssShmem - proc.statRss
  if (settled) return { file: lag }
  // Not settled (generated cases): the lag from anon first, then file, then shmem, as
  // `oomkit snapshot` assigns it (src/host/host-state.ts rssPending()); the total is right.
  const anon = Math.min(proc.rssAnon, lag)
  const file = Math.min(proc.rssFile, lag - anon)
  return { anon, file, shmem: lag - anon - file }
}
