/**
 * The bad-input table (bad-input-cases.ts): each mistake gets one line on stderr, exactly as
 * listed, the listed exit code, nothing on stdout, no stack trace and no file left behind.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers.ts'
import { BAD_INPUTS, PERMISSION_CASES } from './bad-input-cases.ts'

const dir = mkdtempSync(join(tmpdir(), 'oomkit-bad-input-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('bad input: one line, the right exit code, no stack trace, no partial file', () => {
  it('has at least 60 cases across the commands', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(60)
    const commands = new Set(BAD_INPUTS.map(c => c.argv[0]))
    for (const c of ['simulate', 'explain', 'scores', 'snapshot', 'daemon'])
      expect(commands).toContain(c)
  })

  it.each(BAD_INPUTS.map((c, i) => [i, c.argv.join(' '), c] as const))(
    '#%i oomkit %s',
    async (i, _argv, c) => {
      const D = join(dir, `case-${i}`)
      rmSync(D, { recursive: true, force: true })
      mkdirSync(D)
      for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(D, name), text)
      const before = readdirSync(D).sort()
      const r = await runCli(
        c.argv.map(a => a.replaceAll('$D', D)),
        c.stdin === undefined ? {} : { stdin: c.stdin }
      )
      const stderr = r.stderr.replaceAll(D, '$D')
      expect(stderr).toBe(c.line + '\n')
      expect(r.code).toBe(c.code)
      expect(r.stdout).toBe('')
      expect(stderr).not.toMatch(/\n\s+at .*:\d+:\d+/)
      expect(readdirSync(D).sort()).toEqual(before)
    }
  )
})

/** As root, run the real binary as nobody, so that a mode-000 file cannot be read. */
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups']
const canDropPrivileges =
  process.getuid?.() === 0 &&
  spawnSync('setpriv', ['--version']).status === 0 &&
  // nobody must reach the checkout itself (a clone inside a 0700 folder is out of its reach)
  spawnSync('setpriv', [
    ...NOBODY,
    process.execPath,
    '-e',
    // An absolute path, as node resolves the script: every folder above must be searchable.
    `require('fs').accessSync(${JSON.stringify(resolve('bin/oomkit.js'))}, 4)`
  ]).status === 0
if (!canDropPrivileges)
  process.stderr.write(
    'tests/cli/bad-input: permission cases skipped (needs root, setpriv, and a checkout user nobody can read)\n'
  )

describe.runIf(canDropPrivileges)('permission errors read the same in every command', () => {
  it.each(PERMISSION_CASES.map(c => [c.argv.join(' '), c] as const))('oomkit %s', (_argv, c) => {
    const D = mkdtempSync(join(tmpdir(), 'oomkit-perm-'))
    try {
      chmodSync(D, 0o755)
      for (const [name, text] of Object.entries(c.files ?? {})) {
        writeFileSync(join(D, name), text)
        chmodSync(join(D, name), 0)
      }
      const argv = [...NOBODY, process.execPath]
      const r = spawnSync(
        'setpriv',
        [...argv, 'bin/oomkit.js', ...c.argv.map(a => a.replaceAll('$D', D))],
        {
          encoding: 'utf8'
        }
      )
      expect(r.stderr.replaceAll(D, '$D')).toBe(c.line + '\n')
      expect(r.status).toBe(c.code)
    } finally {
      rmSync(D, { recursive: true, force: true })
    }
  })
})
