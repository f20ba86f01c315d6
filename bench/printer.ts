/**
 * @module Printer benchmark: rendering speed of the kernel's OOM text. Figures: formatGfp calls
 * per second (6.11 and 6.18 tables), task rows per second (6.8 layout), and the time in ms to
 * render a whole 6.11 global report with a 10,000-task table (median of 7 runs).
 */
import { performance } from 'node:perf_hooks'
import { formatGfp } from '../src/kernel/gfp.ts'
import type { OomReportData, TaskRow } from '../src/kernel/oom-report.ts'
import { renderOomReport, renderTaskRow } from '../src/kernel/printk/index.ts'
import { profiles } from '../src/kernel/profiles.ts'

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

function perSecond(n: number, fn: (i: number) => void): number {
  const t0 = performance.now()
  for (let i = 0; i < n; i++) fn(i)
  return Math.round(n / ((performance.now() - t0) / 1000))
}

function taskRow(i: number): TaskRow {
  return {
    pid: 1000 + i,
    uid: i % 3 === 0 ? 0 : 1000,
    tgid: 1000 + i,
    totalVm: 10_000 + i * 7,
    rss: 5_000 + i * 3,
    rssAnon: 4_000 + i * 2,
    rssFile: 1_000 + i,
    rssShmem: i % 5,
    pgtablesBytes: 65_536 + (i % 64) * 4096,
    nrPtes: 0,
    nrPmds: 0,
    swapEnts: i % 11,
    oomScoreAdj: (i % 2001) - 1000,
    comm: `worker-${i % 97}`
  }
}

export function bench(): Promise<Record<string, number>> {
  const p611 = profiles['6.11']!
  const p618 = profiles['6.18']!
  const masks = [0x440dc0, 0xcc0, 0x140cca, 0x100cca, 0x2800, 0x1000cc0, 0x0, 0x820]
  const gfp611 = perSecond(200_000, i => formatGfp(masks[i % masks.length]!, p611))
  const gfp618 = perSecond(200_000, i => formatGfp(masks[i % masks.length]!, p618))
  const rows = perSecond(200_000, i => renderTaskRow(taskRow(i), p611))
  const report: OomReportData = {
    trigger: {
      comm: 'hog',
      pid: 1000,
      uid: 0,
      gfpMask: 0x140cca,
      order: 0,
      oomScoreAdj: 0,
      nodemask: null,
      cpuset: '/',
      memsAllowed: [0]
    },
    kernelRelease: '6.11.0',
    hardware: null,
    cpu: 0,
    constraint: 'CONSTRAINT_NONE',
    nodemask: null,
    showMem: null,
    memcgInfo: null,
    tasks: Array.from({ length: 10_000 }, (_, i) => taskRow(i)),
    oomMemcg: null,
    victim: { pid: 1000, comm: 'hog', uid: 0, memcg: '/' },
    sacrifice: null,
    killed: null
  }
  const times: number[] = []
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now()
    renderOomReport(report, p611)
    times.push(performance.now() - t0)
  }
  return Promise.resolve({
    'printer.formatGfp_6.11_per_s': gfp611,
    'printer.formatGfp_6.18_per_s': gfp618,
    'printer.taskRow_6.8_per_s': rows,
    'printer.report_10k_tasks_ms': Math.round(median(times) * 100) / 100
  })
}
