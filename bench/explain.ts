/**
 * @module In-process benchmark of explain's parser: `parseSource` over `withFileSource` (the path the CLI uses: chunked
 * anchor scan, then parse the ranges) on the ~200 MB synthetic syslog of bench/cli.ts (one OOM
 * report per MB), warm, best of 3, in MB/s (MB = 2^20 bytes). The whole-command figure a user
 * sees, and its grep peer, are bench/cli.ts's `explain_cli_mb_per_s` and `grep_c_mb_per_s`.
 */
import { statSync } from 'node:fs'
import { withFileSource } from '../src/adapters/file/file-source.ts'
import { parseSource } from '../src/explain/parse-source.ts'
import { MB, makeLog } from './lib/syslog.ts'
import { PassThrough } from 'node:stream'
import { join } from 'node:path'
import { cli } from '../src/cli/main.ts'

const TARGET_BYTES = 200 * MB
const REPORT_EVERY = MB

/** Best of `runs` timings of `fn`, in seconds. */
function best(runs: number, fn: () => void): number {
  let min = Infinity
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint()
    fn()
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e9)
  }
  return min
}

/** explain_inproc_mb_per_s: the parser alone, in this (warm) process. */
export function bench(): Promise<Record<string, number>> {
  const { path, reports: expected } = makeLog(TARGET_BYTES, REPORT_EVERY)
  const size = statSync(path).size / MB
  let found = 0
  const explainS = best(3, () => {
    const events = withFileSource(path, s => parseSource(s))
    found = events.filter(e => e.victim !== null).length
  })
  if (found !== expected) throw new Error(`explain found ${found} victims, expected ${expected}`)
  return followFigures({
    explain_inproc_mb_per_s: Math.round(size / explainS),
    explain_inproc_log_mb: Math.round(size)
  })
}

/** The text `oomkit simulate FILE` prints (one simulated kernel log). */
async function simulatedLog(file: string): Promise<string> {
  let out = ''
  const sink = { write: (t: string) => (out += t), isTTY: false }
  const stdin = new PassThrough()
  stdin.end()
  await cli({ argv: ['simulate', file], stdin, stdout: sink, stderr: sink, env: {}, cwd: '.' })
  return out
}

/**
 * One `oomkit explain --follow --json -` run fed through a pipe: the report's lines are written
 * at once (a kernel prints a report within milliseconds), and the time from its last line to
 * the JSON line on stdout is measured, in ms. The stream stays open, as `journalctl -k -f` does.
 */
async function followLatencyOnce(report: string): Promise<number> {
  const stdin = new PassThrough()
  let sent = 0n
  let resolveLine: (ms: number) => void = () => undefined
  const line = new Promise<number>(resolve => (resolveLine = resolve))
  const stdout = {
    isTTY: false,
    write: (t: string) => {
      if (t.includes('\n')) resolveLine(Number(process.hrtime.bigint() - sent) / 1e6)
      return true
    }
  }
  const stderr = { write: () => true, isTTY: false }
  const argv = ['explain', '--follow', '--json', '-']
  const run = cli({ argv, stdin, stdout, stderr, env: {}, cwd: '.' })
  sent = process.hrtime.bigint()
  stdin.write(report)
  const ms = await line
  stdin.end()
  await run
  return ms
}

/**
 * explain_follow_latency_ms: kernel report end to JSON line for `explain --follow --json -` on a
 * pipe, the median of 7 runs (the first report of examples/stuck-victim.yaml). Most of it is the
 * quiet time the follower waits to know a report has ended.
 */
async function followFigures(figures: Record<string, number>): Promise<Record<string, number>> {
  const log = await simulatedLog(join(import.meta.dirname, '..', 'examples', 'stuck-victim.yaml'))
  const lines = log.split('\n')
  const second = lines.findIndex((l, i) => i > 0 && l.includes('invoked oom-killer'))
  const report = `${lines.slice(0, second).join('\n')}\n`
  const runs: number[] = []
  for (let i = 0; i < 7; i++) runs.push(await followLatencyOnce(report))
  runs.sort((a, b) => a - b)
  return { ...figures, explain_follow_latency_ms: Math.round(runs[3] ?? 0) }
}
