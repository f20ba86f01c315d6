/**
 * @module Check 3: from the values the kernel printed, the printer (src/kernel/printk) renders
 * the kernel's task table (both header lines and every row), the oom-kill summary line and the
 * "Killed process" line byte for byte. The values are read back with the harness's own small
 * parser (conformance/kernel-report.ts), not the explain parser under test.
 */
import type { KilledInfo, OomReportData, TaskRow } from '../../src/kernel/oom-report.ts'
import type { KernelProfile } from '../../src/kernel/profiles.ts'
import type { Constraint } from '../../src/kernel/types.ts'
import type { ReportRun } from '../case-run.ts'
import type { KernelKill, KernelSummary, KernelTaskRow } from '../kernel-report.ts'
import type { CheckResult, Disagreement } from './types.ts'

/** The printer functions this check needs (loaded lazily: they may not exist yet). */
interface Printer {
  renderTaskTable(rows: readonly TaskRow[], profile: KernelProfile): string[]
  renderSummaryLine(r: OomReportData, profile: KernelProfile): string | null
  renderKilledLine(k: KilledInfo, profile: KernelProfile): string
}

async function loadPrinter(): Promise<Printer | string> {
  const table = '../../src/kernel/printk/task-table.ts'
  const kill = '../../src/kernel/printk/kill-lines.ts'
  try {
    const t = (await import(table)) as Partial<Printer>
    const k = (await import(kill)) as Partial<Printer>
    if (typeof t.renderTaskTable !== 'function') return 'renderTaskTable missing'
    if (typeof k.renderSummaryLine !== 'function') return 'renderSummaryLine missing'
    if (typeof k.renderKilledLine !== 'function') return 'renderKilledLine missing'
    return {
      renderTaskTable: t.renderTaskTable,
      renderSummaryLine: k.renderSummaryLine,
      renderKilledLine: k.renderKilledLine
    }
  } catch (e) {
    return `cannot load the printer: ${(e as Error).message.split('\n')[0]}`
  }
}

/** TaskRow from the kernel's printed values. */
export function taskRowFromKernel(r: KernelTaskRow): TaskRow {
  return {
    pid: r.pid,
    uid: r.uid,
    tgid: r.tgid,
    totalVm: r.totalVm,
    rss: r.rss,
    rssAnon: r.rssAnon,
    rssFile: r.rssFile,
    rssShmem: r.rssShmem,
    pgtablesBytes: r.pgtablesBytes,
    nrPtes: Math.floor(r.pgtablesBytes / 4096),
    nrPmds: 0,
    swapEnts: r.swapEnts,
    oomScoreAdj: r.oomScoreAdj,
    comm: r.comm
  }
}

const nodeList = (s: string): number[] => {
  const out: number[] = []
  for (const part of s.split(',').filter(x => x !== '')) {
    const [a, b] = part.split('-').map(Number)
    for (let i = a!; i <= (b ?? a!); i++) out.push(i)
  }
  return out
}

/** An OomReportData carrying exactly what the summary line prints. */
export function summaryReport(s: KernelSummary, k: KernelKill): OomReportData {
  return {
    trigger: {
      comm: '',
      pid: 0,
      uid: 0,
      gfpMask: 0,
      order: 0,
      oomScoreAdj: 0,
      nodemask: null,
      cpuset: s.cpuset,
      memsAllowed: nodeList(s.memsAllowed)
    },
    kernelRelease: '',
    hardware: null,
    cpu: 0,
    constraint: s.constraint as Constraint,
    nodemask: s.nodemask === '(null)' ? null : nodeList(s.nodemask),
    showMem: null,
    memcgInfo: null,
    tasks: null,
    oomMemcg: s.oomMemcg,
    victim: { pid: s.pid, comm: s.task, uid: s.uid, memcg: s.taskMemcg },
    sacrifice: null,
    killed: { ...k.killed }
  }
}

/** Pair two line lists for display; differing lines are marked. */
export function sideBySide(kernel: readonly string[], ours: readonly string[]): string[][] {
  const n = Math.max(kernel.length, ours.length)
  const k: string[] = []
  const o: string[] = []
  for (let i = 0; i < n; i++) {
    const a = kernel[i] ?? '(missing)'
    const b = ours[i] ?? '(missing)'
    const mark = a === b ? ' ' : '!'
    k.push(`${mark} ${a}`)
    o.push(`${mark} ${b}`)
  }
  return [k, o]
}

/** Run check 3 on every kill of a case. */
export async function checkPrinter(run: ReportRun, profile: KernelProfile): Promise<CheckResult> {
  const printer = await loadPrinter()
  const kills = run.kills.filter(k => k.complete)
  if (typeof printer === 'string')
    return { check: 3, total: kills.length, agreed: 0, disagreements: [], unavailable: printer }
  const disagreements: Disagreement[] = []
  let agreed = 0
  run.kills.forEach((k, i) => {
    if (!k.complete) return
    const kernel = [...k.taskHeaderTexts, ...k.taskRowTexts]
    if (k.summaryText !== null) kernel.push(k.summaryText)
    kernel.push(k.killedText)
    let ours: string[]
    let problem: string | null = null
    try {
      if (k.tasks === null) {
        problem = 'the harness could not read the task rows (layout other than 6.8?)'
        ours = []
      } else {
        ours = printer.renderTaskTable(k.tasks.map(taskRowFromKernel), profile)
        if (k.summary !== null) {
          const line = printer.renderSummaryLine(summaryReport(k.summary, k), profile)
          ours.push(line ?? '(no summary line for this profile)')
        }
        ours.push(printer.renderKilledLine({ ...k.killed }, profile))
      }
    } catch (e) {
      problem = `the printer threw: ${(e as Error).message}`
      ours = []
    }
    const same =
      problem === null && ours.length === kernel.length && ours.every((l, j) => l === kernel[j])
    if (same) {
      agreed++
      return
    }
    const [kl, ol] = sideBySide(kernel, ours)
    disagreements.push({
      check: 3,
      seed: run.spec.seed,
      label: run.spec.label,
      kill: i,
      message: problem ?? `printer output differs from the kernel's lines for kill ${i + 1}`,
      kernel: kl!,
      ours: ol!
    })
  })
  return { check: 3, total: kills.length, agreed, disagreements }
}
