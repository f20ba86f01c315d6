/**
 * @module Whole-command measurement for the bench: each sample is one process run as a user
 * runs it (fork, exec, wait, through bench/c/rusage.c), with its wall time, CPU time
 * (user + system, all threads) and peak RSS. Commands compared with each other run alternated,
 * round by round, so a busy moment of the machine falls on both; figures are medians, with the
 * interquartile range as the spread.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const repoRoot = join(here, '..', '..')
const work = mkdtempSync(join(tmpdir(), 'oomkit-bench-measure-'))

/** Compile bench/c/NAME.c once per bench run; returns the binary's path. */
export function buildC(name: string): string {
  const out = join(work, name)
  execFileSync('cc', ['-O2', '-o', out, join(here, '..', 'c', `${name}.c`)])
  return out
}

let rusageBin: string | null = null

export interface Sample {
  wallMs: number
  cpuMs: number
  rssMb: number
  code: number
}

export interface Command {
  cmd: string
  args: string[]
  /** Exit codes that count as success (default: 0). */
  ok?: number[]
}

/**
 * Run `command` once; its output goes into a pipe that this process drains (not /dev/null: GNU
 * grep, seeing /dev/null, stops at the first match).
 */
export function runOnce(command: Command): Sample {
  rusageBin ??= buildC('rusage')
  const report = join(work, 'last.txt')
  const r = spawnSync(rusageBin, [report, command.cmd, ...command.args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 30
  })
  if (r.status !== 0) throw new Error(`rusage failed for ${command.cmd}: ${String(r.stderr)}`)
  const [wall, cpu, rss, code] = readFileSync(report, 'utf8').trim().split(' ').map(Number)
  const sample = { wallMs: wall! / 1e6, cpuMs: cpu! / 1e3, rssMb: rss! / 1024, code: code! }
  if (!(command.ok ?? [0]).includes(sample.code))
    throw new Error(`${command.cmd} ${command.args.join(' ')} exited ${sample.code}`)
  return sample
}

/** Run every command `rounds` times, alternated, the first command rotating each round. */
export function alternate(
  commands: Record<string, Command>,
  rounds: number
): Record<string, Sample[]> {
  const names = Object.keys(commands)
  const out: Record<string, Sample[]> = Object.fromEntries(names.map(n => [n, []]))
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]!
      out[name]!.push(runOnce(commands[name]!))
    }
  }
  return out
}

export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo)
}

export const median = (xs: number[]): number => quantile(xs, 0.5)
export const spread = (xs: number[]): number => quantile(xs, 0.75) - quantile(xs, 0.25)
export const round1 = (x: number): number => Math.round(x * 10) / 10
export const round3 = (x: number): number => Math.round(x * 1000) / 1000

/** `NAME_ms`, `NAME_spread_ms`, `NAME_cpu_ms`, `NAME_rss_mb`: medians (and IQR) of the samples. */
export function figures(name: string, samples: Sample[]): Record<string, number> {
  const wall = samples.map(s => s.wallMs)
  return {
    [`${name}_ms`]: round1(median(wall)),
    [`${name}_spread_ms`]: round1(spread(wall)),
    [`${name}_cpu_ms`]: round1(median(samples.map(s => s.cpuMs))),
    [`${name}_rss_mb`]: round1(median(samples.map(s => s.rssMb)))
  }
}

/** Throughput over `mb` megabytes (2^20 bytes) from the median wall time, and its spread. */
export function throughput(name: string, samples: Sample[], mb: number): Record<string, number> {
  const rates = samples.map(s => mb / (s.wallMs / 1000))
  return {
    [`${name}_mb_per_s`]: Math.round(median(rates)),
    [`${name}_spread_mb_per_s`]: Math.round(spread(rates)),
    [`${name}_cpu_ms`]: round1(median(samples.map(s => s.cpuMs)))
  }
}

/** Whether `tool` is on PATH. */
export function installed(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0
}
