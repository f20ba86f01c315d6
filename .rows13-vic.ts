import { readFileSync, readdirSync } from 'node:fs'
import { ScenarioSpec } from './src/sim/schema.ts'
import { runScenario } from './src/sim/runner.ts'
for (const dir of process.argv.slice(2)) for (const f of readdirSync(dir).filter(n => n.endsWith('.scenario.json')).sort()) {
  const seed = f.slice(0, -14)
  const sim = runScenario(ScenarioSpec.parse(JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')))).log.map(l => l.text)
  const k = readFileSync(`${dir}/${seed}.kernel.log`, 'utf8').split('\n')
  const vic = (ls: string[]) => ls.filter(l => l.includes('Killed process')).map(l => /Killed process (\d+)/.exec(l)![1]).join(',')
  const cur = (ls: string[]) => ls.filter(l => l.includes('invoked oom-killer')).map(l => /(\S+) invoked/.exec(l.replace(/^\[[^\]]*\]\s*/, ''))![1]).join(',')
  console.log(seed, vic(k) === vic(sim) && cur(k) === cur(sim) ? 'same' : `DIFF K ${vic(k)} ${cur(k)} | S ${vic(sim)} ${cur(sim)}`)
}
