/**
 * @module What /proc says about one process just before the OOM: the status counters the
 * kernel's badness reads (kB as /proc prints them, converted to pages), the thread list,
 * oom_score and oom_score_adj. The harness takes it through the host reader (src/adapters/proc)
 * and cross-checks it against a direct read of /proc here, so a reader bug shows up as such.
 */
import { readFileSync, readdirSync } from 'node:fs'
import type { HostSource, Read } from '../src/adapters/proc/host-source.ts'

/** One process as /proc shows it. Memory in pages (4 KiB), pgtables in bytes. */
export interface ProcSnapshot {
  pid: number
  ppid: number
  comm: string
  uid: number
  /** VmSize (total_vm). */
  totalVm: number
  rssAnon: number
  rssFile: number
  rssShmem: number
  /** /proc/<pid>/stat's rss (field 24): get_mm_rss(), the sum of the counters the OOM killer
   * reads (get_mm_counter(): approximate since 6.2), where status prints exact sums (6.16+). */
  statRss?: number
  /** VmSwap (MM_SWAPENTS). */
  swapEnts: number
  /** VmPTE in bytes (mm_pgtables_bytes). */
  pgtablesBytes: number
  /** CapEff has CAP_SYS_ADMIN (bit 21) / CAP_SYS_RESOURCE (bit 24). */
  capSysAdmin: boolean
  capSysResource: boolean
  threads: { tid: number; comm: string }[]
  oomScore: number
  oomScoreAdj: number
  /** Memory cgroup path (v1 `memory` line or the v2 `0::` line). */
  memcg: string
}

/** The fields of /proc/<pid>/status as a map of raw strings. */
export function parseStatus(text: string): Map<string, string> {
  const m = new Map<string, string>()
  for (const line of text.split('\n')) {
    const i = line.indexOf(':')
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1).trim())
  }
  return m
}

function kbToPages(v: string | undefined): number {
  if (v === undefined) return 0
  return Math.floor(Number(v.replace(/\s*kB$/, '')) / 4)
}

function capBit(hex: string | undefined, bit: number): boolean {
  if (hex === undefined) return false
  return ((BigInt(`0x${hex}`) >> BigInt(bit)) & 1n) === 1n
}

/** The memory cgroup path from /proc/<pid>/cgroup text. */
export function memcgFromCgroupFile(text: string, version: 1 | 2): string {
  for (const line of text.split('\n')) {
    const [, ctrls, path] = line.split(':')
    if (path === undefined) continue
    if (version === 1 && ctrls!.split(',').includes('memory')) return path
    if (version === 2 && line.startsWith('0::')) return path
  }
  return '/'
}

/** Field 24 (rss) of /proc/<pid>/stat text; the comm field may hold spaces and parentheses. */
export function statRssField(text: string): number {
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[21])
}

/** Read one process; throws if it vanished meanwhile. */
export function readProc(pid: number, cgroupVersion: 1 | 2): ProcSnapshot {
  const dir = `/proc/${pid}`
  const st = parseStatus(readFileSync(`${dir}/status`, 'utf8'))
  const threads = readdirSync(`${dir}/task`)
    .map(Number)
    .sort((a, b) => a - b)
    .map(tid => {
      let comm = ''
      try {
        comm = readFileSync(`${dir}/task/${tid}/comm`, 'utf8').replace(/\n$/, '')
      } catch {
        // thread exited meanwhile
      }
      return { tid, comm }
    })
  return {
    pid,
    ppid: Number(st.get('PPid')),
    comm: readFileSync(`${dir}/comm`, 'utf8').replace(/\n$/, ''),
    uid: Number((st.get('Uid') ?? '0').split(/\s+/)[0]),
    totalVm: kbToPages(st.get('VmSize')),
    rssAnon: kbToPages(st.get('RssAnon')),
    rssFile: kbToPages(st.get('RssFile')),
    rssShmem: kbToPages(st.get('RssShmem')),
    statRss: statRssField(readFileSync(`${dir}/stat`, 'utf8')),
    swapEnts: kbToPages(st.get('VmSwap')),
    pgtablesBytes: Number((st.get('VmPTE') ?? '0').replace(/\s*kB$/, '')) * 1024,
    capSysAdmin: capBit(st.get('CapEff'), 21),
    capSysResource: capBit(st.get('CapEff'), 24),
    threads,
    oomScore: Number(readFileSync(`${dir}/oom_score`, 'utf8')),
    oomScoreAdj: Number(readFileSync(`${dir}/oom_score_adj`, 'utf8')),
    memcg: memcgFromCgroupFile(readFileSync(`${dir}/cgroup`, 'utf8'), cgroupVersion)
  }
}

/** totalram_pages and total_swap_pages from /proc/meminfo (MemTotal, SwapTotal in kB). */
export function readMemTotals(): { totalRamPages: number; totalSwapPages: number } {
  const m = parseStatus(readFileSync('/proc/meminfo', 'utf8'))
  return {
    totalRamPages: kbToPages(m.get('MemTotal')),
    totalSwapPages: kbToPages(m.get('SwapTotal'))
  }
}

/** Is the process gone (no /proc entry, or a zombie)? */
export function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state === 'Z' || state === 'X'
  } catch {
    return true
  }
}

/**
 * The same snapshot through the host reader (src/adapters/proc, what `oomkit scores` uses),
 * with the thread list read directly. Throws when a read fails.
 */
export function readProcFromHost(src: HostSource, pid: number, cgroupVersion: 1 | 2): ProcSnapshot {
  const need = <T>(r: Read<T>, what: string): T => {
    if (!r.ok) throw new Error(`host reader: /proc/${pid}/${what}: ${r.why}`)
    return r.value
  }
  const st = need(src.procStatus(pid), 'status')
  const cg = need(src.procCgroup(pid), 'cgroup')
  const memLine =
    cgroupVersion === 1
      ? cg.find(l => l.controllers.includes('memory'))
      : cg.find(l => l.hierarchy === 0)
  const pages = (kb: number | null): number => Math.floor((kb ?? 0) / 4)
  return {
    pid,
    ppid: st.ppid,
    comm: st.name,
    uid: st.uid[0],
    totalVm: pages(st.vmSizeKb),
    rssAnon: pages(st.rssAnonKb),
    rssFile: pages(st.rssFileKb),
    rssShmem: pages(st.rssShmemKb),
    statRss: need(src.procStat(pid), 'stat').rssPages,
    swapEnts: pages(st.vmSwapKb),
    pgtablesBytes: (st.vmPteKb ?? 0) * 1024,
    capSysAdmin: ((st.capEff >> 21n) & 1n) === 1n,
    capSysResource: ((st.capEff >> 24n) & 1n) === 1n,
    threads: need(src.procTasks(pid), 'task').map(t => ({ tid: t.tid, comm: t.comm })),
    oomScore: need(src.procOomScore(pid), 'oom_score'),
    oomScoreAdj: need(src.procOomScoreAdj(pid), 'oom_score_adj'),
    memcg: memLine?.path ?? '/'
  }
}

/** Fields where two snapshots of the same (idle) process differ, as "field: a vs b". */
export function snapshotDiff(a: ProcSnapshot, b: ProcSnapshot): string[] {
  const out: string[] = []
  for (const k of Object.keys(a) as (keyof ProcSnapshot)[]) {
    const x = JSON.stringify(a[k])
    const y = JSON.stringify(b[k])
    if (x !== y) out.push(`${k}: ${x} vs ${y}`)
  }
  return out
}
