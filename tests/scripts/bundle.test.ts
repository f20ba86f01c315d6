/**
 * The shipped CLI is an esbuild bundle split per command (scripts/build.ts): `oomkit --help`
 * must load no yaml, zod, simulator or kernel engine, and `simulate` must find them in its chunk.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Metafile } from 'esbuild'
import { buildBundle, prevalidatedDefault, staticInputs } from '../../scripts/build.ts'

const HEAVY = [/node_modules\/yaml\//, /node_modules\/zod\//, /^src\/sim\//, /^src\/kernel\/oom-/]

describe('the bundled CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oomkit-bundle-'))
  let meta: Metafile
  const out = (file: string): string => relative(process.cwd(), join(dir, file))
  beforeAll(async () => {
    meta = await buildBundle(dir)
  }, 60_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('loads no schema library, parser or engine before a command asks for one', () => {
    const loaded = [...staticInputs(meta, out('cli.js'))]
    expect(loaded).toContain('src/cli/main.ts')
    for (const heavy of HEAVY) expect(loaded.filter(f => heavy.test(f))).toEqual([])
  })

  it('runs the built-in simulate scenario without yaml or zod: it ships checked, as data', () => {
    const action = Object.keys(meta.outputs).find(o =>
      Object.keys(meta.outputs[o]?.inputs ?? {}).includes('src/cli/commands/simulate-action.ts')
    )
    expect(action).toBeDefined()
    const loaded = [...staticInputs(meta, action!)]
    expect(loaded).toContain('src/sim/runner.ts')
    expect(loaded).toContain('src/cli/commands/default-scenario-data.ts')
    const schema = [/node_modules\/yaml\//, /node_modules\/zod\//, /^src\/sim\/(load|schema)\.ts$/]
    for (const heavy of schema) expect(loaded.filter(f => heavy.test(f))).toEqual([])
  })

  it('bundles the default scenario exactly as parseScenario checks it', async () => {
    const { DEFAULT_SCENARIO_NAME, DEFAULT_SCENARIO_YAML } =
      await import('../../src/sim/default-scenario.ts')
    const { parseScenario } = await import('../../src/sim/load.ts')
    const { build } = await import('esbuild')
    const r = await build({
      stdin: {
        contents: "export * from './src/cli/commands/default-scenario-data.ts'",
        resolveDir: process.cwd(),
        loader: 'ts'
      },
      bundle: true,
      write: false,
      format: 'esm',
      plugins: [prevalidatedDefault()]
    })
    const url =
      'data:text/javascript;base64,' + Buffer.from(r.outputFiles[0]!.text).toString('base64')
    const data = (await import(url)) as { PREVALIDATED_DEFAULT: unknown }
    expect(data.PREVALIDATED_DEFAULT).toStrictEqual(
      parseScenario(DEFAULT_SCENARIO_YAML, DEFAULT_SCENARIO_NAME)
    )
  })

  it('keeps the daemon entry (lean-vm) free of the rest of the CLI', () => {
    expect([...staticInputs(meta, out('lean-vm.js'))]).toEqual(['src/daemon/lean-vm.ts'])
  })

  it('puts yaml, zod and the simulator in the chunks simulate loads', () => {
    const all = Object.values(meta.outputs).flatMap(o => Object.keys(o.inputs))
    for (const heavy of HEAVY) expect(all.some(f => heavy.test(f))).toBe(true)
  })
})
