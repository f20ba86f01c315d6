/**
 * `oomkit snapshot`: the host as a scenario the simulator's loader accepts, that boots to the
 * same OOM ranking `oomkit scores` shows, with what-if edits.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { LiveHostSource } from '../../src/adapters/proc/live-host-source.ts'
import { findProfile } from '../../src/kernel/profiles.ts'
import { chooseProfile, pickVictim, rankHost } from '../../src/host/ranking.ts'
import { scanHost } from '../../src/host/scan.ts'
import { parseScenario } from '../../src/sim/load.ts'
import { bootScenario } from '../../src/sim/build.ts'
import { runCli } from '../helpers.ts'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/proc')
const trees = ['cgroup-v1-6.18', 'cgroup-v2-6.8-synthetic', 'swap-v1-3.10-synthetic']
const linux = (() => {
  try {
    return readFileSync('/proc/self/status', 'utf8').includes('VmRSS')
  } catch {
    return false
  }
})()

describe('oomkit snapshot', () => {
  for (const tree of trees) {
    it(`${tree}: loads in the simulator and boots to the victim scores predicts`, async () => {
      const root = join(fixtures, tree)
      const r = await runCli(['snapshot', '--root', root])
      expect(r.code).toBe(0)
      const scenario = parseScenario(r.stdout, 'host.yaml')
      const reading = scanHost(new LiveHostSource(root))
      const profile = chooseProfile(reading)!
      expect(scenario.profile).toBe(profile.name)
      expect(scenario.processes.map(p => p.pid)).toEqual(
        reading.processes.filter(p => p.hasMm).map(p => p.pid)
      )
      const booted = bootScenario(scenario, findProfile(scenario.profile)!)
      const oom = booted.world.oom
      const host = rankHost(reading, profile)
      const sim = pickVictim(oom, null, oom.totalRamPages + oom.totalSwapPages, profile)
      expect(sim.victim?.pid).toBe(host.global.victim?.pid)
      for (const c of host.cgroups) {
        const m = oom.memcgs.get(c.path)
        expect(m?.limit).toBe(c.limitPages)
        const v = pickVictim(oom, c.path, c.totalPages, profile)
        expect(v.victim?.pid, c.path).toBe(c.victim?.pid)
      }
    })
  }

  it("carries zoneinfo's min/low/high (less the boost) and protection into the scenario: the kernel set them at boot (init_per_zone_wmark_min())", async () => {
    const root = join(fixtures, 'cgroup-v1-6.18')
    const r = await runCli(['snapshot', '--root', root])
    const scenario = parseScenario(r.stdout, 'host.yaml')
    const reading = scanHost(new LiveHostSource(root))
    const booted = bootScenario(scenario, findProfile(scenario.profile)!)
    const zones = reading.zones.filter(z => z.present > 0 && z.high > 0)
    expect(zones.length).toBeGreaterThan(0)
    for (const z of zones) {
      const b = booted.world.zones.find(x => x.node === z.node && x.type === z.zone)!
      expect([b.wmarkMin, b.wmarkLow, b.wmarkHigh]).toEqual([
        z.min - z.boost,
        z.low - z.boost,
        z.high - z.boost
      ])
      expect(b.lowmemReserve).toEqual(z.protection.slice(0, b.lowmemReserve.length))
    }
  })

  it('applies what-ifs: grow until killed, a new oom_score_adj, a new limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oomkit-snap-'))
    try {
      const file = join(dir, 'host.yaml')
      const r = await runCli([
        'snapshot',
        '--root',
        join(fixtures, 'cgroup-v2-6.8-synthetic'),
        '-o',
        file,
        '--grow',
        '3190=+4GiB',
        '--set-adj',
        '2300=-100',
        '--limit',
        '/user.slice/user-1000.slice=2GiB'
      ])
      expect(r.code).toBe(0)
      expect(r.stdout).toBe('')
      const s = parseScenario(readFileSync(file, 'utf8'), file)
      expect(s.timeline).toEqual([
        { at: '1s', do: 'touch', pid: 3190, size: 16384, every: '10ms', until: 'killed', count: 64 }
      ])
      expect(s.processes.find(p => p.pid === 2300)?.oom_score_adj).toBe(-100)
      expect(
        s.cgroups?.groups?.find(g => g.path === '/user.slice/user-1000.slice')?.['memory.max']
      ).toBe(524288)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('v1 limits go to memory.limit_in_bytes; --cgroup keeps one subtree with its ancestors', async () => {
    const r = await runCli(
      [
        'snapshot',
        '--root',
        join(fixtures, 'swap-v1-3.10-synthetic'),
        '-o',
        '-.json',
        '--cgroup',
        '/system.slice/httpd.service',
        '--limit',
        '/system.slice/httpd.service=256M'
      ].filter(a => a !== '-o' && a !== '-.json')
    )
    expect(r.code).toBe(0)
    const s = parseScenario(r.stdout, 'x.yaml')
    expect(s.cgroups?.groups?.map(g => g.path)).toEqual([
      '/system.slice',
      '/system.slice/httpd.service'
    ])
    expect(s.cgroups?.groups?.[1]?.['memory.limit_in_bytes']).toBe(65536)
    expect(s.processes.map(p => p.pid)).toEqual([1401, 1402, 1403])
    // Written with the host's unit; loaded as pages (2097148 kB / 4).
    expect(r.stdout).toContain('size: 2097148kB')
    expect(s.machine.swap?.[0]?.size).toBe(524287)
  })

  it('rejects bad what-ifs with one line and exit 2', async () => {
    const root = join(fixtures, 'cgroup-v2-6.8-synthetic')
    for (const extra of [
      ['--grow', '99999=+1G'],
      ['--grow', '3190=lots'],
      ['--set-adj', '3190=5000'],
      ['--limit', '/nope=1G'],
      ['--limit', '/=1G'],
      ['--profile', 'nonsense']
    ]) {
      const r = await runCli(['snapshot', '--root', root, ...extra])
      expect(r.code, extra.join(' ')).toBe(2)
      expect(r.stderr).toMatch(/^oomkit: [^\n]+\n$/)
      expect(r.stdout).toBe('')
    }
  })

  it.skipIf(!linux)('snapshots the live host into a scenario the loader accepts', async () => {
    const r = await runCli(['snapshot'])
    expect(r.code).toBe(0)
    const s = parseScenario(r.stdout, 'live.yaml')
    expect(s.processes.length).toBeGreaterThan(3)
    expect(() => bootScenario(s, findProfile(s.profile)!)).not.toThrow()
  })
})
