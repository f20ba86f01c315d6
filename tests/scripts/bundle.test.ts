/**
 * The shipped CLI is an esbuild bundle split per command (scripts/build.ts): `oomkit --help`
 * must load no yaml, zod, simulator or kernel engine, and `simulate` must find them in its chunk.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Metafile } from 'esbuild'
import { buildBundle, staticInputs } from '../../scripts/build.ts'

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

  it('keeps the daemon entry (lean-vm) free of the rest of the CLI', () => {
    expect([...staticInputs(meta, out('lean-vm.js'))]).toEqual(['src/daemon/lean-vm.ts'])
  })

  it('puts yaml, zod and the simulator in the chunks simulate loads', () => {
    const all = Object.values(meta.outputs).flatMap(o => Object.keys(o.inputs))
    for (const heavy of HEAVY) expect(all.some(f => heavy.test(f))).toBe(true)
  })
})
