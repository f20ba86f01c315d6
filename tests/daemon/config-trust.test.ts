/**
 * Config trust and what a start validates (issue 19): a config others could have written is
 * refused as sshd refuses one; an empty file is refused (at start and on SIGHUP, which keeps the
 * running config); `--check` refuses what a start would (stage order, metrics address), and
 * accepts an IPv4-mapped loopback address.
 */
import { chmodSync, chownSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isLoopback } from '../../src/daemon/listen.ts'
import { runCli } from '../helpers.ts'
import { startDaemon, waitFor } from './cgroup-lab.ts'

const dir = mkdtempSync(join(tmpdir(), 'oomkit-trust-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function configFile(name: string, text: string, mode = 0o644): string {
  const file = join(dir, name)
  writeFileSync(file, text)
  chmodSync(file, mode)
  return file
}

const check = (args: string[]) => runCli(['daemon', '--check', ...args])

describe('config trust', () => {
  it('refuses a group- or world-writable config', async () => {
    const file = configFile('open.yaml', 'hooks: { preKill: "id > /tmp/pwned" }\n', 0o666)
    const r = await check(['-c', file])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/writable by group or others \(mode 666\)/)
  })

  it.skipIf(process.getuid?.() !== 0)(
    'refuses a config owned by another user (nobody)',
    async () => {
      const file = configFile('nobody.yaml', 'hooks: { preKill: "id" }\n', 0o600)
      chownSync(file, 65534, 65534)
      const r = await check(['-c', file])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/owned by uid 65534, not root/)
    }
  )

  it('refuses an empty or comment-only file', async () => {
    for (const text of ['', '\n  \n', '# all commented out\n']) {
      const r = await check(['-c', configFile('empty.yaml', text)])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/the file is empty/)
    }
  })

  it('SIGHUP with a truncated file keeps the running config (and its cgroup watch) and says so', async () => {
    const file = configFile(
      'live.yaml',
      'memory: { available: { term: 1M, kill: 512K } }\ncgroups: [{ path: /nonexistent/oomkit-cg }]\nselfProtect: { watchdog: { enabled: false } }\n'
    )
    const d = await startDaemon(['-c', file])
    try {
      // Logged right after the start line, which may reach this end of the pipe in a chunk of
      // its own.
      const missing = 'watched cgroup /nonexistent/oomkit-cg does not exist'
      const warned = await waitFor(
        () => (d.stderr().includes(missing) ? d.stderr() : undefined),
        5000
      )
      expect(warned).toContain(missing)
      writeFileSync(file, '')
      d.child.kill('SIGHUP')
      const failed = await waitFor(
        () => (d.stderr().includes('reload failed') ? d.stderr() : undefined),
        10_000
      )
      expect(failed).toContain('reload failed, keeping the running config')
      expect(failed).toContain('the file is empty')
      expect(failed).not.toContain('configuration reloaded')
    } finally {
      expect(await d.stop()).toBe(0)
    }
  })
})

describe('--check validates what a start does', () => {
  it('refuses stages out of order', async () => {
    const r = await check(['--mem', '5%,10%'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /memory\.available: term \(5%\) must leave more headroom than kill \(10%\)/
    )
    const cg = await check(['--cgroup', '/sys/fs/cgroup/x=100M,200M'])
    expect(cg.stderr).toMatch(/cgroups\.0\.available: term/)
    const psi = configFile('psi.yaml', 'psi: { warn: 50, term: 40 }\n')
    expect((await check(['-c', psi])).stderr).toMatch(
      /psi: warn \(50%\) must be below term \(40%\)/
    )
  })

  it('refuses a non-loopback or malformed metrics address, accepts loopback in every spelling', async () => {
    expect((await check(['--metrics', '0.0.0.0:9464'])).stderr).toMatch(/not a loopback address/)
    expect((await check(['--metrics', '[127.0.0.1]:9464'])).code).toBe(2)
    expect((await check(['--metrics', '127.0.0.1:99999'])).code).toBe(2)
    for (const ok of ['127.0.0.1:9464', '[::1]:9464', '[::ffff:127.0.0.1]:9464', 'localhost:1'])
      expect((await check(['--metrics', ok])).code, ok).toBe(0)
    expect(isLoopback('::ffff:127.0.0.2')).toBe(true)
    expect(isLoopback('::ffff:10.0.0.1')).toBe(false)
    expect(isLoopback('127.evil.example')).toBe(false)
  })
})

describe('--check: bad input a start would trip on', () => {
  it('refuses --json without --check in one line, exit 2', async () => {
    const r = await runCli(['daemon', '--json'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'oomkit: --json goes with --check (the running daemon always logs JSON lines)\n'
    )
    expect(r.stdout).toBe('')
  })

  it('warns of a missing watched cgroup, a journal it could not write and refuses bad thresholds', async () => {
    const missing = await check(['--cgroup', '/sys/fs/cgroup/memory/oomkit-no-such-cgroup'])
    expect(missing.code).toBe(0)
    expect(missing.stderr).toMatch(
      /cgroup \/sys\/fs\/cgroup\/memory\/oomkit-no-such-cgroup does not exist/
    )
    const nodir = await check(['--journal', join(dir, 'no-such-dir', 'kills.jsonl')])
    expect(nodir.stderr).toMatch(/journal .*: its directory .* does not exist/)
    const link = join(dir, 'journal-link')
    symlinkSync(join(dir, 'target'), link)
    expect((await check(['--journal', link])).stderr).toMatch(/is a symbolic link/)
    for (const bad of [
      ['--mem', '10%,20%'],
      ['--swap', '1M,2M'],
      ['--mem', 'lots'],
      ['--cgroup', 'x=5%,9%']
    ]) {
      const r = await check(bad)
      expect(r.code, bad.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n'), bad.join(' ')).toHaveLength(1)
    }
    const json = await check(['--json', '--cgroup', '/sys/fs/cgroup/memory/oomkit-no-such-cgroup'])
    const report = JSON.parse(json.stdout) as { ok: boolean; warnings: string[] }
    expect(report.ok).toBe(true)
    expect(report.warnings.some(w => w.includes('does not exist'))).toBe(true)
  })
})
