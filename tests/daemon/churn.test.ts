/**
 * The daemon's footprint under process churn (issue 19): any user can start processes with
 * 100 KB command lines a thousand times a second; the daemon, scanning its watched cgroup at the
 * warn stage, must stay within 10 MiB of its idle RSS. The daemon runs as users run it: the
 * bundled CLI (built afresh from src/), bin/oomkit.js's V8 settings and the packaged unit's
 * NODE_OPTIONS. 10 s by default; `OOMKIT_CHURN_SECONDS=60` for the 60 s figure. The
 * figures are printed on stderr.
 */
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildCliCopy,
  labUnavailable,
  makeCgroup,
  removeCgroup,
  startDaemon,
  tempDir
} from './cgroup-lab.ts'
import { holdKernelLockPerTest } from '../kernel-lock.ts'
import { SKIP_REAL_KERNEL, SKIP_REAL_KERNEL_REASON } from '../real-kernel-skip.ts'
import { DAEMON_NODE_OPTIONS } from '../../src/daemon/lean-vm.ts'

const reason = SKIP_REAL_KERNEL ? SKIP_REAL_KERNEL_REASON : labUnavailable()
if (reason) process.stderr.write(`tests/daemon/churn: skipped (${reason})\n`)

const SECONDS = Number(process.env.OOMKIT_CHURN_SECONDS ?? 10)
const RATE = 1000
const MiB = 1024 * 1024

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) : 0
}

describe.skipIf(reason !== null)('daemon RSS under process churn', () => {
  let work = ''
  let dir = ''
  let cli: { bin: string; remove(): void } | null = null
  holdKernelLockPerTest()

  beforeAll(async () => {
    work = tempDir('oomkit-churn-')
    execFileSync('cc', ['-O2', '-o', join(work, 'churn'), join(import.meta.dirname, 'churn.c')])
    cli = await buildCliCopy()
  })
  afterAll(async () => {
    if (dir) await removeCgroup(dir)
    if (work) rmSync(work, { recursive: true, force: true })
    cli?.remove()
  })

  it(
    `stays within 10 MiB of idle through ${SECONDS} s of ${RATE} starts/s with 100 KB command lines`,
    async () => {
      dir = makeCgroup(`oomkit-churn-${process.pid}`, 1024 * MiB)
      const config = join(work, 'churn.yaml')
      // The warn stage always holds (headroom is at most 100 %): the daemon scans the cgroup's
      // processes every 500 ms, as it does when a threshold is near.
      writeFileSync(
        config,
        [
          'memory: { enabled: false }',
          'cgroups:',
          `  - { path: ${dir}, available: { warn: 100%, term: 1%, kill: 0.5% } }`
        ].join('\n') + '\n'
      )
      // With the V8 setting the packaged unit gives it (packaging/systemd: NODE_OPTIONS).
      const daemon = await startDaemon(
        ['-c', config],
        { NODE_OPTIONS: DAEMON_NODE_OPTIONS },
        { bin: cli!.bin }
      )
      try {
        const pid = daemon.child.pid!
        await sleep(3000)
        const idle: number[] = []
        for (let i = 0; i < 5; i++, await sleep(400)) idle.push(rssKb(pid))
        const idleKb = Math.max(...idle)
        const churn = spawn(
          '/bin/sh',
          ['-c', `echo $$ > ${dir}/cgroup.procs && exec "$0" "$@"`, join(work, 'churn')].concat([
            String(RATE),
            String(SECONDS),
            '100',
            '300'
          ]),
          { stdio: 'ignore' }
        )
        const done = new Promise(r => churn.once('exit', r))
        let peakKb = 0
        for (let t = 0; t < SECONDS * 2; t++, await sleep(500))
          peakKb = Math.max(peakKb, rssKb(pid))
        await done
        peakKb = Math.max(peakKb, rssKb(pid))
        process.stderr.write(
          `daemon RSS: idle ${(idleKb / 1024).toFixed(1)} MiB, peak under churn ${(peakKb / 1024).toFixed(1)} MiB (${SECONDS} s at ${RATE}/s)\n`
        )
        const failures = daemon
          .stderr()
          .split('\n')
          .filter(l => l.includes('tick failed'))
        expect(failures.slice(0, 3)).toEqual([])
        expect(peakKb - idleKb).toBeLessThanOrEqual(10 * 1024)
      } finally {
        await daemon.stop()
      }
    },
    120_000 + SECONDS * 1000
  )
})
