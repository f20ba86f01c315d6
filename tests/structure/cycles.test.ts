/**
 * @module
 * No import cycles in `src/`, type-only imports included. A structure test rather than
 * `import-x/no-cycle`: it needs no resolver plugin and walks the whole graph in ~50 ms.
 */
import { describe, expect, it } from 'vitest'
import { cycles, tsFiles } from './import-graph.ts'
import { structurePending } from './strict.ts'

describe('src import graph', () => {
  it.skipIf(structurePending)('has no cycle', () => {
    expect(cycles(tsFiles('src'))).toEqual([])
  })

  it('finds a cycle when there is one (the walk itself works)', () => {
    const files = tsFiles('src')
    expect(files.length).toBeGreaterThan(50)
    expect(cycles(['tests/structure/fixtures/a.ts', 'tests/structure/fixtures/b.ts'])).toEqual([
      ['tests/structure/fixtures/a.ts', 'tests/structure/fixtures/b.ts']
    ])
  })
})
