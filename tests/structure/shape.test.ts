/**
 * @module
 * The shape of the tree: small files (median under 110 lines in src/) and tests/ mirroring src/.
 * File and function maxima are eslint's (`max-lines`, `max-lines-per-function`).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root, tsFiles } from './import-graph.ts'
import { structurePending } from './strict.ts'

/** Folders of tests/ that test something other than a folder of src/, with the reason. */
const EXTRA_TEST_FOLDERS: Record<string, string> = {
  'tests/conformance': 'the real-kernel suite in conformance/',
  'tests/structure': 'the repository layout itself (these tests)',
  'tests/scripts': 'the build and schema scripts in scripts/'
}

/** Lines as `wc -l` counts them (a last line without a newline counts too). */
function lineCount(file: string): number {
  const text = readFileSync(join(root, file), 'utf8')
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
}

function foldersWithTests(dir: string): string[] {
  const entries = readdirSync(join(root, dir), { withFileTypes: true })
  const here = entries.some(e => e.isFile() && e.name.endsWith('.test.ts')) ? [dir] : []
  const below = entries.filter(e => e.isDirectory()).map(e => foldersWithTests(join(dir, e.name)))
  return [...here, ...below.flat()]
}

describe('tree shape', () => {
  it.skipIf(structurePending)('keeps the median src/ file under 110 lines', () => {
    const sizes = tsFiles('src')
      .map(lineCount)
      .sort((a, b) => a - b)
    const median = sizes[Math.floor(sizes.length / 2)]!
    expect(median).toBeLessThan(110)
  })

  it.skipIf(structurePending)(
    'has tests/ mirror src/: every folder holding tests names a src/ folder',
    () => {
      const srcFolders = new Set(
        tsFiles('src').map(f => f.split('/').slice(0, -1).join('/').replace(/^src/, 'tests'))
      )
      const strays = foldersWithTests('tests').filter(
        d => d !== 'tests' && !srcFolders.has(d) && !(d in EXTRA_TEST_FOLDERS)
      )
      expect(strays).toEqual([])
    }
  )

  it('keeps a test file directly in tests/ only for a module directly in src/ (units.test.ts ↔ src/units.ts)', () => {
    const topLevel = readdirSync(join(root, 'tests')).filter(f => f.endsWith('.test.ts'))
    const srcTop = new Set(readdirSync(join(root, 'src')).filter(f => f.endsWith('.ts')))
    expect(topLevel.filter(f => !srcTop.has(f.replace(/\.test\.ts$/, '.ts')))).toEqual([])
  })
})
