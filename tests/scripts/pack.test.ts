/**
 * The published package carries the bundle the CLI runs from (bin/oomkit.js -> dist/cli.js,
 * dist/lean-vm.js, dist/chunks) and no TypeScript source: an installed oomkit never needs src/.
 * (Installing the tarball and running it is a manual check: bench/README.md, "The package".)
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

interface PackEntry {
  files: { path: string }[]
}

describe('npm pack', () => {
  it.runIf(existsSync('dist/cli.js'))(
    'ships the bundle and bin, not the sources',
    () => {
      const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        encoding: 'utf8'
      })
      const files = (JSON.parse(out) as PackEntry[])[0]!.files.map(f => f.path)
      expect(files).toContain('bin/oomkit.js')
      expect(files).toContain('dist/cli.js')
      expect(files).toContain('dist/lean-vm.js')
      expect(files.some(f => f.startsWith('dist/chunks/'))).toBe(true)
      expect(files.filter(f => f.startsWith('src/') || f.endsWith('.ts'))).toEqual([])
    },
    60_000
  )
})
