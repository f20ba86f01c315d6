/**
 * @module The parsed event as the shared `OomReportData` the engine fills and the printer
 * renders: `partialReportData` keeps what the text lacked as null; `toOomReportData` fills the
 * gaps with neutral defaults (0, "/", node 0) so the printer can render it again, which is how
 * `render(parse(text))` is checked against the original lines.
 */
import type { KilledInfo, OomReportData, OomTrigger } from '../kernel/oom-report.ts'
import { emptyShowMem } from './empty-mem.ts'
import type { OomEvent, PartialReportData } from './oom-event.ts'

/** The event's data in the OomReportData shape; null where the text did not carry it. */
export function partialReportData(e: OomEvent): PartialReportData {
  const d = toOomReportData(e)
  return {
    trigger: e.trigger ? (d?.trigger ?? null) : null,
    kernelRelease: e.kernelRelease,
    hardware: e.hardware,
    cpu: e.cpu,
    constraint: e.constraint,
    nodemask: e.summary?.nodemask ?? null,
    showMem: d?.showMem ?? null,
    memcgInfo: e.memcgInfo,
    tasks: e.tasks,
    oomMemcg: e.summary?.oomMemcg ?? null,
    victim: d?.victim ?? null,
    sacrifice: d?.sacrifice ?? null,
    killed: d?.killed ?? null
  }
}

function killedInfo(k: OomEvent['killedLines'][number], e: OomEvent): KilledInfo {
  // Before 5.1 the Killed line had no message; the "Kill process" line carried it.
  const fallback =
    e.sacrifice?.message ||
    (e.constraint === 'CONSTRAINT_MEMCG' ? 'Memory cgroup out of memory' : 'Out of memory')
  return {
    message: k.message || fallback,
    pid: k.pid,
    comm: k.comm,
    totalVmKb: k.totalVmKb ?? 0,
    anonRssKb: k.anonRssKb ?? 0,
    fileRssKb: k.fileRssKb ?? 0,
    shmemRssKb: k.shmemRssKb ?? 0,
    uid: k.uid ?? 0,
    pgtablesKb: k.pgtablesKb ?? 0,
    oomScoreAdj: k.oomScoreAdj ?? 0
  }
}

/** A complete OomReportData for the printer (defaults for what is missing); null without a header. */
export function toOomReportData(e: OomEvent): OomReportData | null {
  const t = e.trigger
  if (!t) return null
  const trigger: OomTrigger = {
    comm: t.comm,
    pid: t.pid ?? 0,
    uid: t.uid ?? 0,
    gfpMask: t.gfpMask ?? 0,
    order: t.order ?? 0,
    oomScoreAdj: t.oomScoreAdj ?? 0,
    nodemask: t.nodemask,
    cpuset: t.cpuset ?? e.summary?.cpuset ?? '/',
    memsAllowed: t.memsAllowed ?? e.summary?.memsAllowed ?? [0]
  }
  if (t.oomAdj !== null) trigger.oomAdj = t.oomAdj
  const s = e.summary
  const victim =
    s?.pid != null && s.task !== null
      ? { pid: s.pid, comm: s.task, uid: s.uid ?? 0, memcg: s.taskMemcg ?? '/' }
      : e.victim
        ? { pid: e.victim.pid, comm: e.victim.comm, uid: 0, memcg: '/' }
        : null
  const first = e.killedLines[0]
  const data: OomReportData = {
    trigger,
    kernelRelease: e.kernelRelease ?? '',
    hardware: e.hardware,
    cpu: e.cpu ?? 0,
    constraint: e.constraint ?? 'CONSTRAINT_NONE',
    nodemask: s?.nodemask ?? null,
    showMem: e.showMem ? { ...emptyShowMem(), ...e.showMem } : null,
    memcgInfo: e.memcgInfo,
    tasks: e.tasks,
    oomMemcg:
      s?.oomMemcg ?? (e.constraint === 'CONSTRAINT_MEMCG' ? (e.memcgInfo?.oomMemcg ?? null) : null),
    victim,
    sacrifice: e.sacrifice
      ? { pid: e.sacrifice.pid, comm: e.sacrifice.comm, score: e.sacrifice.score ?? 0 }
      : null,
    killed: first ? killedInfo(first, e) : null
  }
  return data
}
