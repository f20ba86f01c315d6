/**
 * @module `npm run bench [-- --json] [-- --only NAME]`: runs every bench/<area>.ts that exports
 * `bench(): Promise<Record<string, number>>` and prints the named figures. Never part of npm test.
 */
import { readdirSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

type BenchModule = { bench?: () => Promise<Record<string, number>> }

const here = dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const json = args.includes('--json')
const onlyAt = args.indexOf('--only')
const only = onlyAt >= 0 ? args[onlyAt + 1]?.split(',') : undefined

const files = readdirSync(here)
  .filter(f => f.endsWith('.ts') && f !== 'run.ts')
  .filter(f => !only || only.includes(basename(f, '.ts')))
  .sort()

const figures: Record<string, number> = {}
const failures: Record<string, string> = {}
for (const file of files) {
  const area = basename(file, '.ts')
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule
    if (typeof mod.bench !== 'function') continue
    if (!json) process.stderr.write(`bench: ${area}...\n`)
    Object.assign(figures, await mod.bench())
  } catch (error) {
    failures[area] = error instanceof Error ? error.message : String(error)
    process.stderr.write(`bench: ${area} failed: ${failures[area]}\n`)
  }
}

if (json) {
  process.stdout.write(JSON.stringify(figures, null, 2) + '\n')
} else {
  const width = Math.max(0, ...Object.keys(figures).map(k => k.length))
  for (const [name, value] of Object.entries(figures)) {
    process.stdout.write(
      `${name.padEnd(width)}  ${Number.isInteger(value) ? value : value.toFixed(3)}\n`
    )
  }
}
process.exitCode = Object.keys(failures).length > 0 ? 1 : 0
