/**
 * @module One process of a host reading as a scenario process: credentials, oom_score_adj,
 * memory cgroup, resident memory and page tables, its threads (tid and comm each, so the report
 * names the thread that allocated), and a vfork child as a child borrowing its parent's mm.
 *
 * Units: page counts, from /proc's kB.
 */
import type { ScenarioFile as Scenario } from '../sim/schema.ts'
import type { TaskReading } from '../adapters/proc/host-source.ts'
import type { ProcessSample } from './scan.ts'
import { kbToPages, rssCounters, rssPending } from './host-state.ts'
import { ROOT_FILE, ROOT_SHMEM, split, type RootShare } from './snapshot-charges.ts'

type ProcessSpec = Scenario['processes'][number]

/** comm as the scenario accepts it (1..15 characters). */
export function comm(name: string): string {
  const c = name.slice(0, 15)
  return c === '' ? '?' : c
}

/** /proc/PID/status's split as it prints it. */
function exactCounters(s: ProcessSample): { anon: number; file: number; shmem: number } {
  return {
    anon: kbToPages(s.rssAnonKb),
    file: kbToPages(s.rssFileKb),
    shmem: kbToPages(s.rssShmemKb)
  }
}

/** The threads field: only when there is more than the leader or a thread has its own name. */
function threadsField(s: ProcessSample): ProcessSpec['threads'] {
  const tasks: readonly TaskReading[] = s.tasks ?? []
  if (tasks.length === 0) return s.threads > 1 ? s.threads : undefined
  const leaderFirst = [...tasks].sort((a, b) => (a.tid === s.pid ? -1 : b.tid === s.pid ? 1 : 0))
  if (leaderFirst.length === 1 && leaderFirst[0]?.tid === s.pid) return undefined
  const own = comm(s.comm)
  return leaderFirst.map(t => {
    const c = comm(t.comm)
    return c === own ? { tid: t.tid } : { tid: t.tid, comm: c }
  })
}

/** Resident memory, total_vm and page tables of a process with its own mm; the root share of its
 * mapped pages maps the root-charged files (snapshot-charges.ts), the rest is its own. Where
 * status is exact (`exactStatus`, 6.16+) its split is written with what the OOM killer's counters
 * lag (`rssPending`); else the counters as the OOM killer reads them. */
function memoryFields(
  s: ProcessSample,
  root: RootShare,
  exactStatus: boolean
): Partial<ProcessSpec> {
  const pending = exactStatus ? rssPending(s) : null
  const counters = pending === null ? rssCounters(s) : exactCounters(s)
  const { file, shmem } = counters
  // No swapped-out state in the scenario format: keep rss + swap (the badness) as resident anon.
  const anon = counters.anon + kbToPages(s.vmSwapKb)
  const f = split(file, root.file)
  const sh = split(shmem, root.shmem)
  const out: Partial<ProcessSpec> = { rss: { anon, file: f.group, shmem: sh.group } }
  if (pending !== null) out.rssPending = pending
  const vmas: NonNullable<ProcessSpec['vmas']> = []
  if (f.root > 0)
    vmas.push({ name: 'text-root', size: f.root, resident: f.root, kind: 'file', file: ROOT_FILE })
  if (sh.root > 0) {
    const v = { name: 'shm-root', size: sh.root, resident: sh.root, kind: 'shmem' as const }
    vmas.push({ ...v, file: ROOT_SHMEM, shared: true })
  }
  if (vmas.length > 0) out.vmas = vmas
  const totalVm = kbToPages(s.vmSizeKb)
  if (totalVm >= anon + file + shmem) out.totalVm = totalVm
  // VmPTE is mm_pgtables_bytes >> 10: whole pages.
  out.pgtables = Math.floor(s.vmPteKb / 4)
  return out
}

/**
 * The scenario process for `s`. `listed` are the pids written; a vfork child whose parent is
 * listed gets `vfork: true` and no memory (it is the parent's: in_vfork(), copy_mm() with
 * CLONE_VM), else it is written with a copy of the memory it shows.
 */
export function processSpec(
  s: ProcessSample,
  listed: ReadonlySet<number>,
  memcg: string,
  root: RootShare = { file: 0, shmem: 0 },
  exactStatus = false
): ProcessSpec {
  const caps: ('CAP_SYS_ADMIN' | 'CAP_SYS_RESOURCE')[] = []
  if (s.capSysAdmin) caps.push('CAP_SYS_ADMIN')
  if (s.capSysResource) caps.push('CAP_SYS_RESOURCE')
  const spec: ProcessSpec = {
    pid: s.pid,
    comm: comm(s.comm),
    ppid: listed.has(s.ppid) || s.ppid === 0 ? s.ppid : 1,
    uid: s.uid
  }
  if (caps.length > 0) spec.caps = caps
  if (s.oomScoreAdj !== 0) spec.oom_score_adj = s.oomScoreAdj
  if (memcg !== '/') spec.memcg = memcg
  const threads = threadsField(s)
  if (threads !== undefined) spec.threads = threads
  if (s.vforkParent !== null && listed.has(s.vforkParent) && s.vforkParent === s.ppid) {
    spec.vfork = true
    return spec
  }
  return Object.assign(spec, memoryFields(s, root, exactStatus))
}
