/**
 * @module `node --import tsx conformance/rows.ts [--why] DIR...`: for every case a `--dump DIR`
 * run wrote (seed-N.scenario.json, seed-N.kernel.log), run the scenario and count the
 * simulator's task rows against the kernel's (row-compare.ts): rss total equal, byte-identical.
 * Prints one line per case and the totals; `--why` also prints each row that is not identical,
 * the kernel's above ours, and the rows of each kind (the grower's or an idle process's).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ScenarioSpec } from '../src/sim/schema.ts'
import { runScenario } from '../src/sim/runner.ts'
import { compareRows, emptyRowCounts, reportRows, type RowCounts } from './row-compare.ts'

const why = process.argv.includes('--why')
const total: RowCounts = emptyRowCounts()
const line = (c: RowCounts): string =>
  `rows ${c.rows}, rss equal ${c.rssEqual}, rss split equal ${c.splitEqual}, ` +
  `rss within drift ${c.rssWithinDrift}, ` +
  `other columns identical ${c.restIdentical}, identical ${c.identical}`

/** The rows that differ, kernel's first. */
function differing(seed: string, kernel: readonly string[], sim: readonly string[]): void {
  const s = reportRows(sim)
  reportRows(kernel).forEach((rows, i) => {
    for (const [pid, row] of rows) {
      const ours = s[i]?.get(pid)
      if (ours !== row)
        console.log(`  ${seed} report ${i + 1}\n    K ${row}\n    S ${ours ?? '(none)'}`)
    }
  })
}

for (const dir of process.argv.slice(2).filter(a => a !== '--why')) {
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
    if (why) differing(seed, kernel, sim)
  }
}
console.log(`total: ${line(total)}`)
