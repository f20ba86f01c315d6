/**
 * @module `oomkit scores` output: the ranked text table (with the next victim marked globally
 * and per limited memory cgroup); the `--json` document is `scores-json.ts`.
 */
import pc from 'picocolors'
import type { CgroupVerdict, Ranking, RankedProcess } from './ranking.ts'
import { formatBytes, formatPages } from './format-size.ts'

/** Options of the text table. */
export interface TableOptions {
  /** Colour (TTY without NO_COLOR). */
  color: boolean
  /** Include processes without an mm (kernel threads, zombies). */
  all: boolean
  /** Maximum number of process rows (undefined = all). */
  rows?: number
  /** Terminal width; long cells are cut to fit (undefined = no limit). */
  width?: number
  /** Heading line (source and time). */
  title?: string
}

function pad(s: string, n: number, right = false): string {
  if (s.length > n) return s.slice(0, n)
  return right ? s.padStart(n) : s.padEnd(n)
}

function verdictLine(v: CgroupVerdict): string {
  let victim = v.victim ? `next victim ${v.victim.pid} (${v.victim.comm})` : 'no eligible victim'
  // mem_cgroup_get_oom_group(): with memory.oom.group the whole group goes with the victim.
  if (v.victim && v.oomGroup) victim += ' with every task of the group (memory.oom.group)'
  // v1 oom_kill_disable: the OOM killer is not invoked; tasks wait for memory instead.
  if (v.oomKillDisable) victim = `none: oom_kill_disable set, tasks would wait (else ${victim})`
  return (
    `  ${v.path}  limit ${formatPages(v.limitPages)}  usage ${formatPages(v.usagePages)}` +
    `  headroom ${formatPages(v.headroomPages)}  -> ${victim}` +
    (v.oomKills > 0 ? `  oom_kill=${v.oomKills}` : '')
  )
}

function marker(p: RankedProcess): string {
  if (p.globalVictim && p.victimIn.length > 0) return '*+'
  if (p.globalVictim) return '* '
  if (p.victimIn.length > 0) return ' +'
  return '  '
}

/** The lines above the table: kernel and sizes, pressure, the global verdict, memcg verdicts. */
function summaryLines(r: Ranking): string[] {
  const out: string[] = []
  out.push(
    `kernel ${r.release ?? '?'} (profile ${r.profile})  RAM ${formatPages(r.ramPages)}  swap ${formatPages(r.swapPages)}  totalpages ${r.ramPages + r.swapPages}`
  )
  const g = r.global.victim
  const context = [
    r.memAvailableKb === null ? '' : `MemAvailable ${formatBytes(r.memAvailableKb * 1024)}`,
    r.psiSomeAvg10 === null
      ? ''
      : `PSI some ${r.psiSomeAvg10.toFixed(2)}% full ${(r.psiFullAvg10 ?? 0).toFixed(2)}%`,
    `oom_kill ${r.vmOomKill}`
  ].filter(Boolean)
  out.push(context.join('  '))
  const action =
    r.global.action === 'panic'
      ? 'PANIC (vm.panic_on_oom); otherwise '
      : r.global.action === 'kill-allocating-task'
        ? 'kills the allocating task (vm.oom_kill_allocating_task); failing that, '
        : ''
  out.push(
    `global OOM: ${action}${g ? `next victim ${g.pid} (${g.comm}), ${g.points} points` : 'no eligible victim'} among ${r.global.candidates} candidates`
  )
  if (r.cgroups.length > 0) {
    out.push('memory cgroups with a limit:')
    for (const v of r.cgroups) out.push(verdictLine(v))
  }
  const compared = r.processes.filter(p => p.kernelOomScore !== null).length
  out.push(
    `predicted oom_score = kernel's for ${compared - mismatches(r)}/${compared} processes` +
      (r.vanished.length > 0 ? `; ${r.vanished.length} exited during the scan` : '') +
      '   (* next global victim, + next victim of a limited memory cgroup)'
  )
  return out
}

/** Processes whose kernel oom_score differs from the prediction. */
function mismatches(r: Ranking): number {
  return r.processes.filter(p => differs(p)).length
}

function differs(p: RankedProcess): boolean {
  return p.kernelOomScore !== null && p.kernelOomScore !== p.predictedOomScore
}

const HEADER =
  '   ' +
  [
    pad('PID', 7, true),
    pad('COMM', 15),
    pad('USER', 8),
    pad('RSS', 6, true),
    pad('SWAP', 6, true),
    pad('PGTBL', 6, true),
    pad('ADJ', 5, true),
    pad('BADNESS', 10, true),
    pad('SCORE', 5, true),
    pad('KERNEL', 6, true),
    'CGROUP'
  ].join(' ')

/** One process row ("!" after a kernel score that differs from the prediction). */
function processRow(p: RankedProcess): string {
  const badness = p.badness.eligible ? String(p.badness.points) : p.badness.reason
  const kernel = p.kernelOomScore === null ? '-' : String(p.kernelOomScore)
  return (
    marker(p) +
    ' ' +
    [
      pad(String(p.pid), 7, true),
      pad(p.comm, 15),
      pad(p.user, 8),
      pad(formatPages(p.rssPages), 6, true),
      pad(formatPages(p.swapPages), 6, true),
      pad(formatPages(p.pgtablesPages), 6, true),
      pad(String(p.oomScoreAdj), 5, true),
      pad(badness, 10, true),
      pad(String(p.predictedOomScore), 5, true),
      pad(kernel + (differs(p) ? '!' : ''), 6, true),
      p.memcg
    ].join(' ')
  )
}

/** The table as lines (no trailing newline). */
export function renderScoresTable(r: Ranking, o: TableOptions): string[] {
  const fit = (s: string): string =>
    o.width !== undefined && s.length > o.width ? s.slice(0, o.width) : s
  const bold = (s: string): string => (o.color ? pc.bold(fit(s)) : fit(s))
  const red = (s: string): string => (o.color ? pc.red(fit(s)) : fit(s))
  const out: string[] = []
  if (o.title) out.push(bold(o.title))
  out.push(...summaryLines(r).map(fit), '', bold(HEADER))
  const shown = r.processes.filter(p => o.all || p.points !== null || p.rssPages > 0)
  const rows = o.rows === undefined ? shown : shown.slice(0, Math.max(0, o.rows))
  for (const p of rows) {
    const line = processRow(p)
    out.push(differs(p) ? red(line) : p.globalVictim ? bold(line) : fit(line))
  }
  if (rows.length < shown.length) out.push(`   ... ${shown.length - rows.length} more`)
  return out
}
