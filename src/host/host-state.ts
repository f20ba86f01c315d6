/**
 * @module A host reading as the engine's OomState: one Process with its own Mm per /proc entry,
 * one Memcg per memory cgroup, totals from meminfo and nodes from zoneinfo.
 *
 * Units: the state is in pages (PAGE_SIZE 4096). /proc prints kB, so counters are kB / 4;
 * the page-table term is mm_pgtables_bytes, which /proc/<pid>/status prints as VmPTE =
 * bytes >> 10, so pgtablesBytes = VmPTE * 1024 (exact: page tables are whole pages).
 */
import {
  makeMemcg,
  makeMemcgEvents,
  makeMm,
  makeProcess,
  makeState
} from '../kernel/state-builders.ts'
import type { Memcg, MemcgEvents, Mm, NodeInfo, OomState, Process } from '../kernel/types.ts'
import { PAGE_SIZE } from '../kernel/types.ts'
import type { MemcgEventCounts, MemcgReading } from '../adapters/proc/host-source.ts'
import type { HostReading, ProcessSample } from './scan.ts'

/** kB -> pages (4 kB pages). */
export function kbToPages(kb: number): number {
  return Math.floor(kb / 4)
}

function bytesToPages(bytes: number | null): number | null {
  return bytes === null ? null : Math.floor(bytes / PAGE_SIZE)
}

/** totalram_pages and total_swap_pages from /proc/meminfo (MemTotal and SwapTotal, kB). */
export function hostTotals(reading: HostReading): { ramPages: number; swapPages: number } {
  return {
    ramPages: kbToPages(reading.meminfo.MemTotal ?? 0),
    swapPages: kbToPages(reading.meminfo.SwapTotal ?? 0)
  }
}

function events(counts: MemcgEventCounts): MemcgEvents {
  const e = makeMemcgEvents()
  for (const k of Object.keys(e) as (keyof MemcgEvents)[]) e[k] = counts[k] ?? 0
  return e
}

/** A memory cgroup reading as an engine Memcg (pages). */
export function memcgFromReading(g: MemcgReading, vmSwappiness: number): Memcg {
  const ev = events(g.events)
  if (g.events.oom_kill === undefined) ev.oom_kill = g.oomKills
  return makeMemcg({
    path: g.path,
    limit: bytesToPages(g.limitBytes),
    swapLimit: bytesToPages(g.memswLimitBytes ?? g.swapMaxBytes),
    usage: Math.floor(g.usageBytes / PAGE_SIZE),
    swapUsage: Math.floor(g.swapUsageBytes / PAGE_SIZE),
    oomKillDisable: g.oomKillDisable,
    oomGroup: g.oomGroup,
    swappiness: g.swappiness ?? vmSwappiness,
    failcnt: g.failcnt,
    events: ev,
    eventsLocal: events(g.eventsLocal),
    underOom: g.underOom
  })
}

/**
 * MM_ANONPAGES/FILEPAGES/SHMEMPAGES for the engine, such that their sum is get_mm_rss() as
 * oom_badness() reads it. Since 6.16 /proc/<pid>/status prints exact sums of the per-CPU
 * counters while oom_badness() (and /proc/<pid>/stat's rss) read the approximate global value;
 * they differ by up to the per-CPU batch per counter, enough to move oom_score by one near a
 * boundary. The difference is folded into anon (then file) so the split stays as printed.
 */
export function rssCounters(s: ProcessSample): { anon: number; file: number; shmem: number } {
  let anon = kbToPages(s.rssAnonKb)
  let file = kbToPages(s.rssFileKb)
  let shmem = kbToPages(s.rssShmemKb)
  if (s.mmRssPages === null) return { anon, file, shmem }
  anon += s.mmRssPages - (anon + file + shmem)
  if (anon < 0) {
    file += anon
    anon = 0
  }
  if (file < 0) {
    shmem = Math.max(0, shmem + file)
    file = 0
  }
  return { anon, file, shmem }
}

/**
 * What get_mm_counter() lags behind /proc/PID/status's exact split on a kernel whose status reads
 * get_mm_counter_sum() (profile alloc.procRssExact, 6.16+): status less rssCounters(), i.e. the
 * difference to stat's get_mm_rss() taken from anon first, then file, then shmem (the same rule
 * `scores` uses). Null when nothing lags or stat was not read.
 */
export function rssPending(s: ProcessSample): { anon: number; file: number; shmem: number } | null {
  if (s.mmRssPages === null) return null
  const read = rssCounters(s)
  const p = {
    anon: kbToPages(s.rssAnonKb) - read.anon,
    file: kbToPages(s.rssFileKb) - read.file,
    shmem: kbToPages(s.rssShmemKb) - read.shmem
  }
  return p.anon === 0 && p.file === 0 && p.shmem === 0 ? null : p
}

/**
 * One process sample as an engine Process (and its Mm, null without an mm). A vfork child has
 * no mm of its own: it uses its parent's (copy_mm() with CLONE_VM, kernel/fork.c) and is
 * in_vfork() until it execs or exits.
 */
export function processFromSample(s: ProcessSample): { process: Process; mm: Mm | null } {
  const process = makeProcess(processFields(s))
  if (!s.hasMm || s.vforkParent !== null) return { process, mm: null }
  const { anon, file, shmem } = rssCounters(s)
  const mm = makeMm({
    id: s.pid,
    anon,
    file,
    shmem,
    swapEnts: kbToPages(s.vmSwapKb),
    totalVm: kbToPages(s.vmSizeKb),
    // VmPTE is mm_pgtables_bytes >> 10 (task_mem()); page tables are whole pages, so exact.
    pgtablesBytes: s.vmPteKb * 1024
  })
  return { process, mm }
}

function processFields(s: ProcessSample): Partial<Process> & { pid: number } {
  return {
    pid: s.pid,
    comm: s.comm,
    ppid: s.ppid,
    uid: s.uid,
    capSysAdmin: s.capSysAdmin,
    capSysResource: s.capSysResource,
    kthread: s.kthread,
    mmId: s.hasMm ? (s.vforkParent ?? s.pid) : null,
    inVfork: s.hasMm && s.vforkParent !== null,
    oomScoreAdj: s.oomScoreAdj,
    memcg: s.memcg
  }
}

/** NUMA nodes from zoneinfo (present/spanned summed over the node's zones). */
export function nodesFromReading(reading: HostReading, ramPages: number): NodeInfo[] {
  const byNode = new Map<number, NodeInfo>()
  for (const z of reading.zones) {
    const n = byNode.get(z.node) ?? { id: z.node, presentPages: 0, spannedPages: 0 }
    n.presentPages += z.present
    n.spannedPages += z.spanned
    byNode.set(z.node, n)
  }
  if (byNode.size === 0) return [{ id: 0, presentPages: ramPages, spannedPages: ramPages }]
  return [...byNode.values()].sort((a, b) => a.id - b.id)
}

/** The engine state for a host reading. Process order is /proc order (ascending pid). */
export function buildOomState(reading: HostReading): OomState {
  const { ramPages, swapPages } = hostTotals(reading)
  const processes: Process[] = []
  const mms: Mm[] = []
  for (const s of reading.processes) {
    const { process, mm } = processFromSample(s)
    processes.push(process)
    if (mm) mms.push(mm)
  }
  const swappiness = reading.sysctls.swappiness ?? 60
  const memcgs = (reading.memcgs?.groups ?? []).map(g => memcgFromReading(g, swappiness))
  const panic = reading.sysctls.panicOnOom ?? 0
  return makeState({
    processes,
    mms,
    memcgs,
    cgroupVersion: reading.memcgs?.version ?? 2,
    nodes: nodesFromReading(reading, ramPages),
    totalRamPages: ramPages,
    totalSwapPages: swapPages,
    sysctl: {
      panicOnOom: panic === 1 || panic === 2 ? panic : 0,
      oomKillAllocatingTask: (reading.sysctls.oomKillAllocatingTask ?? 0) !== 0,
      oomDumpTasks: (reading.sysctls.oomDumpTasks ?? 1) !== 0
    },
    vmOomKill: reading.vmstat.oom_kill ?? 0
  })
}
