/**
 * @module `oomkit scores` output: the ranked text table (with the next victim marked globally
 * and per limited memory cgroup) and the `--json` document.
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

/** The table as lines (no trailing newline). */
export function renderScoresTable(r: Ranking, o: TableOptions): string[] {
  const out: string[] = []
  const fit = (s: string): string =>
    o.width !== undefined && s.length > o.width ? s.slice(0, o.width) : s
  const bold = (s: string): string => (o.color ? pc.bold(fit(s)) : fit(s))
  const red = (s: string): string => (o.color ? pc.red(fit(s)) : fit(s))
  const push = (s: string): void => {
    out.push(fit(s))
  }
  if (o.title) out.push(bold(o.title))
  push(
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
  push(context.join('  '))
  const action =
    r.global.action === 'panic'
      ? 'PANIC (vm.panic_on_oom); otherwise '
      : r.global.action === 'kill-allocating-task'
        ? 'kills the allocating task (vm.oom_kill_allocating_task); failing that, '
        : ''
  push(
    `global OOM: ${action}${g ? `next victim ${g.pid} (${g.comm}), ${g.points} points` : 'no eligible victim'} among ${r.global.candidates} candidates`
  )
  if (r.cgroups.length > 0) {
    push('memory cgroups with a limit:')
    for (const v of r.cgroups) push(verdictLine(v))
  }
  const shown = r.processes.filter(p => o.all || p.points !== null || p.rssPages > 0)
  const mismatches = r.processes.filter(
    p => p.kernelOomScore !== null && p.kernelOomScore !== p.predictedOomScore
  ).length
  const compared = r.processes.filter(p => p.kernelOomScore !== null).length
  push(
    `predicted oom_score = kernel's for ${compared - mismatches}/${compared} processes` +
      (r.vanished.length > 0 ? `; ${r.vanished.length} exited during the scan` : '') +
      '   (* next global victim, + next victim of a limited memory cgroup)'
  )
  out.push('')
  out.push(
    bold(
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
    )
  )
  const rows = o.rows === undefined ? shown : shown.slice(0, Math.max(0, o.rows))
  for (const p of rows) {
    const badness = p.badness.eligible ? String(p.badness.points) : p.badness.reason
    const kernel = p.kernelOomScore === null ? '-' : String(p.kernelOomScore)
    const differs = p.kernelOomScore !== null && p.kernelOomScore !== p.predictedOomScore
    const line =
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
        pad(kernel + (differs ? '!' : ''), 6, true),
        p.memcg
      ].join(' ')
    out.push(differs ? red(line) : p.globalVictim ? bold(line) : fit(line))
  }
  if (rows.length < shown.length) out.push(`   ... ${shown.length - rows.length} more`)
  return out
}

/** The `--json` document. */
export function scoresJson(r: Ranking): unknown {
  return {
    processes: r.processes.map(p => ({
      pid: p.pid,
      comm: p.comm,
      user: p.user,
      uid: p.uid,
      state: p.state,
      kthread: p.kthread,
      cgroup: p.memcg,
      rssPages: p.rssPages,
      swapPages: p.swapPages,
      pgtablesPages: p.pgtablesPages,
      oomScoreAdj: p.oomScoreAdj,
      eligible: p.badness.eligible,
      ineligibleReason: p.badness.eligible ? null : p.badness.reason,
      badness: p.points,
      predictedOomScore: p.predictedOomScore,
      kernelOomScore: p.kernelOomScore,
      nextVictim: { global: p.globalVictim, cgroups: p.victimIn }
    })),
    global: {
      release: r.release,
      profile: r.profile,
      ramPages: r.ramPages,
      swapPages: r.swapPages,
      totalPages: r.global.totalPages,
      candidates: r.global.candidates,
      victim: r.global.victim,
      action: r.global.action,
      memAvailableKb: r.memAvailableKb,
      psiSomeAvg10: r.psiSomeAvg10,
      psiFullAvg10: r.psiFullAvg10,
      vmOomKill: r.vmOomKill
    },
    cgroups: r.cgroups.map(c => ({
      path: c.path,
      limitPages: c.limitPages,
      usagePages: c.usagePages,
      headroomPages: c.headroomPages,
      swapLimitPages: c.swapLimitPages,
      totalPages: c.totalPages,
      oomKillDisable: c.oomKillDisable,
      oomGroup: c.oomGroup,
      oomKills: c.oomKills,
      candidates: c.candidates,
      victim: c.victim
    })),
    vanished: r.vanished
  }
}
