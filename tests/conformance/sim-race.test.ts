/**
 * Check 2's exit-race rule with several growers (conformance/checks/sim-race.ts), on the two
 * runs of seed 700004 (`concurrent`, free running, three growers) on this host's 6.18: in the
 * first, growers cc4_g1 took the first victim's pages before cc4_g2 OOMed (no race: compared);
 * in the second, nobody grew between the first two reports, 3 ms apart, while the first
 * victim's 9088 kB were not back (a race: counted apart).
 */
import { describe, expect, it } from 'vitest'
import { allGrowersRace, growthBetween } from '../../conformance/checks/sim-race.ts'
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
})
