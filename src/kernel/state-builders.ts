/**
 * @module Builders for the engine's plain-data state (Process, Thread, Mm, Memcg, OomState) with
 * sensible defaults, for tests and for the other areas (report replay, host snapshots, scenarios).
 *
 * Units: pages, as in types.ts. Defaults describe an ordinary user process: one thread, its own
 * mm, oom_score_adj 0, root memcg and cpuset, node 0.
 */
import type {
  Memcg,
  MemcgEvents,
  Mm,
  MmFlags,
  OomState,
  OomSysctls,
  Process,
  Thread,
  Vma
} from './types.ts'
import { VersionedMap } from './versioned-map.ts'

/** `T` without `readonly` (the record constructors below fill fresh objects). */
type Writable<T> = { -readonly [K in keyof T]: T[K] }

/*
 * Why Process and Mm objects come from constructors and not from object literals: V8 pretenures
 * the objects of an allocation site (a literal) when most of them survive, allocating them
 * straight into the old generation in allocation order. A task table built from literals then
 * interleaves every process with its thread list, its mm, the mm's flags and VMA list (about 512
 * bytes per task), and the victim scan drags all of it through the cache. Objects made by `new`
 * have no allocation site: they are allocated young, and the scavenger moves the processes, and
 * the mms, together in list order, so the scan reads contiguous runs (the 1M-task scan in
 * bench/engine.ts went from ~42 to ~25 ms). The constructors' prototype is Object.prototype, so
 * the objects are the same plain data as before: same keys in the same order, same prototype,
 * `constructor === Object`, and one hidden class from the first object on.
 */

/** Every Process field, in this order; the fields the victim scan reads come first. */
const ProcessRecord = function (
  this: Writable<Process>,
  pid: number,
  kthread: boolean,
  mmId: number | null,
  threads: Thread[],
  memsAllowed: readonly number[],
  comm: string
): void {
  this.pid = pid
  this.kthread = kthread
  this.oomVictimMmId = null
  this.oomOrigin = false
  this.oomScoreAdj = 0
  this.mmId = mmId
  this.capSysAdmin = false
  this.threads = threads
  this.inVfork = false
  this.memsAllowed = memsAllowed
  this.comm = comm
  this.ppid = 1
  this.uid = 0
  this.capSysResource = false
  this.oomScoreAdjMin = 0
  this.memdie = false
  this.groupExit = false
  this.sigkillPending = false
  this.coreDumping = false
  this.memcg = '/'
  this.cpuset = '/'
} as unknown as new (
  pid: number,
  kthread: boolean,
  mmId: number | null,
  threads: Thread[],
  memsAllowed: readonly number[],
  comm: string
) => Writable<Process>
ProcessRecord.prototype = Object.prototype

/** Every Mm field but the optional `nrPmds`, in this order; oom_badness()'s counters first. */
const MmRecord = function (
  this: Writable<Mm>,
  id: number,
  anon: number,
  file: number,
  shmem: number,
  swapEnts: number,
  pgtablesBytes: number,
  totalVm: number,
  vmas: Vma[],
  flags: MmFlags,
  mmapLockHeld: boolean
): void {
  this.id = id
  this.anon = anon
  this.file = file
  this.shmem = shmem
  this.swapEnts = swapEnts
  this.pgtablesBytes = pgtablesBytes
  this.totalVm = totalVm
  this.vmas = vmas
  this.flags = flags
  this.mmapLockHeld = mmapLockHeld
} as unknown as new (
  id: number,
  anon: number,
  file: number,
  shmem: number,
  swapEnts: number,
  pgtablesBytes: number,
  totalVm: number,
  vmas: Vma[],
  flags: MmFlags,
  mmapLockHeld: boolean
) => Writable<Mm>
MmRecord.prototype = Object.prototype

/** A fresh memory.events counter set (all zero). */
export function makeMemcgEvents(): MemcgEvents {
  return { low: 0, high: 0, max: 0, oom: 0, oom_kill: 0, oom_group_kill: 0 }
}

/** MMF_* flags all clear, with overrides. */
export function makeMmFlags(partial: Partial<MmFlags> = {}): MmFlags {
  return { oomSkip: false, reapQueued: false, unstable: false, multiprocess: false, ...partial }
}

/** A VMA: private anonymous, not locked, unless overridden. `pages` defaults to its resident sum. */
export function makeVma(partial: Partial<Vma> & { start: number }): Vma {
  const anon = partial.anon ?? 0
  const file = partial.file ?? 0
  const shmem = partial.shmem ?? 0
  return {
    pages: anon + file + shmem,
    anon,
    file,
    shmem,
    anonymous: true,
    shared: false,
    locked: false,
    hugetlb: false,
    pfnmap: false,
    ...partial
  }
}

/**
 * An mm. Counters default to 0; when `vmas` are given and a counter is not, the counter is the sum
 * over the VMAs (and total_vm the sum of their sizes).
 */
export function makeMm(
  partial: Partial<Omit<Mm, 'flags'>> & { id: number; flags?: Partial<MmFlags> }
): Mm {
  const vmas = partial.vmas ?? []
  const sum = (k: 'anon' | 'file' | 'shmem' | 'pages'): number =>
    vmas.reduce((acc, v) => acc + v[k], 0)
  const mm = new MmRecord(
    partial.id,
    partial.anon ?? sum('anon'),
    partial.file ?? sum('file'),
    partial.shmem ?? sum('shmem'),
    partial.swapEnts ?? 0,
    partial.pgtablesBytes ?? 0,
    partial.totalVm ?? sum('pages'),
    vmas,
    makeMmFlags(partial.flags),
    partial.mmapLockHeld ?? false
  )
  if (partial.nrPmds !== undefined) mm.nrPmds = partial.nrPmds
  return mm
}

/** A thread with defaults (not exiting, mm held, default mempolicy). */
export function makeThread(partial: Partial<Thread> & { tid: number }): Thread {
  return { comm: 'task', exiting: false, mmReleased: false, mempolicyNodes: null, ...partial }
}

/**
 * A process (thread group). `threads` defaults to one thread with tid = pid and the same comm;
 * `mmId` defaults to the pid (pair it with `makeMm({ id: pid })`) unless `kthread` is set.
 */
export function makeProcess(partial: Partial<Process> & { pid: number }): Process {
  const comm = partial.comm ?? 'task'
  const kthread = partial.kthread ?? false
  const p = new ProcessRecord(
    partial.pid,
    kthread,
    kthread ? null : partial.pid,
    // Defaults are allocated only when not given (they would be overwritten below anyway).
    partial.threads ?? [makeThread({ tid: partial.pid, comm })],
    partial.memsAllowed ?? [0],
    comm
  )
  return Object.assign(p, partial)
}

/** A memory cgroup with no limits and zero counters. */
export function makeMemcg(partial: Partial<Memcg> & { path: string }): Memcg {
  return {
    limit: null,
    swapLimit: null,
    usage: 0,
    swapUsage: 0,
    oomKillDisable: false,
    oomGroup: false,
    swappiness: 60,
    failcnt: 0,
    events: makeMemcgEvents(),
    eventsLocal: makeMemcgEvents(),
    underOom: false,
    ...partial
  }
}

/** Default OOM sysctls: panic_on_oom 0, oom_kill_allocating_task 0, oom_dump_tasks 1. */
export function makeSysctls(partial: Partial<OomSysctls> = {}): OomSysctls {
  return { panicOnOom: 0, oomKillAllocatingTask: false, oomDumpTasks: true, ...partial }
}

/** Input to `makeState`: arrays instead of maps, and everything optional. */
export interface StateSpec {
  processes?: Process[]
  mms?: Mm[] | Map<number, Mm>
  memcgs?: Memcg[] | Map<string, Memcg>
  cgroupVersion?: 1 | 2
  nodes?: OomState['nodes']
  totalRamPages?: number
  totalSwapPages?: number
  sysctl?: Partial<OomSysctls>
  oomKillerDisabled?: boolean
  vmOomKill?: number
}

/**
 * An OomState. The root memcg '/' is always present; node 0 defaults to all of RAM; an mm is
 * created (empty) for every process whose `mmId` has none, so `makeState({ processes })` works.
 */
export function makeState(spec: StateSpec = {}): OomState {
  const totalRamPages = spec.totalRamPages ?? 2097152
  // A Map given by the caller is kept as is (same identity); otherwise a VersionedMap lets the
  // victim scan reuse its mm index between OOMs.
  let mms: Map<number, Mm>
  if (spec.mms instanceof Map) mms = spec.mms
  else {
    mms = new VersionedMap<number, Mm>()
    for (const m of spec.mms ?? []) mms.set(m.id, m)
  }
  const memcgs =
    spec.memcgs instanceof Map ? spec.memcgs : new Map((spec.memcgs ?? []).map(m => [m.path, m]))
  if (!memcgs.has('/')) memcgs.set('/', makeMemcg({ path: '/' }))
  const processes = spec.processes ?? []
  for (const p of processes) {
    if (p.mmId !== null && !mms.has(p.mmId)) mms.set(p.mmId, makeMm({ id: p.mmId }))
  }
  return {
    processes,
    mms,
    memcgs,
    cgroupVersion: spec.cgroupVersion ?? 2,
    nodes: spec.nodes ?? [{ id: 0, presentPages: totalRamPages, spannedPages: totalRamPages }],
    totalRamPages,
    totalSwapPages: spec.totalSwapPages ?? 0,
    sysctl: makeSysctls(spec.sysctl),
    oomKillerDisabled: spec.oomKillerDisabled ?? false,
    vmOomKill: spec.vmOomKill ?? 0
  }
}

/** Shorthand for one user process with its own mm (counters in pages). */
export interface TaskSpec extends Partial<Omit<Process, 'pid'>> {
  pid: number
  anon?: number
  file?: number
  shmem?: number
  swapEnts?: number
  totalVm?: number
  pgtablesBytes?: number
  nrPmds?: number
}

/**
 * Add a process and its own mm to `state` (returns the process). Counters not given are 0;
 * total_vm defaults to the resident sum.
 */
export function addTask(state: OomState, spec: TaskSpec): Process {
  const { anon, file, shmem, swapEnts, totalVm, pgtablesBytes, nrPmds, ...rest } = spec
  const p = makeProcess(rest)
  if (p.mmId !== null && !state.mms.has(p.mmId)) {
    const a = anon ?? 0
    const f = file ?? 0
    const s = shmem ?? 0
    const mm = makeMm({
      id: p.mmId,
      anon: a,
      file: f,
      shmem: s,
      swapEnts: swapEnts ?? 0,
      totalVm: totalVm ?? a + f + s,
      pgtablesBytes: pgtablesBytes ?? 0
    })
    if (nrPmds !== undefined) mm.nrPmds = nrPmds
    state.mms.set(p.mmId, mm)
  }
  state.processes.push(p)
  return p
}

/**
 * A deep copy of `state` (for what-if replays): every process, thread, mm, VMA and memcg is
 * copied, and the mm Map is again a VersionedMap so the scan can keep its index.
 */
export function cloneState(state: OomState): OomState {
  const copy = structuredClone(state)
  const mms = new VersionedMap<number, Mm>()
  for (const [id, mm] of copy.mms) mms.set(id, mm)
  copy.mms = mms
  return copy
}
