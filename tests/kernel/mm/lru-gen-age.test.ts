/**
 * The multi-gen LRU's min_ttl_ms OOM: lru_gen_age_node() (mm/vmscan.c, 6.1.20; 6.6.9 and 6.18.2
 * through lruvec_is_reclaimable()) calls out_of_memory() from kswapd with only .gfp_mask set
 * (GFP_KERNEL, order 0) when no lruvec's oldest generation is older than min_ttl_ms (seed 003,
 * issue 15). Behind profile.alloc.lruGenMinTtl, lru_gen enabled and min_ttl_ms > 0.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { profiles } from '../../../src/kernel/profiles.ts'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

const text = readFileSync('examples/mglru-min-ttl.yaml', 'utf8')

function run(yaml: string, profile?: string) {
  const r = runScenario(parseScenario(yaml, 'm.yaml'), profile === undefined ? {} : { profile })
  return { r, log: r.log.map(l => l.text) }
}

describe('lru_gen_age_node(), 6.1.20', () => {
  it('kswapd0 invokes the OOM killer with GFP_KERNEL, order 0, from balance_pgdat()', () => {
    const { r, log } = run(text)
    expect(log).toContain(
      'kswapd0 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0'
    )
    const frames = log.map(l => l.trim())
    const at = frames.indexOf('out_of_memory')
    expect(frames.slice(at, at + 5)).toEqual([
      'out_of_memory',
      'lru_gen_age_node',
      'balance_pgdat',
      'kswapd',
      'kthread'
    ])
    const ages = r.trace.filter(e => e.type === 'reclaim.lru_gen_age') as unknown as {
      aged: boolean
    }[]
    expect(ages.map(a => a.aged)).toEqual([true, true, false])
  })

  it('min_ttl_ms 0 (the default) turns it off: the page cache recycles, no OOM', () => {
    const { log } = run(text.replace('lru_gen.min_ttl_ms: 1000', 'lru_gen.min_ttl_ms: 0'))
    expect(log.filter(l => l.includes('invoked oom-killer'))).toEqual([])
  })

  it('needs lru_gen enabled (machine.config.lruGen)', () => {
    const { log } = run(text.replace('config: { lruGen: true }', 'config: { lruGen: false }'))
    expect(log.filter(l => l.includes('invoked oom-killer'))).toEqual([])
  })

  it('profiles differ: 5.15 has no MGLRU, 6.6 and 6.18 have the rule', () => {
    expect(run(text, '5.15').log.filter(l => l.includes('invoked oom-killer'))).toEqual([])
    expect(profiles['5.15']!.alloc.lruGenMinTtl).toBe(false)
    for (const p of ['6.6', '6.18']) {
      expect(profiles[p]!.alloc.lruGenMinTtl).toBe(true)
      expect(run(text, p).log.some(l => l.startsWith('kswapd0 invoked oom-killer'))).toBe(true)
    }
  })
})
