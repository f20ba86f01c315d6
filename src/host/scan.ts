/**
 * @module One reading of a host through a HostSource: system totals, sysctls, memory cgroups and
 * every process with its memory counters, oom_score_adj, memory cgroup and the kernel's own
 * /proc oom_score. Processes that exit during the scan are listed in `vanished`, never an error.
 *
 * Units: kB for the process counters (as /proc prints them), bytes in the cgroup readings.
 */
import type {
  CgroupLine,
  HostSource,
  Meminfo,
  MemcgTree,
  ProcStatus,
  Psi,
  Read,
  TaskReading,
  VmSysctls,
  ZoneReading
} from '../adapters/proc/host-source.ts'
import {
  CAP_SYS_ADMIN,
  CAP_SYS_RESOURCE,
  PF_KTHREAD,
  hasCapability
} from '../adapters/proc/parse-proc.ts'
import { vforkChildren, vforkParentCandidates } from './vfork.ts'

export { CAP_SYS_ADMIN, CAP_SYS_RESOURCE } from '../adapters/proc/parse-proc.ts'

/** One process as read from /proc. Memory counters are kB; 0 when the process has no mm. */
export interface ProcessSample {
  pid: number
  comm: string
  state: string
  ppid: number
  uid: number
  threads: number
  /** PF_KTHREAD (status `Kthread:` or stat flags). */
  kthread: boolean
  /** Has an mm: the status file prints Vm lines (false for kthreads and zombies). */
  hasMm: boolean
  vmSizeKb: number
  rssAnonKb: number
  rssFileKb: number
  rssShmemKb: number
  vmSwapKb: number
  vmPteKb: number
  /**
   * get_mm_rss() from /proc/<pid>/stat (pages): what oom_badness() adds for rss. Differs from
   * the status Rss* sum on >= 6.16 kernels by the per-CPU counter deltas; null if unreadable.
   */
  mmRssPages: number | null
  capSysAdmin: boolean
  capSysResource: boolean
  /** /proc/<pid>/oom_score_adj (0 when unreadable). */
  oomScoreAdj: number
  /** /proc/<pid>/oom_score, null when it could not be read. */
  kernelOomScore: number | null
  /** Memory cgroup path, resolved to a group present in `HostReading.memcgs` ('/' fallback). */
  memcg: string
  /** Raw cgroup path of the process on the memory hierarchy (before resolution). */
  memcgRaw: string
  /** Its threads (tid, comm, state), ascending tid; null when not read (no mm, unreadable). */
  tasks: TaskReading[] | null
  /** In vfork (in_vfork()): the parent whose mm it borrows; null otherwise. Set by scanHost. */
  vforkParent: number | null
}

/** A full host reading. */
export interface HostReading {
  source: string
  /** uname -r, null when unreadable. */
  release: string | null
  meminfo: Meminfo
  zones: ZoneReading[]
  vmstat: Readonly<Record<string, number>>
  sysctls: VmSysctls
  psi: Psi | null
  memcgs: MemcgTree | null
  processes: ProcessSample[]
  /** Pids listed at the start of the scan that had exited before they could be read. */
  vanished: number[]
  /** Pids whose status was not readable (EACCES/EPERM). */
  denied: number[]
  users: ReadonlyMap<number, string>
}

/** The memory-hierarchy path of a process from its /proc/<pid>/cgroup lines. */
export function memcgPathOf(lines: readonly CgroupLine[], version: 1 | 2 | null): string {
  if (version === 1) {
    const l = lines.find(x => x.hierarchy !== 0 && x.controllers.includes('memory'))
    if (l) return l.path
  }
  const v2 = lines.find(x => x.hierarchy === 0)
  return v2?.path ?? '/'
}

/** The nearest group of `known` at or above `path` ('/' if none). */
export function resolveMemcg(path: string, known: ReadonlySet<string>): string {
  let p = path === '' ? '/' : path
  for (;;) {
    if (known.has(p)) return p
    if (p === '/' || p === '') return '/'
    const cut = p.lastIndexOf('/')
    p = cut <= 0 ? '/' : p.slice(0, cut)
  }
}

/** CAP_SYS_ADMIN and CAP_SYS_RESOURCE of each distinct CapEff (a host has a handful). */
const capSets = new Map<bigint, { sysAdmin: boolean; sysResource: boolean }>()

function capsOf(capEff: bigint): { sysAdmin: boolean; sysResource: boolean } {
  let caps = capSets.get(capEff)
  if (caps === undefined) {
    if (capSets.size >= 4096) capSets.clear()
    caps = {
      sysAdmin: hasCapability(capEff, CAP_SYS_ADMIN),
      sysResource: hasCapability(capEff, CAP_SYS_RESOURCE)
    }
    capSets.set(capEff, caps)
  }
  return caps
}

/** The threads of a process; a single running thread is its status (no task directory read). */
function readTasks(
  source: HostSource,
  pid: number,
  s: Pick<ProcStatus, 'threads' | 'state' | 'name'>
): Read<TaskReading[]> {
  if (s.threads > 1 || s.state === 'D') return source.procTasks(pid)
  return { ok: true, value: [{ tid: pid, comm: s.name, state: s.state, blocked: null }] }
}

/** get_mm_rss() pages and PF_KTHREAD of a process, from /proc/<pid>/stat when status leaves
 * either open; `gone` when the process went meanwhile. */
function statFacts(
  source: HostSource,
  pid: number,
  s: ProcStatus
): { kthread: boolean; rssPages: number | null } | 'gone' {
  // Without an mm (no Vm lines: a kernel thread or a zombie) get_mm_rss() is 0, and a status
  // with the `Kthread:` line (task_state(), fs/proc/array.c, 6.x) says which: no stat read.
  if (s.kthread !== null && s.vmSizeKb === null) return { kthread: s.kthread, rssPages: 0 }
  // stat: PF_KTHREAD for kernels without the status `Kthread:` line, and get_mm_rss().
  const stat = source.procStat(pid)
  if (!stat.ok && stat.why === 'gone') return 'gone'
  let kthread = s.kthread
  if (kthread === null) {
    kthread = stat.ok
      ? (stat.value.flags & PF_KTHREAD) !== 0
      : s.vmSizeKb === null && s.state !== 'Z'
  }
  return { kthread, rssPages: stat.ok ? stat.value.rssPages : null }
}

/** Read one process; null when it vanished (or was denied, recorded by the caller).
 * `memcgPaths`: raw memory-hierarchy paths already known by pid (no procCgroup read for those).
 * `threads: false` leaves `tasks` null (read later, for vfork parents only: `scanHost`). */
export function readProcess(
  source: HostSource,
  pid: number,
  memcgVersion: 1 | 2 | null,
  known: ReadonlySet<string>,
  memcgPaths: ReadonlyMap<number, string> | null = null,
  threads = true
): ProcessSample | 'gone' | 'denied' {
  const st = source.procStatus(pid)
  if (!st.ok) return st.why === 'denied' ? 'denied' : 'gone'
  const s = st.value
  const facts = statFacts(source, pid, s)
  if (facts === 'gone') return 'gone'
  const kthread = facts.kthread
  const adj = source.procOomScoreAdj(pid)
  if (!adj.ok && adj.why === 'gone') return 'gone'
  let raw = memcgPaths?.get(pid)
  if (raw === undefined) {
    const cg = source.procCgroup(pid)
    if (!cg.ok && cg.why === 'gone') return 'gone'
    raw = cg.ok ? memcgPathOf(cg.value, memcgVersion) : '/'
  }
  const score = source.procOomScore(pid)
  if (!score.ok && score.why === 'gone') return 'gone'
  const hasMm = !kthread && s.vmSizeKb !== null
  const tasks = hasMm && threads ? readTasks(source, pid, s) : null
  if (tasks !== null && !tasks.ok && tasks.why === 'gone') return 'gone'
  return {
    pid,
    comm: s.name,
    state: s.state,
    ppid: s.ppid,
    uid: s.uid[0],
    threads: s.threads,
    kthread,
    hasMm,
    vmSizeKb: s.vmSizeKb ?? 0,
    rssAnonKb: s.rssAnonKb ?? 0,
    rssFileKb: s.rssFileKb ?? 0,
    rssShmemKb: s.rssShmemKb ?? 0,
    vmSwapKb: s.vmSwapKb ?? 0,
    vmPteKb: s.vmPteKb ?? 0,
    mmRssPages: facts.rssPages,
    capSysAdmin: capsOf(s.capEff).sysAdmin,
    capSysResource: capsOf(s.capEff).sysResource,
    oomScoreAdj: adj.ok ? adj.value : 0,
    kernelOomScore: score.ok ? score.value : null,
    memcg: resolveMemcg(raw, known),
    memcgRaw: raw,
    tasks: tasks?.ok === true ? tasks.value : null,
    vforkParent: null
  }
}

/**
 * The memory-hierarchy path of every process read per cgroup (HostSource.memcgPids) when the host
 * has more processes than groups, checked against one process's own /proc/<pid>/cgroup (a
 * hierarchy mounted from a subtree, without a cgroup namespace, prints other paths); null to read
 * each process's file instead.
 */
function memcgPidsOf(
  source: HostSource,
  tree: MemcgTree,
  pids: readonly number[]
): ReadonlyMap<number, string> | null {
  if (source.memcgPids === undefined || pids.length <= 2 * tree.groups.length) return null
  const r = source.memcgPids(tree)
  if (!r.ok) return null
  for (const pid of pids) {
    const mapped = r.value.get(pid)
    if (mapped === undefined) continue
    const own = source.procCgroup(pid)
    if (!own.ok) continue
    return memcgPathOf(own.value, tree.version) === mapped ? r.value : null
  }
  return null
}

/** What `scanHost` reads of each process's threads. */
export interface ScanOptions {
  /**
   * 'all' (default): every process's threads (a snapshot writes them). 'vfork-parents': only
   * those of a process whose child shows the same mm counters, all in_vfork() needs (`scores`:
   * one task directory per multi-threaded process less); `tasks` stays null for the others.
   */
  threads?: 'all' | 'vfork-parents'
}

/** The threads of each possible vfork parent, read after the scan; parents gone meanwhile move
 * from `processes` to `vanished`. */
function readVforkParentThreads(
  source: HostSource,
  processes: ProcessSample[],
  vanished: number[]
): ProcessSample[] {
  const gone = new Set<number>()
  for (const p of vforkParentCandidates(processes)) {
    const tasks = readTasks(source, p.pid, { threads: p.threads, state: p.state, name: p.comm })
    if (!tasks.ok && tasks.why === 'gone') gone.add(p.pid)
    p.tasks = tasks.ok ? tasks.value : null
  }
  if (gone.size === 0) return processes
  vanished.push(...gone)
  vanished.sort((a, b) => a - b)
  return processes.filter(p => !gone.has(p.pid))
}

/** Read the whole host. Never throws for processes that come and go during the scan. */
export function scanHost(source: HostSource, options: ScanOptions = {}): HostReading {
  const allThreads = options.threads !== 'vfork-parents'
  const release = source.release()
  const meminfo = source.meminfo()
  const zones = source.zoneinfo()
  const vmstat = source.vmstat()
  const psi = source.pressure()
  const tree = source.memcgs()
  const memcgs = tree.ok ? tree.value : null
  const known = new Set(memcgs?.groups.map(g => g.path) ?? ['/'])
  let processes: ProcessSample[] = []
  const vanished: number[] = []
  const denied: number[] = []
  const pids = source.listPids()
  const paths = memcgs === null ? null : memcgPidsOf(source, memcgs, pids)
  for (const pid of pids) {
    const p = readProcess(source, pid, memcgs?.version ?? null, known, paths, allThreads)
    if (p === 'gone') vanished.push(pid)
    else if (p === 'denied') denied.push(pid)
    else processes.push(p)
  }
  if (!allThreads) processes = readVforkParentThreads(source, processes, vanished)
  const vfork = vforkChildren(processes)
  for (const p of processes) p.vforkParent = vfork.get(p.pid) ?? null
  return {
    source: source.description,
    release: release.ok ? release.value : null,
    meminfo: meminfo.ok ? meminfo.value : {},
    zones: zones.ok ? zones.value : [],
    vmstat: vmstat.ok ? vmstat.value : {},
    sysctls: source.sysctls(),
    psi: psi.ok ? psi.value : null,
    memcgs,
    processes,
    vanished,
    denied,
    users: source.users()
  }
}
