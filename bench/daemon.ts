/**
 * @module Daemon benchmarks, oomkit against earlyoom in the same run (needs root, a cgroup v1
 * memory controller, cc, unshare; earlyoom for its figures). Each killer runs as PID 1 of its own
 * PID namespace with its own hog as its only neighbour (bench/lib/pidns.ts): it can signal
 * nothing else on the host.
 * - daemon_idle_rss_mb / daemon_idle_cpu_pct, daemon_cgroup_idle_*, earlyoom_idle_*,
 *   node_floor_idle_*: `oomkit daemon` (default config), the same watching an empty 300 MiB
 *   memory cgroup (`--cgroup DIR=20%,10%`), `earlyoom` (defaults) and Node's own floor (`node -e
 *   'setInterval(() => {}, 1000)'`), side by side, idle for 60 s after a 10 s settle
 *   (BENCH_QUICK=1: 10 s after 5 s); RSS at the end, CPU = (schedstat run time, all threads) / wall;
 *   daemon_idle_rss_over_node_floor_mb (and daemon_cgroup_...) against the floor of the same run,
 *   daemon_idle_cgroup_cpu_pct = daemon_cgroup_idle_cpu_pct.
 * - daemon_reaction_ms: a hog grows 8 MiB every 10 ms in a 256 MiB v1 memory cgroup watched with
 *   a 20% headroom term stage; the hog itself notes (CLOCK_MONOTONIC) the first step after which
 *   the headroom is at or under the threshold and the moment SIGTERM arrives. Median of 10.
 * - daemon_system_reaction_ms / earlyoom_reaction_ms: the like-for-like system-wide test: size
 *   thresholds just below the current MemAvailable (300 MiB below, kill stage far lower) for
 *   both, the same hog growing 8 MiB every 10 ms, same measurement. Median of 10 each (and the
 *   interquartile range as `_spread_ms`), the two killers alternated run by run, each started
 *   afresh in its own namespace per run.
 * The daemon runs from the bundle (bin/oomkit.js), built first if dist/ has none.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildBundle } from '../scripts/build.ts'
import {
  buildHog,
  labUnavailable,
  makeCgroup,
  removeCgroup,
  repoRoot,
  tempDir
} from '../tests/daemon/cgroup-lab.ts'
import { median, round1, round3, spread } from './lib/measure.ts'
import { contain, type Contained, type HogSpec } from './lib/pidns.ts'

const MiB = 1024 * 1024
const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))
const oomkit = (args: string[]): string[] => [
  process.execPath,
  join(repoRoot, 'bin/oomkit.js'),
  'daemon',
  ...args
]
const oomkitReady = (out: string): boolean => out.includes('oomkit daemon started')
const earlyoomReady = (out: string): boolean => out.includes('SIGKILL when')

/** CPU time (ns) of all of a process's threads: schedstat's run time, since clock ticks (10 ms)
 * are coarser than the idle figures measured (0.03 % of 60 s is 18 ms). */
function cpuNs(pid: number): number {
  let ns = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    } catch {
      // the thread exited
    }
  }
  return ns
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) : Number.NaN
}

function memAvailableKb(): number {
  const m = /MemAvailable:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))
  return Number(m?.[1])
}

interface Footprint {
  rssMb: number
  cpuPct: number
}

/** RSS at the end and CPU share over `windowMs` of each PID, after `settleMs`. */
async function footprints(
  pids: number[],
  windowMs: number,
  settleMs: number
): Promise<Footprint[]> {
  // Startup work (module compilation, V8's post-startup GCs) is not idle time.
  await sleep(settleMs)
  const ns0 = pids.map(cpuNs)
  const t0 = performance.now()
  await sleep(windowMs)
  const wall = performance.now() - t0
  return pids.map((pid, i) => ({
    rssMb: rssKb(pid) / 1024,
    cpuPct: ((cpuNs(pid) - ns0[i]!) / 1e6 / wall) * 100
  }))
}

/** Idle footprints of oomkit, earlyoom (when installed) and Node's floor, measured together. */
async function idle(
  windowMs: number,
  settleMs: number,
  earlyoom: boolean
): Promise<Record<string, number>> {
  const floor = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  const running: Contained[] = []
  // The daemon again, watching an (empty) 300 MiB memory cgroup: issue 19's operator setup.
  const cg = makeCgroup(`oomkit-bench-idle-${process.pid}`, 300 * MiB)
  try {
    running.push(await contain(oomkit([]), null, oomkitReady))
    running.push(await contain(oomkit(['--cgroup', `${cg}=20%,10%`]), null, oomkitReady))
    if (earlyoom) running.push(await contain(['earlyoom'], null, earlyoomReady))
    const names = ['daemon', 'daemon_cgroup', ...(earlyoom ? ['earlyoom'] : []), 'node_floor']
    const got = await footprints([...running.map(r => r.pid), floor.pid!], windowMs, settleMs)
    const out: Record<string, number> = {}
    names.forEach((name, i) => {
      out[`${name}_idle_rss_mb`] = round1(got[i]!.rssMb)
      out[`${name}_idle_cpu_pct`] = round3(got[i]!.cpuPct)
    })
    const floorMb = got[names.length - 1]!.rssMb
    out.daemon_idle_rss_over_node_floor_mb = round1(got[0]!.rssMb - floorMb)
    out.daemon_cgroup_idle_rss_over_node_floor_mb = round1(got[1]!.rssMb - floorMb)
    // Issue 20's name for the watched-cgroup CPU figure (the same value).
    out.daemon_idle_cgroup_cpu_pct = out.daemon_cgroup_idle_cpu_pct!
    return out
  } finally {
    floor.kill('SIGKILL')
    for (const r of running) await r.stop()
    await removeCgroup(cg)
  }
}

/** Let the hog grow; the reaction (ms) from its report, or null when it is not a sample. */
async function measure(c: Contained, report: string): Promise<number | null> {
  await sleep(500) // the killer sees the idle state at its regular pace
  c.go()
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    const text = existsSync(report) ? readFileSync(report, 'utf8') : ''
    if (text.endsWith('\n')) {
      const [crossed, term] = text.trim().split(' ').map(Number)
      // crossed < 0: something else crossed the threshold first (a busy machine); not a sample.
      if (crossed === undefined || term === undefined || crossed < 0) return null
      return (term - crossed) / 1e6
    }
    await sleep(10)
  }
  return null
}

/** One contained run: the killer and its hog in a fresh namespace; the reaction in ms. */
async function oneRun(
  killer: string[],
  ready: (out: string) => boolean,
  hog: HogSpec,
  report: string
): Promise<number | null> {
  rmSync(report, { force: true })
  const c = await contain(killer, hog, ready, { HOG_WAIT: '1' })
  try {
    return await measure(c, report)
  } finally {
    await c.stop()
  }
}

/** Threshold crossed in a cgroup -> SIGTERM, median of `runs`. */
async function cgroupReaction(hog: string, work: string, runs: number): Promise<number[]> {
  const cfg = join(work, 'cgroup.yaml')
  const dir = makeCgroup(`oomkit-bench-${process.pid}`, 256 * MiB)
  const samples: number[] = []
  try {
    writeFileSync(
      cfg,
      [
        'memory: { enabled: false }',
        'cgroups:',
        `  - path: ${dir}`,
        '    available: { term: 20% }',
        'kill: { budget: { kills: 1000, window: 60s }, waitMemory: 200ms }',
        'selfProtect: { watchdog: { enabled: false } }'
      ].join('\n') + '\n'
    )
    const report = join(work, 'cg.txt')
    for (let i = 0; i < runs; i++) {
      // Grows to 240 MiB: past the 20% headroom line (~205 MiB), never to the 256 MiB limit.
      const args = ['8', '10', '240', report, 'cgroup', dir, String(Math.floor(0.2 * 256 * MiB))]
      const ms = await oneRun(
        oomkit(['-c', cfg]),
        oomkitReady,
        { path: hog, args, cgroup: dir },
        report
      )
      if (ms !== null) samples.push(ms)
    }
  } finally {
    await removeCgroup(dir)
  }
  return samples
}

/** Size thresholds just below the current MemAvailable (kB). */
function systemThresholds(): { termKb: number; killKb: number } {
  const availKb = memAvailableKb()
  return { termKb: availKb - 300 * 1024, killKb: Math.max(1, availKb - 4000 * 1024) }
}

function writeSystemConfig(file: string, t: { termKb: number; killKb: number }): void {
  writeFileSync(
    file,
    [
      `memory: { available: { term: ${t.termKb * 1024}, kill: ${t.killKb * 1024} }, combine: memory }`,
      // Only the hog may be chosen: other processes on a busy machine are never candidates.
      'choose: { rules: [ { name: "^(?!hog$)", action: ignore } ] }',
      'kill: { budget: { kills: 1000, window: 60s }, waitMemory: 200ms }',
      'selfProtect: { watchdog: { enabled: false } }'
    ].join('\n') + '\n'
  )
}

/** The system-wide like-for-like runs, the two killers alternated run by run. */
async function systemReactions(
  hog: string,
  work: string,
  runs: number,
  earlyoom: boolean
): Promise<{ ours: number[]; theirs: number[] }> {
  const cfg = join(work, 'system.yaml')
  const ours: number[] = []
  const theirs: number[] = []
  const hogSpec = (report: string, termKb: number): HogSpec => ({
    path: hog,
    args: ['8', '10', '800', report, 'meminfo', String(termKb)],
    oomScoreAdj: 1000
  })
  for (let i = 0; i < runs; i++) {
    const t = systemThresholds()
    writeSystemConfig(cfg, t)
    const report = join(work, 'sys-oomkit.txt')
    const ms = await oneRun(oomkit(['-c', cfg]), oomkitReady, hogSpec(report, t.termKb), report)
    if (ms !== null) ours.push(ms)
    await sleep(300)
    if (!earlyoom) continue
    const e = systemThresholds()
    const eReport = join(work, 'sys-earlyoom.txt')
    const killer = [
      'earlyoom',
      '-M',
      `${e.termKb},${e.killKb}`,
      '-s',
      '100',
      '-r',
      '0',
      '--prefer',
      '^hog$'
    ]
    const ems = await oneRun(killer, earlyoomReady, hogSpec(eReport, e.termKb), eReport)
    if (ems !== null) theirs.push(ems)
    await sleep(300)
  }
  return { ours, theirs }
}

function hasEarlyoom(): boolean {
  try {
    execFileSync('earlyoom', ['-v'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export async function bench(): Promise<Record<string, number>> {
  const why = labUnavailable()
  if (why) throw new Error(`daemon bench needs root and a cgroup v1 memory controller: ${why}`)
  if (!existsSync(join(repoRoot, 'dist/cli.js'))) await buildBundle(join(repoRoot, 'dist'))
  const quick = process.env.BENCH_QUICK === '1'
  const work = tempDir('oomkit-bench-')
  const hog = buildHog(work)
  const runs = quick ? 5 : 10
  const earlyoom = hasEarlyoom()
  if (!earlyoom)
    process.stderr.write(
      'bench: daemon: earlyoom not installed (apt-get install -y earlyoom); earlyoom_* figures omitted\n'
    )
  const out = await idle(quick ? 10_000 : 60_000, quick ? 5000 : 10_000, earlyoom)
  const cg = await cgroupReaction(hog, work, runs)
  out.daemon_reaction_ms = round1(median(cg))
  out.daemon_reaction_spread_ms = round1(spread(cg))
  const { ours, theirs } = await systemReactions(hog, work, runs, earlyoom)
  out.daemon_system_reaction_ms = round1(median(ours))
  out.daemon_system_reaction_spread_ms = round1(spread(ours))
  if (earlyoom) {
    out.earlyoom_reaction_ms = round1(median(theirs))
    out.earlyoom_reaction_spread_ms = round1(spread(theirs))
  }
  rmSync(work, { recursive: true, force: true })
  return out
}
