import { describe, expect, it } from 'vitest'
import { emptyFreeArea, emptyZoneStats, type Zone } from '../../../src/kernel/mm/zone.ts'
import { boostWatermark, PAGEBLOCK_PAGES } from '../../../src/kernel/mm/watermark-boost.ts'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

/** A 256 MiB one-node machine without swap or page cache: nothing kswapd can reclaim. */
function scenario(node: string, zoneExtra = ''): string {
  return `
name: nothing reclaimable
profile: '6.1'
machine:
  nodes:
    - id: 0${node}
      zones:
        - { type: DMA, present: 16M, managed: 15M }
        - { type: DMA32, present: 240M${zoneExtra} }
sysctl: { vm.overcommit_memory: 1 }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 100, comm: big, rss: { anon: 120M } }
  - { pid: 101, comm: grower, oom_score_adj: -500, rss: { anon: 1M } }
timeline:
  - { at: 10ms, do: touch, pid: 101, size: 4M, every: 1ms, until: killed, count: 60 }
`
}

const run = (yaml: string) => runScenario(parseScenario(yaml, 'kswapd.yaml'))
const nodeLines = (r: ReturnType<typeof run>) =>
  r.log.map(l => l.text).filter(t => t.startsWith('Node 0 active_anon'))

describe('kswapd_failures (6.1 mm/vmscan.c balance_pgdat(), prepare_kswapd_sleep())', () => {
  it('fails MAX_RECLAIM_RETRIES passes back to back before the OOM: all_unreclaimable? yes', () => {
    const r = run(scenario(''))
    expect(r.summary.victims.map(v => v.pid)).toEqual([100])
    expect(nodeLines(r)[0]).toMatch(/all_unreclaimable\? yes$/)
    const fails = r.trace.filter(e => e.type === 'kswapd.fail')
    expect(fails.map(e => (e as { failures?: number }).failures)).toEqual(
      Array.from({ length: 16 }, (_, i) => i + 1)
    )
    // The failing passes ran inside the allocation, before the OOM kill.
    const invoke = r.trace.findIndex(e => e.type === 'oom.invoke')
    const lastFail = r.trace.indexOf(fails[15]!)
    expect(invoke).toBeGreaterThan(lastFail)
  })

  it('a hopeless node from the snapshot (node_unreclaimable) never wakes kswapd', () => {
    const r = run(scenario('\n      kswapdFailures: 16'))
    expect(r.trace.some(e => e.type === 'kswapd.wake')).toBe(false)
    expect(nodeLines(r)[0]).toMatch(/all_unreclaimable\? yes$/)
  })
})

describe('watermark boost (6.1 boost_watermark(), wmark_pages())', () => {
  it('a snapshot boost raises every watermark the allocator checks, and the OOM comes earlier', () => {
    const plain = run(scenario(''))
    const boosted = run(scenario('\n      kswapdFailures: 16', ', boost: 512'))
    const dma32 = (r: ReturnType<typeof run>) =>
      r.log.map(l => l.text).find(t => t.startsWith('Node 0 DMA32 free:'))!
    expect(dma32(boosted)).toMatch(/ boost:2048kB min:\d+kB/)
    const free = (t: string) => Number(/ free:(\d+)kB/.exec(t)![1])
    const min = (t: string) => Number(/ min:(\d+)kB/.exec(t)![1])
    expect(min(dma32(boosted)) - min(dma32(plain))).toBe(2048)
    expect(free(dma32(boosted))).toBeGreaterThan(free(dma32(plain)))
  })

  function zone(managed: number, high: number): Zone {
    return {
      node: 0,
      type: 'DMA32',
      idx: 1,
      presentPages: managed,
      managedPages: managed,
      initManagedPages: managed,
      wmarkMin: 0,
      wmarkLow: 0,
      wmarkHigh: high,
      wmarkPromo: high,
      boost: 0,
      lowmemReserve: [0, 0, 0, 0, 0],
      free: 0,
      freeArea: emptyFreeArea(),
      pcp: 0,
      localPcp: 0,
      stats: emptyZoneStats()
    }
  }

  it('grows by a pageblock up to high * factor / 10000 (at least a pageblock)', () => {
    const z = zone(51816, 639)
    expect(boostWatermark(z, 15000)).toBe(true)
    expect(z.boost).toBe(PAGEBLOCK_PAGES)
    expect(boostWatermark(z, 15000)).toBe(true)
    expect(z.boost).toBe(958) // 639 * 1.5
    const low = zone(51816, 100)
    boostWatermark(low, 15000)
    boostWatermark(low, 15000)
    expect(low.boost).toBe(PAGEBLOCK_PAGES)
  })

  it('no boost with factor 0, in a zone under four pageblocks, or before high is set', () => {
    expect(boostWatermark(zone(51816, 639), 0)).toBe(false)
    expect(boostWatermark(zone(2047, 639), 15000)).toBe(false)
    expect(boostWatermark(zone(51816, 0), 15000)).toBe(false)
  })
})
