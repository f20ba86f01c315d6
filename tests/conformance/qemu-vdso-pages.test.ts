/**
 * The guest's 1-page file-rss is the vDSO, not page cache (conformance/qemu/vdso-pages.ts;
 * vdso_fault() and do_set_pte(), 6.1). Fixture: the scenario check 2 built for seed 59 of a full
 * run (guest meminfo: Active(file) and Inactive(file) 0 kB; every process RssFile 4 kB; DMA32
 * boost 958 pages and the node hopeless at the snapshot). The kernel killed g59_2, g59_0 and
 * then the grower (rss 30487, 38473, 41377 in its three reports, DMA32 `boost:3832kB` in each).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { HostReading } from '../../src/host/scan.ts'
import { runScenario } from '../../src/sim/index.ts'
import { ScenarioSpec, type ScenarioFile } from '../../src/sim/schema.ts'
import { fileLruEmpty, VDSO_FILE, vdsoFilePages } from '../../conformance/qemu/vdso-pages.ts'

const scenario = (): ScenarioFile =>
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, '..', 'fixtures', 'qemu', 'seed59-full-run.scenario.json'),
      'utf8'
    )
  ) as ScenarioFile

const reading = (active: number, inactive: number): HostReading =>
  ({ meminfo: { 'Active(file)': active, 'Inactive(file)': inactive } }) as unknown as HostReading

function run(s: ScenarioFile): { victims: string[]; growerRss: number[]; boosts: string[] } {
  const r = runScenario(ScenarioSpec.parse(s))
  const texts = r.log.map(l => l.text)
  return {
    victims: r.summary.victims.map(v => v.comm),
    growerRss: texts
      .filter(t => t.endsWith(' g59grow') && t.startsWith('['))
      .map(t => Number(t.trim().split(/\s+/)[5])),
    boosts: texts
      .filter(t => t.startsWith('Node 0 DMA32 free:'))
      .map(t => /boost:\d+kB/.exec(t)![0])
  }
}

describe("the guest's file-rss as the shared, never reclaimed vDSO page", () => {
  it('applies only when the file LRUs are empty', () => {
    expect(fileLruEmpty(reading(0, 0))).toBe(true)
    expect(fileLruEmpty(reading(0, 4))).toBe(false)
    const s = scenario()
    expect(vdsoFilePages(s, reading(8, 0))).toBe(0)
    expect(s.processes.every(p => p.rss?.file === 1)).toBe(true)
  })

  it('maps one shared ramfs page in every process, rss unchanged', () => {
    const s = scenario()
    expect(vdsoFilePages(s, reading(0, 0))).toBe(6)
    expect(s.files).toEqual([{ path: VDSO_FILE, size: 1, cached: 1, fs: 'ramfs' }])
    for (const p of s.processes) {
      expect(p.rss?.file).toBeUndefined()
      expect(p.vmas).toEqual([
        { name: '[vdso]', kind: 'file', file: VDSO_FILE, size: 1, resident: 1 }
      ])
    }
  })

  it("seed 59: the dead victim's text page no longer revives kswapd, the boost stays, three kills", () => {
    // As page cache, the first victim's text page is reclaimed once it exits: shrink_node()
    // progress resets kswapd_failures, kswapd takes the 3832 kB boost off, the grower gains it.
    const before = run(scenario())
    expect(before.victims).toEqual(['g59_2', 'g59_0'])
    expect(before.boosts).toEqual(['boost:3832kB', 'boost:0kB'])
    const s = scenario()
    vdsoFilePages(s, reading(0, 0))
    // The calibration (free pages against the guest's MemFree) sees 5 pages fewer taken.
    s.machine.kernel = { ...s.machine.kernel, other: Number(s.machine.kernel?.other ?? 0) + 5 }
    const after = run(s)
    expect(after.victims).toEqual(['g59_2', 'g59_0', 'g59grow'])
    expect(after.boosts).toEqual(['boost:3832kB', 'boost:3832kB', 'boost:3832kB'])
    // Within the free-count bound of the kernel's reports (30487, 38473, 41377).
    expect(after.growerRss).toEqual([30475, 38387, 41218])
  })
})
