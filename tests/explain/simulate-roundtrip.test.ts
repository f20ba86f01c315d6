/**
 * `oomkit simulate X | oomkit explain -` on every example under every profile, with the profile
 * told (--profile) and guessed from the text: the replay never
 * disagrees with the simulated kernel, and says "unknown" only where the report cannot tell
 * (a panic before any choice, no task table).
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ExplainModel } from '../../src/explain/explain-model.ts'
import { profileNames } from '../../src/kernel/profiles.ts'
import { runCli } from '../helpers.ts'

const examples = join(import.meta.dirname, '..', '..', 'examples')
const files = readdirSync(examples).filter(f => /\.(ya?ml|json)$/.test(f))
const HONEST_UNKNOWN = /^the kernel panicked|^the report has no task table/

describe('simulate | explain agree on every example under every profile', () => {
  it.each(files)(
    '%s',
    async file => {
      const problems: string[] = []
      for (const profile of profileNames) {
        const sim = await runCli(['simulate', '--profile', profile, join(examples, file)])
        // As told (--profile) and as guessed from the text (`simulate X | explain -`).
        for (const told of [true, false]) {
          const argv = ['explain', '--json', ...(told ? ['--profile', profile] : []), '-']
          const r = await runCli(argv, { stdin: sim.stdout })
          const model = JSON.parse(r.stdout) as ExplainModel
          const how = told ? profile : `${profile} (guessed ${model.reports[0]?.profile ?? '-'})`
          for (const rep of model.reports) {
            const v = rep.verdict
            if (
              v.result === 'disagrees' ||
              (v.result === 'unknown' && !HONEST_UNKNOWN.test(v.reason))
            )
              problems.push(`${how} #${rep.index}: ${v.result}: ${v.reason}`)
            if (v.result === 'unknown' && rep.replay.whatIf !== null)
              problems.push(`${how} #${rep.index}: advice without a verdict`)
          }
        }
      }
      expect(problems).toEqual([])
    },
    120_000
  )
})
