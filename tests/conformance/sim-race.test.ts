/**
 * Check 2's exit-race rule with several growers (conformance/checks/sim-race.ts), on the two
 * runs of seed 700004 (`concurrent`, free running, three growers) on this host's 6.18: in the
 * first, growers cc4_g1 took the first victim's pages before cc4_g2 OOMed (no race: compared);
 * in the second, nobody grew between the first two reports, 3 ms apart, while the first
 * victim's 9088 kB were not back (a race: counted apart).
 */
import { describe, expect, it } from 'vitest'
import type { CaseRun } from '../../conformance/case-run.ts'
import { allGrowersRace, growthBetween, raceFrom } from '../../conformance/checks/sim-race.ts'
import type { KernelKill } from '../../conformance/kernel-report.ts'

const kill = (victim: number, anonRssKb: number, rows: [number, number][]): KernelKill =>
  ({
    killed: { pid: victim, anonRssKb },
    tasks: rows.map(([pid, rss]) => ({ pid, rss })),
    killedText: `Memory cgroup out of memory: Killed process ${victim} (x)`
  }) as unknown as KernelKill

describe('a kill before the previous victim memory is back, with several growers', () => {
  it('is no race when a co-grower took the freed pages (seed 700004, first run)', () => {
    const kills = [
      kill(23772, 9088, [
        [23771, 3090],
        [23772, 2770],
        [23779, 3250],
        [23780, 5298],
        [23781, 4242]
      ]),
      kill(23780, 28160, [
        [23771, 3090],
        [23779, 3250],
        [23780, 7538],
        [23781, 4242]
      ])
    ]
    // The case's grower (23779) did not grow: the one-grower rule would call it a race.
    expect(growthBetween(kills, 1)).toBe(2240)
    expect(allGrowersRace(kills, 1)).toBe(false)
  })

  it('is a race when no task grew by the victim anon-rss (seed 700004, second run)', () => {
    const rows: [number, number][] = [
      [30834, 3090],
      [30836, 3730],
      [30837, 4914],
      [30838, 4146]
    ]
    const kills = [kill(30835, 9088, [...rows, [30835, 2770]]), kill(30834, 10368, rows)]
    expect(growthBetween(kills, 1)).toBe(0)
    expect(allGrowersRace(kills, 1)).toBe(true)
  })

  it('counts a later kill apart when it follows a race kill (seed 700004, third run)', () => {
    // Kill 2 came 5 ms after kill 1 with every row unchanged; the simulator, which had freed
    // cc4_1's pages, agreed on kills 1 and 2, then killed cc4_g2 where the kernel killed cc4_g1.
    const r1: [number, number][] = [
      [10750, 3090],
      [10752, 4530],
      [10753, 3986],
      [10754, 4274]
    ]
    const kills = [
      kill(10751, 9088, [...r1, [10751, 2770]]),
      kill(10750, 10368, r1),
      kill(10753, 23424, [
        [10752, 5042],
        [10753, 6354],
        [10754, 6226]
      ]),
      kill(10754, 45312, [
        [10752, 5298],
        [10754, 11826]
      ])
    ]
    const run = {
      spec: { seed: 700004 },
      kills,
      coGrowers: [{ pid: 10753 }, { pid: 10754 }]
    } as unknown as CaseRun
    expect(allGrowersRace(kills, 2)).toBe(false)
    const race = raceFrom(run, 2)
    expect(race?.explained).toBe(2)
    expect(race?.note).toMatch(/^seed 700004: kill 2 came before victim 10751's memory was back/)
    expect(raceFrom(run, 0)).toBeNull()
  })
})
