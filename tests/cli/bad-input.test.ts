/**
 * The bad-input table (bad-input-cases.ts): each mistake gets one line on stderr, exactly as
 * listed, the listed exit code, nothing on stdout, no stack trace and no file left behind.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers.ts'
import { BAD_INPUTS } from './bad-input-cases.ts'

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
