/**
 * @module Daemon benchmarks (needs root, a cgroup v1 memory controller, cc; earlyoom for the
 * side-by-side figure):
 * - daemon_idle_rss_mb / daemon_idle_cpu_pct: `oomkit daemon` with the default config, idle for
 *   60 s after a 10 s settle (BENCH_QUICK=1: 10 s after 5 s); RSS at the end, CPU =
 *   (utime+stime of all threads) / wall time.
 * - daemon_reaction_ms: a hog grows 8 MiB every 10 ms in a 256 MiB v1 memory cgroup watched with
 *   a 20% headroom term stage; the hog itself notes (CLOCK_MONOTONIC) the first step after which
 *   the headroom is at or under the threshold and the moment SIGTERM arrives. Median of 10.
 * - daemon_system_reaction_ms / earlyoom_reaction_ms: the like-for-like system-wide test: size
 *   thresholds just below the current MemAvailable (300 MiB below, kill stage far lower) for
 *   both, the same hog growing 8 MiB every 10 ms, same measurement. Median of 10 each,
 *   alternating the two daemons run by run (oomkit long-running with SIGHUP reloads, earlyoom
 *   restarted per run since it cannot reload).
 * The daemon runs from dist/ (bin/oomkit.js) when built, else from source through tsx.
 */
import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  buildHog,
  labUnavailable,
  makeCgroup,
  removeCgroup,
  repoRoot,
  startHog,
  tempDir
} from '../tests/daemon/cgroup-lab.ts'

const MiB = 1024 * 1024
const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

function daemonCommand(): string[] {
  if (
    existsSync(join(repoRoot, 'dist/daemon/run.js')) &&
    existsSync(join(repoRoot, 'dist/cli/commands/daemon.js'))
  )
    return [join(repoRoot, 'bin/oomkit.js')]
  return ['--import', 'tsx', join(repoRoot, 'tests/daemon/cli-child.ts')]
}

interface Running {
  child: ChildProcess
  output: () => string
  stop(): Promise<void>
}

async function launch(
  cmd: string,
  args: string[],
  ready: (out: string) => boolean
): Promise<Running> {
  const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr.on('data', (b: Buffer) => (out += b.toString()))
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const t0 = Date.now()
  while (!ready(out)) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited: ${out.slice(0, 500)}`)
    if (Date.now() - t0 > 30_000) throw new Error(`${cmd} did not start: ${out.slice(0, 500)}`)
    await sleep(20)
  }
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await Promise.race([exited, sleep(5000)])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }
}

const startOomkit = (args: string[]): Promise<Running> =>
  launch(process.execPath, [...daemonCommand(), 'daemon', ...args], out =>
    out.includes('oomkit daemon started')
  )

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(rest[11]) + Number(rest[12])
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) : Number.NaN
}

function memAvailableKb(): number {
  const m = /MemAvailable:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))
  return Number(m?.[1])
}

/** Idle footprint at the default config. */
async function idle(
  windowMs: number,
  settleMs: number
): Promise<{ rssMb: number; cpuPct: number }> {
  const d = await startOomkit([])
  try {
    const pid = d.child.pid!
    // Startup work (module compilation, V8's post-startup GCs) is not idle time.
    await sleep(settleMs)
    const ticks0 = cpuTicks(pid)
    const t0 = performance.now()
    await sleep(windowMs)
    const ticks = cpuTicks(pid) - ticks0
    const wall = performance.now() - t0
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    return { rssMb: rssKb(pid) / 1024, cpuPct: ((ticks / hz) * 1000 * 100) / wall }
  } finally {
    await d.stop()
  }
}

/** Start a hog that waits for "go"; returns the measured reaction (ms) once it has exited. */
async function measure(
  h: Awaited<ReturnType<typeof startHog>>,
  report: string
): Promise<number | null> {
  h.go()
  const done = await Promise.race([h.exited.then(() => true), sleep(15_000).then(() => false)])
  if (!done) {
    h.child.kill('SIGKILL')
    await h.exited
    return null
  }
  if (!existsSync(report)) return null
  const [crossed, term] = readFileSync(report, 'utf8').trim().split(' ').map(Number)
  // crossed < 0: something else crossed the threshold first (a busy machine); not a sample.
  if (crossed === undefined || term === undefined || crossed < 0) return null
  return (term - crossed) / 1e6
}

/** Threshold crossed in a cgroup -> SIGTERM, median of `runs`. */
async function cgroupReaction(hog: string, work: string, runs: number): Promise<number> {
  const name = `oomkit-bench-${process.pid}`
  const cfg = join(work, 'cgroup.yaml')
  const dir = makeCgroup(name, 256 * MiB)
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
    const d = await startOomkit(['-c', cfg])
    try {
      for (let i = 0; i < runs; i++) {
        const report = join(work, 'cg.txt')
        rmSync(report, { force: true })
        // Grows to 240 MiB: past the 20% headroom line (~205 MiB), never to the 256 MiB limit.
        const h = await startHog(
          hog,
          dir,
          ['8', '10', '240', report, 'cgroup', dir, String(Math.floor(0.2 * 256 * MiB))],
          { wait: true }
        )
        await sleep(500) // the daemon sees the idle cgroup at its regular pace
        const ms = await measure(h, report)
        if (ms !== null) samples.push(ms)
        await sleep(300)
      }
    } finally {
      await d.stop()
    }
  } finally {
    await removeCgroup(dir)
  }
  return median(samples)
}

/** Names other than "hog" (POSIX ERE, for earlyoom's --avoid). */
const NOT_HOG_ERE = '^([^h].*|h[^o].*|ho[^g].*|hog.+|h|ho|)$'

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

/**
 * The system-wide like-for-like runs. earlyoom has no reload, so it starts afresh per run with
 * new size thresholds; oomkit keeps running (as a deployed daemon does) and takes each run's
 * thresholds by SIGHUP. The hog exists (oom_score_adj 1000, preferred) for earlyoom's whole life
 * and everything else is avoided (earlyoom) or ignored (oomkit).
 */
async function systemReactions(
  hog: string,
  work: string,
  runs: number,
  earlyoom: boolean
): Promise<{ ours: number[]; theirs: number[] }> {
  const cfg = join(work, 'system.yaml')
  writeSystemConfig(cfg, { termKb: 1, killKb: 1 })
  const ours: number[] = []
  const theirs: number[] = []
  const d = await startOomkit(['-c', cfg])
  try {
    for (let i = 0; i < runs; i++) {
      {
        const t = systemThresholds()
        writeSystemConfig(cfg, t)
        d.child.kill('SIGHUP')
        const report = join(work, 'sys-oomkit.txt')
        rmSync(report, { force: true })
        const h = await startHog(
          hog,
          null,
          ['8', '10', '800', report, 'meminfo', String(t.termKb)],
          { wait: true, oomScoreAdj: 1000 }
        )
        await sleep(500)
        const ms = await measure(h, report)
        if (ms !== null) ours.push(ms)
        // Disarm before the next run's earlyoom, then let memory settle.
        writeSystemConfig(cfg, { termKb: 1, killKb: 1 })
        d.child.kill('SIGHUP')
        await sleep(300)
      }
      if (earlyoom) {
        const t = systemThresholds()
        const report = join(work, 'sys-earlyoom.txt')
        rmSync(report, { force: true })
        const h = await startHog(
          hog,
          null,
          ['8', '10', '800', report, 'meminfo', String(t.termKb)],
          { wait: true, oomScoreAdj: 1000 }
        )
        let e: Running | null = null
        try {
          e = await launch(
            'earlyoom',
            [
              '-M',
              `${t.termKb},${t.killKb}`,
              '-s',
              '100',
              '-r',
              '0',
              '--prefer',
              '^hog$',
              '--avoid',
              NOT_HOG_ERE
            ],
            out => out.includes('SIGKILL when')
          )
          await sleep(500)
          const ms = await measure(h, report)
          if (ms !== null) theirs.push(ms)
        } finally {
          if (h.alive()) h.child.kill('SIGKILL')
          await e?.stop()
        }
        await sleep(300)
      }
    }
  } finally {
    await d.stop()
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
  const quick = process.env.BENCH_QUICK === '1'
  const work = tempDir('oomkit-bench-')
  const hog = buildHog(work)
  const runs = quick ? 5 : 10
  const out: Record<string, number> = {}
  const id = await idle(quick ? 10_000 : 60_000, quick ? 5000 : 10_000)
  out.daemon_idle_rss_mb = Math.round(id.rssMb * 10) / 10
  out.daemon_idle_cpu_pct = Math.round(id.cpuPct * 1000) / 1000
  out.daemon_reaction_ms = Math.round((await cgroupReaction(hog, work, runs)) * 10) / 10
  const earlyoom = hasEarlyoom()
  const { ours, theirs } = await systemReactions(hog, work, runs, earlyoom)
  out.daemon_system_reaction_ms = Math.round(median(ours) * 10) / 10
  if (earlyoom) out.earlyoom_reaction_ms = Math.round(median(theirs) * 10) / 10
  else
    process.stderr.write(
      'bench: daemon: earlyoom not installed (apt-get install -y earlyoom); earlyoom_reaction_ms omitted\n'
    )
  rmSync(work, { recursive: true, force: true })
  return out
}
