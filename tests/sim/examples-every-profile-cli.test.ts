/**
 * `oomkit simulate EXAMPLE --profile P` for every example and every profile, through the CLI:
 * each run prints an OOM report (the "invoked oom-killer" header, or a panic) on stdout, or
 * prints nothing there and says on stderr, in one line, that no OOM happened. The cases the
 * issue named (swap-then-oom and oom-score-adj.json on rhel6, stuck-victim on <= 4.19, once
 * silent) must be reports.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { profileNames } from '../../src/kernel/profiles.ts'
import { runCli } from '../helpers.ts'

const examples = join(import.meta.dirname, '..', '..', 'examples')
const files = readdirSync(examples).filter(f => /\.(ya?ml|json)$/.test(f))
const OOM = /invoked oom-killer:|Kernel panic - not syncing/
const NOTE = /^oomkit: no OOM under profile \S+: ended at \d+\.\d{3}s[^\n]*\n$/

describe('every example under every profile: an OOM report, or the no-OOM note on stderr', () => {
  it.each(files)(
    '%s',
    async file => {
      for (const profile of profileNames) {
        const r = await runCli(['simulate', '--profile', profile, join(examples, file)])
        const got = { profile, code: r.code }
        expect(got).toEqual({ profile, code: 0 })
        if (r.stdout === '')
          expect({ profile, stderr: r.stderr }).toMatchObject({
            profile,
            stderr: expect.stringMatching(NOTE)
          })
        else if (!OOM.test(r.stdout))
          expect({ profile, stderr: r.stderr }).toMatchObject({
            profile,
            stderr: expect.stringMatching(NOTE)
          })
        else expect({ profile, stderr: r.stderr }).toEqual({ profile, stderr: '' })
      }
    },
    120_000
  )

  it.each([
    ['swap-then-oom.yaml', 'rhel6'],
    ['oom-score-adj.json', 'rhel6'],
    ...['rhel6', '3.10', '4.14', '4.19'].map(p => ['stuck-victim.yaml', p])
  ])('%s --profile %s prints a report', async (file, profile) => {
    const r = await runCli(['simulate', '--profile', profile, join(examples, file)])
    expect(r.stdout).toMatch(/invoked oom-killer:/)
    expect(r.stdout).toMatch(/Killed process \d+/)
    expect(r.stderr).toBe('')
  })
})
