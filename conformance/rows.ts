/**
 * @module `node --import tsx conformance/rows.ts DIR...`: for every case a `--dump DIR` run
 * wrote (seed-N.scenario.json, seed-N.kernel.log), run the scenario and count the simulator's
 * task rows against the kernel's (row-compare.ts): rss total equal, byte-identical. Prints one
 * line per case and the totals.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ScenarioSpec } from '../src/sim/schema.ts'
import { runScenario } from '../src/sim/runner.ts'
import { compareRows, type RowCounts } from './row-compare.ts'

const total: RowCounts = {
  rows: 0,
  rssEqual: 0,
  rssWithinDrift: 0,
  restIdentical: 0,
  identical: 0
}
const line = (c: RowCounts): string =>
  `rows ${c.rows}, rss equal ${c.rssEqual}, rss within drift ${c.rssWithinDrift}, ` +
  `other columns identical ${c.restIdentical}, identical ${c.identical}`
for (const dir of process.argv.slice(2)) {
  for (const f of readdirSync(dir)
    .filter(n => n.endsWith('.scenario.json'))
    .sort()) {
    const seed = f.slice(0, -'.scenario.json'.length)
    const scenario = ScenarioSpec.parse(JSON.parse(readFileSync(join(dir, f), 'utf8')))
    const sim = runScenario(scenario).log.map(l => (typeof l === 'string' ? l : l.text))
    const kernel = readFileSync(join(dir, `${seed}.kernel.log`), 'utf8').split('\n')
    const c = compareRows(kernel, sim)
    for (const k of Object.keys(total) as (keyof RowCounts)[]) total[k] += c[k]
    console.log(`${dir}/${seed}: ${line(c)}`)
  }
}
console.log(`total: ${line(total)}`)
