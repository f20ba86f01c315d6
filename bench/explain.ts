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
  return Promise.resolve({
    explain_inproc_mb_per_s: Math.round(size / explainS),
    explain_inproc_log_mb: Math.round(size)
  })
}
