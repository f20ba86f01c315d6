import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseScenario, runScenario } from '../../src/sim/index.ts'

function load(file: string) {
  return parseScenario(readFileSync(`examples/${file}`, 'utf8'), file)
}

// panic() never returns: once the simulated kernel panics, the machine prints and does nothing
// more (no allocator retry, no "page allocation failure", no pagefault retry line).
const panicking = readdirSync('examples')
  .filter(f => /\.(ya?ml|json)$/.test(f))
  .filter(f => typeof load(f).expect?.panic === 'string')

describe('a kernel panic halts the simulated machine', () => {
  it('has examples that panic', () => {
    expect(panicking.length).toBeGreaterThanOrEqual(2)
  })

  it.each(panicking)('%s: the panic line is the last line and nothing happens after it', file => {
    const r = runScenario(load(file))
    expect(r.summary.panic).not.toBeNull()
    const last = r.log.at(-1)
    expect(last?.text).toBe(`Kernel panic - not syncing: ${r.summary.panic}`)
    const panicAt = last!.timeNs
    for (const f of r.summary.allocFailures) expect(f.timeNs).toBeLessThanOrEqual(panicAt)
  })
})
