import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ScenarioSpec } from './src/sim/schema.ts'
import { runScenario } from './src/sim/runner.ts'
import { reportRows } from './conformance/row-compare.ts'
for (const dir of process.argv.slice(2)) for (const f of readdirSync(dir).filter(n => n.endsWith('.scenario.json')).sort()) {
  const seed = f.slice(0, -14)
  const sim = runScenario(ScenarioSpec.parse(JSON.parse(readFileSync(join(dir, f), 'utf8')))).log.map((l: any) => l.text ?? l)
  const k = reportRows(readFileSync(join(dir, `${seed}.kernel.log`), 'utf8').split('\n')); const s = reportRows(sim)
  k.forEach((rows, i) => { for (const [pid, row] of rows) { const o = s[i]?.get(pid); const a = row.split(/\s+/), b = (o ?? '').split(/\s+/)
    const bad = [3,4,8,9,10].filter(j => a[j] !== b[j]); if (bad.length || Math.abs(+a[4] - +b[4]) > 93) console.log(seed, i, 'K', row, '\n', ' '.repeat(seed.length + 2), 'S', o) } })
}
