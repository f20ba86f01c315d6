import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkExpect, parseScenario, runScenario, type RunResult } from '../../src/sim/index.ts'

const files = readdirSync('examples')
  .filter(f => f.endsWith('.yaml') || f.endsWith('.json'))
  .sort()

function run(file: string): { r: RunResult; mismatches: string[]; expectKeys: string[] } {
  const s = parseScenario(readFileSync(`examples/${file}`, 'utf8'), `examples/${file}`)
  const r = runScenario(s)
  return { r, mismatches: checkExpect(s, r), expectKeys: Object.keys(s.expect ?? {}) }
}

describe('examples/: every scenario meets its expect: block', () => {
  it('has the examples the issue asks for', () => {
    expect(files.length).toBeGreaterThanOrEqual(22)
  })
  for (const f of files) {
    it(f, () => {
      const { mismatches, expectKeys } = run(f)
      expect(expectKeys.length).toBeGreaterThan(0)
      expect(mismatches).toEqual([])
    })
  }
})

describe('examples/: behaviour details', () => {
  const text = (r: RunResult): string => r.log.map(l => l.text).join('\n')

  it('__GFP_NOFAIL ends below the min watermark without a kill', () => {
    const { r } = run('gfp-nofail.yaml')
    expect(r.summary.victims).toEqual([])
    expect(r.summary.final.zones.some(z => z.free < z.min)).toBe(true)
  })

  it('the reaper frees mlocked memory on 6.1 but not on 5.10', () => {
    const a = text(run('mlock-reap-6.1.yaml').r)
    const b = text(run('mlock-reap-5.10.yaml').r)
    expect(a).toMatch(/reaped process 1000 \(locker\), now anon-rss:0kB/)
    expect(b).toMatch(/reaped process 1000 \(locker\), now anon-rss:204800kB/)
  })

  it('v1 oom_kill_disable: the task waits under_oom until the knob is cleared at 2 s', () => {
    const { r } = run('v1-oom-kill-disable.yaml')
    expect(r.trace.some(e => e.type === 'memcg.oom_wait')).toBe(true)
    expect(r.summary.victims[0]?.timeNs).toBeGreaterThanOrEqual(2e9)
  })

  it('the stuck victim is followed by another victim only after the reaper gives up', () => {
    const { r } = run('stuck-victim.yaml')
    const [first, second] = r.summary.victims
    const giveUp = r.log.find(l => l.text.startsWith('oom_reaper: unable to reap pid:900'))
    expect(giveUp).toBeDefined()
    expect(second!.timeNs).toBeGreaterThan(giveUp!.timeNs - 1)
    // 6.1: 2 s OOM_REAPER_DELAY, then 10 attempts 100 ms apart.
    expect(giveUp!.timeNs - first!.timeNs).toBeGreaterThanOrEqual(2.9e9)
  })

  it('overcommit=2 refuses the third 200 MiB mapping with ENOMEM, not an OOM kill', () => {
    const { r } = run('overcommit-never.yaml')
    expect(r.summary.enomem).toHaveLength(1)
    expect(r.summary.enomem[0]!.bytes).toBe(200 * 1024 * 1024)
    expect(r.trace.some(e => e.type === 'overcommit.enomem')).toBe(true)
  })

  it('OVERCOMMIT_GUESS: the 4.19 heuristic refuses what 5.10 accepts', () => {
    const s = parseScenario(readFileSync('examples/overcommit-guess-4.19.yaml', 'utf8'), 'x')
    expect(runScenario(s).summary.enomem).toHaveLength(1)
    expect(runScenario(s, { profile: '5.10' }).summary.enomem).toHaveLength(0)
  })

  it('pagefault OOM: a global gfp 0 OOM on 5.10, a retried fault on 6.1', () => {
    expect(text(run('pagefault-oom-5.10.yaml').r)).toContain('gfp_mask=0x0(), order=0')
    const b = run('pagefault-oom-6.1.yaml').r
    expect(b.summary.stuck.map(s => s.pid)).toEqual([1601])
  })

  it('swap fills before the OOM; the grower is swapped out on the way', () => {
    const { r } = run('swap-then-oom.yaml')
    expect(Math.max(...r.samples.swapUsed)).toBe(65536)
    expect(r.summary.stats.swapOuts).toBeGreaterThan(0)
    expect(r.trace.some(e => e.type === 'kswapd.wake')).toBe(true)
  })

  it('clean page cache is dropped instead of killing', () => {
    const { r } = run('page-cache-reclaim.yaml')
    expect(r.summary.stats.reclaimedPages).toBeGreaterThan(45_000)
    expect(r.summary.final.processes.find(p => p.pid === 2201)?.anon).toBe(256 + 150 * 1024)
  })

  it('swapoff: the caller is the OOM origin and is killed first; the device stays on', () => {
    const { r } = run('swapoff-origin.yaml')
    expect(r.summary.victims.map(v => v.pid)).toEqual([2301])
    expect(r.summary.final.swapTotal).toBe(131072)
  })

  it('memory.low keeps the database resident while memory.high holds the web task at 64M', () => {
    const { r } = run('v2-memory-low-high.yaml')
    const byPid = new Map(r.summary.final.processes.map(p => [p.pid, p]))
    expect(byPid.get(2400)?.swapEnts).toBe(0)
    expect(byPid.get(2401)?.swapEnts).toBeGreaterThan(0)
    const web = r.summary.final.memcgs.find(m => m.path === '/web')
    expect(web?.usage).toBeLessThanOrEqual(16384)
    expect(web?.eventsLocal.high).toBeGreaterThan(0)
  })

  it('dirty page cache: the task is throttled until the 5 s flush, then completes', () => {
    const { r } = run('dirty-writeback.yaml')
    const blocked = r.trace.find(e => e.type === 'task.blocked') as
      { timeNs: number; reason: string } | undefined
    expect(blocked?.reason).toBe('writeback')
    const flush = r.trace.find(e => e.type === 'reclaim.writeback')
    expect(flush?.timeNs).toBeGreaterThanOrEqual(5e9)
    expect(r.summary.final.processes.find(p => p.pid === 2501)?.anon).toBe(256 + 100 * 1024)
  })

  it('a memcg OOM report is consistent: memory.stat anon + pagetables = usage = rss + pgtables', () => {
    const { r } = run('memcg-panic-on-oom-1.yaml')
    const lines = r.log.map(l => l.text)
    const usageKb = Number(
      /memory: usage (\d+)kB/.exec(lines.find(l => l.startsWith('memory: usage')) ?? '')?.[1]
    )
    const stat = (k: string): number =>
      Number(lines.find(l => l.startsWith(`${k} `))?.split(' ')[1])
    expect((stat('anon') + stat('pagetables')) / 1024).toBe(usageKb)
    const row = lines
      .find(l => /^\[ +200\]/.test(l))!
      .replace(/^\[ +/, '')
      .split(/\]?\s+/)
    // pid uid tgid total_vm rss pgtables_bytes ...
    expect(Number(row[4]) * 4 + Number(row[5]) / 1024).toBe(usageKb)
  })

  it('a streaming read larger than RAM reclaims its own page cache', () => {
    const { r } = run('streaming-read.yaml')
    expect(r.summary.stats.reclaimedPages).toBeGreaterThan(262144 - 65536)
  })

  it('memory.oom.group counts an oom_group_kill event on 6.1', () => {
    const { r } = run('v2-oom-group.yaml')
    const job = r.summary.final.memcgs.find(m => m.path === '/job')
    expect(job?.events.oom_kill).toBeGreaterThanOrEqual(1)
  })
})
