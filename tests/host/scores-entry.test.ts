/**
 * The scores-only entry (src/cli/commands/scores-entry.ts, dist/scores.js) prints what the full
 * CLI prints for the arguments it takes, and leaves every other argument list to the full CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { buildBundle, staticInputs } from '../../scripts/build.ts'
import { scoresEntry, simpleScoresOptions } from '../../src/cli/commands/scores-entry.ts'
import { runCli, type CliRun } from '../helpers.ts'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/proc')
const v1 = join(fixtures, 'cgroup-v1-6.18')
const v2 = join(fixtures, 'cgroup-v2-6.8-synthetic')
const swap = join(fixtures, 'swap-v1-3.10-synthetic')

async function runEntry(argv: string[]): Promise<CliRun | null> {
  let stdout = ''
  let stderr = ''
  const code = await scoresEntry({
    argv,
    stdin: Readable.from(['']),
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { NO_COLOR: '1' },
    cwd: fixtures
  })
  return code === null ? null : { code, stdout, stderr }
}

describe('the scores-only entry', () => {
  const taken: string[][] = [
    ['scores', '--root', v1],
    ['scores', '--root', v2, '--json'],
    ['scores', `--root=${swap}`, '--all', '--top', '3'],
    ['scores', '--root', v1, '--profile', '5.4', '--json'],
    ['scores', '--root', v1, '--profile=6.8.0'],
    ['scores', '--root', v2, '--cgroup', '/system.slice/'],
    ['scores', '--root', v2, '--cgroup', '/nowhere'],
    ['scores', '--root', v1, '--profile', 'nonsense'],
    ['scores', '--root', v1, '--top', 'x'],
    ['scores', '--root', 'cgroup-v1-6.18', '--top=0'],
    ['scores', '--root', '/nonexistent']
  ]
  for (const argv of taken) {
    it(`prints what the full CLI prints: ${argv.slice(1).join(' ')}`, async () => {
      const full = await runCli(argv, { cwd: fixtures })
      expect(await runEntry(argv)).toEqual(full)
    })
  }

  it('leaves help, --watch, repeated or unknown flags and flag-like values to the full CLI', () => {
    for (const argv of [
      ['scores', '--help'],
      ['scores', '-h'],
      ['scores', '--watch'],
      ['scores', '--interval', '5'],
      ['scores', '--json', '--json'],
      ['scores', '--top', '--json'],
      ['scores', '--top'],
      ['scores', '--bogus'],
      ['scores', 'extra'],
      ['scores', '--', '--json'],
      ['snapshot'],
      []
    ]) {
      expect(simpleScoresOptions(argv)).toBeNull()
    }
  })

  it('hands runScores the options commander would', () => {
    expect(simpleScoresOptions(['scores', '--json', '--top=4', '--root', '/x'])).toEqual({
      json: true,
      top: '4',
      root: '/x',
      interval: '2'
    })
  })
})

describe('dist/scores.js', () => {
  it('is one file without commander, yaml, zod or the simulator', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oomkit-scores-bundle-'))
    try {
      const meta = await buildBundle(dir)
      const out = relative(process.cwd(), join(dir, 'scores.js'))
      const file = meta.outputs[out]
      expect(file).toBeDefined()
      // Only node built-ins (and the optional koffi addon) are imported: no chunk of the CLI.
      expect(file!.imports.filter(i => !i.external)).toEqual([])
      const inputs = [...staticInputs(meta, out)]
      expect(inputs).toContain('src/cli/commands/scores-run.ts')
      expect(inputs).toContain('src/host/render-scores.ts')
      const heavy = [/node_modules\/(commander|yaml|zod)\//, /^src\/sim\//, /^src\/cli\/main\.ts$/]
      for (const h of heavy) expect(inputs.filter(f => h.test(f))).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
