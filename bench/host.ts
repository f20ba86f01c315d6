/**
 * @module Host scan benchmark: with 2,000 extra small processes (`sleep`) on the host, the wall
 * time of a full `oomkit scores` scan in-process (read /proc and cgroups, build the state, score
 * every process, pick the victims) next to `ps -e -o pid,rss,comm` on the same host in the same
 * run. Figures are medians of 5 runs, in milliseconds; `_inproc` because the scan runs warm inside
 * this process while ps is a whole process: the whole-command figures are bench/cli.ts's.
 */
import { spawn, spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { LiveHostSource } from '../src/adapters/proc/live-host-source.ts'
import { chooseProfile, rankHost } from '../src/host/ranking.ts'
import { scanHost } from '../src/host/scan.ts'

const EXTRA = 2000
const RUNS = 5

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

function pidCount(): number {
  return readdirSync('/proc').filter(n => /^\d+$/.test(n)).length
}

export async function bench(): Promise<Record<string, number>> {
  const before = pidCount()
  // One shell in its own process group starts the sleeps; the group is killed in `finally`.
  const sh = spawn(
    'sh',
    ['-c', `i=0; while [ $i -lt ${EXTRA} ]; do sleep 600 & i=$((i+1)); done; wait`],
    {
      detached: true,
      stdio: 'ignore'
    }
  )
  const pgid = sh.pid!
  try {
    const deadline = Date.now() + 60_000
    while (pidCount() < before + EXTRA && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 100))
    }
    const processes = pidCount()
    const source = new LiveHostSource('/')
    const scan: number[] = []
    const ps: number[] = []
    let scanned = 0
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now()
      const reading = scanHost(source)
      const ranking = rankHost(reading, chooseProfile(reading)!)
      scan.push(performance.now() - t0)
      scanned = ranking.processes.length
      const t1 = performance.now()
      const r = spawnSync('ps', ['-e', '-o', 'pid,rss,comm'], {
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 64 << 20
      })
      ps.push(performance.now() - t1)
      if (r.status !== 0) throw new Error('ps failed')
    }
    const scanMs = median(scan)
    const psMs = median(ps)
    return {
      scores_scan_inproc_ms: Number(scanMs.toFixed(2)),
      ps_inproc_peer_ms: Number(psMs.toFixed(2)),
      scores_scan_inproc_vs_ps: Number((scanMs / psMs).toFixed(2)),
      scores_scan_inproc_processes: scanned || processes
    }
  } finally {
    try {
      process.kill(-pgid, 'SIGKILL')
    } catch {
      // already gone
    }
    const deadline = Date.now() + 20_000
    while (pidCount() > before + 50 && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 100))
    }
  }
}
