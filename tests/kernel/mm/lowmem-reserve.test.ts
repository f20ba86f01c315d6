/**
 * lowmem_reserve[] of a zone whose upper zones are empty (a 1 GiB machine: DMA, DMA32, and empty
 * Normal/Movable/Device), as the global Mem-Info prints it. setup_per_zone_lowmem_reserve():
 * 5.10.44, 6.1.20, 6.6.9 and 6.18.2 repeat the running sum of the upper zones' managed pages
 * (this host's 6.18 /proc/zoneinfo shows `protection: (0, 3018, 12618, 12618, 12618)`); 6.11.11
 * sets the slot of an empty upper zone to 0 (the seed-003 report prints `0 1895 7890 0 0`).
 */
import { describe, expect, it } from 'vitest'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

const scenario = (profile: string): string => `
name: global OOM on ${profile}
profile: '${profile}'
machine: { memory: 1G, cpus: 2 }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 700, comm: t, rss: { anon: 1M } }
timeline:
  - { at: 10ms, do: touch, pid: 700, size: 4M, every: 1ms, until: killed }
`

/** The DMA zone's lowmem_reserve line (the first one printed). */
function dmaReserve(profile: string): string | undefined {
  const log = runScenario(parseScenario(scenario(profile), 'test.yaml')).log.map(l => l.text)
  return log.find(l => l.startsWith('lowmem_reserve[]:'))
}

describe('setup_per_zone_lowmem_reserve(): empty upper zones', () => {
  it.each(['5.10', '6.1', '6.6', '6.18'])('%s repeats the running sum', profile => {
    expect(dmaReserve(profile)).toBe('lowmem_reserve[]: 0 993 993 993 993')
  })

  it('6.11 gives an empty upper zone 0', () => {
    expect(dmaReserve('6.11')).toBe('lowmem_reserve[]: 0 993 0 0 0')
  })
})
