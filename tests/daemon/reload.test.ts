/**
 * SIGHUP reload and SIGTERM stop on a real daemon process (no root needed: nothing is killed,
 * the thresholds never trigger).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startDaemon, waitFor } from './cgroup-lab.ts'

const dir = mkdtempSync(join(tmpdir(), 'oomkit-reload-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('oomkit daemon signals', () => {
  it('SIGHUP reloads a good config, keeps the running one on a bad config; SIGTERM stops with 0', async () => {
    const file = join(dir, 'daemon.yaml')
    const base =
      'memory: { available: { term: 1M, kill: 512K } }\nselfProtect: { watchdog: { enabled: false } }\n'
    writeFileSync(file, base)
    const d = await startDaemon(['-c', file])
    try {
      writeFileSync(file, base + 'kill:\n  grace: forever\n')
      d.child.kill('SIGHUP')
      const failed = await waitFor(
        () => (d.stderr().includes('reload failed') ? d.stderr() : undefined),
        10_000
      )
      expect(failed).toContain(
        `reload failed, keeping the running config: oomkit: ${file}:4:10: kill.grace: expected a duration`
      )
      writeFileSync(file, base + 'kill:\n  grace: 2s\n')
      d.child.kill('SIGHUP')
      const ok = await waitFor(
        () => (d.stderr().includes('configuration reloaded') ? true : undefined),
        10_000
      )
      expect(ok).toBe(true)
    } finally {
      expect(await d.stop()).toBe(0)
    }
    expect(d.stderr()).toContain('oomkit daemon stopped')
  })
})
