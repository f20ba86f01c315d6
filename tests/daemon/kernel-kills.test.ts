/**
 * The kernel's own OOM kills in the daemon's journal and metrics (issue 16), on a real memcg OOM
 * on this host: a hog grows past its 48 MiB v1 memory cgroup, which the daemon does not watch
 * (and it runs --dry-run: it signals nothing), so the kernel kills it; the daemon reads that from
 * /dev/kmsg and journals a `kernel-kill` record, counted by constraint and memcg.
 */
import { rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildHog,
  labUnavailable,
  makeCgroup,
  oomKills,
  readJournal,
  removeCgroup,
  startDaemon,
  startHog,
  tempDir,
  waitFor
} from './cgroup-lab.ts'
import { holdKernelLockPerTest } from '../kernel-lock.ts'
import { SKIP_REAL_KERNEL, SKIP_REAL_KERNEL_REASON } from '../real-kernel-skip.ts'

const reason = SKIP_REAL_KERNEL ? SKIP_REAL_KERNEL_REASON : labUnavailable()
if (reason) process.stderr.write(`tests/daemon/kernel-kills: skipped (${reason})\n`)

const MiB = 1024 * 1024

/** A loopback port free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise(resolve => server.close(resolve))
  return port
}

describe.skipIf(reason !== null)("the kernel's own OOM kills", () => {
  let work = ''
  let dir = ''
  holdKernelLockPerTest()

  beforeAll(() => {
    work = tempDir('oomkit-kernel-kills-')
  })
  afterAll(async () => {
    if (dir) await removeCgroup(dir)
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('a memcg OOM the daemon did not prevent is journalled and counted by constraint and memcg', async () => {
    const hogPath = buildHog(work)
    const journal = join(work, 'kills.jsonl')
    const port = await freePort()
    const daemon = await startDaemon([
      '--dry-run',
      '--journal',
      journal,
      '--metrics',
      `127.0.0.1:${port}`
    ])
    try {
      dir = makeCgroup(`oomkit-kernel-kill-${process.pid}`, 48 * MiB)
      const hog = await startHog(hogPath, dir, ['8', '10', '200'], { wait: true })
      hog.go()
      const exit = await hog.exited
      expect(exit.signal).toBe('SIGKILL')
      expect(oomKills(dir)).toBe(1)
      const memcg = `/${basename(dir)}`
      const record = await waitFor(
        () => readJournal(journal).find(e => e.event === 'kernel-kill' && e.kernel.pid === hog.pid),
        5000
      )
      expect(record, daemon.stderr()).toMatchObject({
        event: 'kernel-kill',
        reason: 'kernel-oom-memcg',
        kernel: {
          pid: hog.pid,
          comm: 'hog',
          constraint: 'CONSTRAINT_MEMCG',
          scope: 'memcg',
          oomMemcg: memcg,
          taskMemcg: memcg,
          message: 'Memory cgroup out of memory'
        }
      })
      expect(record!.kernel.anonRssKb).toBeGreaterThan(30 * 1024)
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      expect(text).toContain(
        `oomkit_daemon_kernel_oom_kills_total{constraint="CONSTRAINT_MEMCG",memcg="${memcg}"} 1`
      )
      expect(daemon.stderr()).toContain(`the kernel's OOM killer killed pid ${hog.pid} (hog)`)
      // Only kills after the daemon's start: nothing from the kernel log's backlog.
      const kernelRecords = readJournal(journal).filter(e => e.event === 'kernel-kill')
      expect(kernelRecords.map(e => e.kernel.pid as number)).toEqual([hog.pid])
    } finally {
      await daemon.stop()
    }
  }, 60_000)
})
