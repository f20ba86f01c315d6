/**
 * @module Whole-command figures: each is `oomkit ...` run as a user runs it (a new process from
 * bin/oomkit.js and the built bundle in dist/), alternated round by round with its peer in the
 * same run; medians, the interquartile range as `_spread_`, CPU (user + system) and peak RSS.
 * See bench/README.md for every figure and its peer.
 *   startup: node_startup (`node -e 0`), help_cli (`oomkit --help`), simulate_default_cli
 *   explain: a ~200 MB syslog with one OOM report per MB, and one without any report, against
 *            `grep -c` and (where installed) `rg -c`
 *            and 1 GB of it piped to `explain -` (time and peak RSS)
 *   scores:  `oomkit scores` against `ps -e` at the host's size, then with 2,000 more processes
 * BENCH_CLI_BEFORE=/path/to/other/bin/oomkit.js adds `*_before` figures for another build, run in
 * the same alternation (before/after comparisons of a change).
 */
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { buildBundle } from '../scripts/build.ts'
import {
  alternate,
  type Command,
  figures,
  installed,
  repoRoot,
  round3,
  median,
  type Sample,
  throughput
} from './lib/measure.ts'
import { startSleepers } from './lib/sleepers.ts'
import { MB, makeLog } from './lib/syslog.ts'

const quick = process.env.BENCH_QUICK === '1'
const node = process.execPath
const oomkit = join(repoRoot, 'bin/oomkit.js')
const before = process.env.BENCH_CLI_BEFORE

const ratio = (a: Sample[], b: Sample[]): number =>
  round3(median(a.map(s => s.wallMs)) / median(b.map(s => s.wallMs)))

function startup(): Record<string, number> {
  const cmds: Record<string, Command> = {
    node_startup: { cmd: node, args: ['-e', '0'] },
    help_cli: { cmd: node, args: [oomkit, '--help'] },
    simulate_default_cli: { cmd: node, args: [oomkit, 'simulate'] }
  }
  if (before) {
    cmds.help_cli_before = { cmd: node, args: [before, '--help'] }
    cmds.simulate_default_cli_before = { cmd: node, args: [before, 'simulate'] }
  }
  const s = alternate(cmds, quick ? 5 : 9)
  const out: Record<string, number> = {}
  for (const [name, samples] of Object.entries(s)) Object.assign(out, figures(name, samples))
  out.help_cli_vs_node = ratio(s.help_cli!, s.node_startup!)
  out.simulate_default_cli_vs_node = ratio(s.simulate_default_cli!, s.node_startup!)
  return out
}

/** explain on `path` against grep -c (and rg -c) on the same file, as `prefix*` figures. */
function explainAgainstGrep(prefix: string, path: string, rounds: number): Record<string, number> {
  const mb = statSync(path).size / MB
  const pattern = 'invoked oom-killer'
  const cmds: Record<string, Command> = {
    explain: { cmd: node, args: [oomkit, 'explain', '--json', path] },
    grep: { cmd: 'grep', args: ['-c', pattern, path], ok: [0, 1] }
  }
  if (installed('rg')) cmds.rg = { cmd: 'rg', args: ['-c', pattern, path], ok: [0, 1] }
  const s = alternate(cmds, rounds)
  const names: Record<string, string> = {
    explain: `explain${prefix}_cli`,
    grep: `grep_c${prefix}`,
    rg: `rg_c${prefix}`
  }
  const out: Record<string, number> = {}
  for (const [key, samples] of Object.entries(s))
    Object.assign(out, throughput(names[key]!, samples, mb))
  out[`explain${prefix}_cli_vs_grep`] = ratio(s.explain!, s.grep!)
  out[`explain${prefix}_log_mb`] = Math.round(mb)
  return out
}

/**
 * `cat FILE x5 | oomkit explain --json -`: 1 GB on stdin, with one report per MB and without any;
 * the peak RSS is the largest of the pipeline's processes (wait4 reports the reaped children's).
 */
function explainStdin(withReports: string, noReports: string): Record<string, number> {
  const piped = (path: string): Command => ({
    cmd: 'sh',
    args: ['-c', `cat ${Array(5).fill(path).join(' ')} | "${node}" "${oomkit}" explain --json -`]
  })
  const s = alternate({ reports: piped(withReports), noreport: piped(noReports) }, quick ? 1 : 2)
  const out: Record<string, number> = {}
  for (const [key, name] of [
    ['reports', 'explain_stdin_1g'],
    ['noreport', 'explain_stdin_1g_noreport']
  ] as const) {
    const f = figures(name, s[key]!)
    out[`${name}_ms`] = f[`${name}_ms`]!
    out[`${name}_rss_mb`] = f[`${name}_rss_mb`]!
  }
  return out
}

async function scores(): Promise<Record<string, number>> {
  const cmds: Record<string, Command> = {
    scores_cli: { cmd: node, args: [oomkit, 'scores'] },
    ps_e: { cmd: 'ps', args: ['-e'] }
  }
  if (before) cmds.scores_cli_before = { cmd: node, args: [before, 'scores'] }
  const rounds = quick ? 3 : 5
  const out: Record<string, number> = {}
  const host = alternate(cmds, rounds)
  for (const [name, samples] of Object.entries(host)) Object.assign(out, figures(name, samples))
  out.scores_cli_vs_ps = ratio(host.scores_cli!, host.ps_e!)
  const sleepers = await startSleepers(2000)
  try {
    const big = alternate(cmds, rounds)
    for (const [name, samples] of Object.entries(big))
      Object.assign(out, figures(`${name}_2k`, samples))
    out.scores_cli_2k_vs_ps = ratio(big.scores_cli!, big.ps_e!)
    const cpuVsPs = (samples: Sample[]): number =>
      round3(median(samples.map(x => x.cpuMs)) / median(big.ps_e!.map(x => x.cpuMs)))
    out.scores_cli_2k_cpu_vs_ps = cpuVsPs(big.scores_cli!)
    if (big.scores_cli_before) out.scores_cli_before_2k_cpu_vs_ps = cpuVsPs(big.scores_cli_before)
  } finally {
    await sleepers.stop()
  }
  return out
}

export async function bench(): Promise<Record<string, number>> {
  if (!existsSync(join(repoRoot, 'dist/cli.js'))) await buildBundle(join(repoRoot, 'dist'))
  const withReports = makeLog(200 * MB, MB)
  const noReports = makeLog(200 * MB, 0)
  const rounds = quick ? 2 : 3
  return {
    ...startup(),
    ...explainAgainstGrep('', withReports.path, rounds),
    ...explainAgainstGrep('_noreport', noReports.path, rounds),
    ...explainStdin(withReports.path, noReports.path),
    ...(await scores())
  }
}
