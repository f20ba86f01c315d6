import { execFileSync, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers.ts'

describe('the oomkit command line', () => {
  it('lists every command in --help', async () => {
    const r = await runCli(['--help'])
    expect(r.code).toBe(0)
    for (const c of ['simulate', 'explain', 'scores', 'snapshot', 'daemon']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'))
    }
    expect(r.stdout).toContain('exit codes')
  })

  it('rejects an unknown command with one line and exit 2', async () => {
    const r = await runCli(['nonsense'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^oomkit: unknown command 'nonsense'/)
  })

  it('rejects an unknown flag with one line and exit 2', async () => {
    const r = await runCli(['--frobnicate'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('prints --help and --version from the build (dist/help.json) exactly as the CLI does', async () => {
    for (const [flag, same] of [
      ['--help', '-h'],
      ['--version', '-V']
    ] as const) {
      const cli = await runCli([flag])
      for (const arg of [flag, same]) {
        const out = execFileSync(process.execPath, ['bin/oomkit.js', arg], { encoding: 'utf8' })
        expect(out).toBe(cli.stdout)
      }
    }
    // Any other argument goes through the CLI itself.
    const r = spawnSync(process.execPath, ['bin/oomkit.js', 'explain', '--help'], {
      encoding: 'utf8'
    })
    expect(r.stdout).toContain('--follow')
  })

  it('runs as a real process through bin/oomkit.js', () => {
    const out = execFileSync(process.execPath, ['bin/oomkit.js', '--help'], { encoding: 'utf8' })
    expect(out).toContain('simulate')
    const bad = spawnSync(process.execPath, ['bin/oomkit.js', 'nonsense'], { encoding: 'utf8' })
    expect(bad.status).toBe(2)
    expect(bad.stderr).not.toMatch(/at .*\.js:\d+/)
  })

  it('ends quietly when the reader closes the pipe early', () => {
    const r = spawnSync('sh', ['-c', 'node bin/oomkit.js daemon --check | head -c 1 >/dev/null'], {
      encoding: 'utf8'
    })
    expect(r.status).toBe(0)
    expect(r.stderr).not.toMatch(/EPIPE|at .*\.js:\d+/)
  })
})
