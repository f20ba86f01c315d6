/**
 * The exit_mmap() race on this host's 6.18 (conformance/exit-race.ts), from a fresh-clone CI run
 * under 200 process starts a second: seed 2's second memcg OOM came with the grower (hog2_1,
 * 13278) at the same rss 5777 as in the first report, while the first victim's 4864 kB of anon
 * memory were not back; the kernel then killed 13280 (hog2_1c0), where the simulator, which frees
 * a victim's memory at its exit, grew on and killed 13278.
 */
import { describe, expect, it } from 'vitest'
import type { KernelKill } from '../../conformance/kernel-report.ts'
import { raceExplained, raceNote } from '../../conformance/exit-race.ts'

const GROWER = 13278
const rows = (growerRss: number) => [
  { pid: 13271, rss: 1841 },
  { pid: GROWER, rss: growerRss },
  { pid: 13280, rss: 1807 },
  { pid: 13281, rss: 1807 }
]
const kill = (pid: number, anonRssKb: number, growerRss: number, comm: string): KernelKill =>
  ({
    killed: { pid, anonRssKb },
    tasks: rows(growerRss),
    killedText: `Memory cgroup out of memory: Killed process ${pid} (${comm})`
  }) as unknown as KernelKill
// hog 1 is the grower and its two children; hog 2 (13282) has none.
const roles = new Map([
  [13278, { hog: 1 }],
  [13280, { hog: 1 }],
  [13281, { hog: 1 }],
  [13282, { hog: 2 }]
])

describe('a host kill before the previous victim memory is back (6.18)', () => {
  it('explains seed 2: the grower did not grow between the two reports', () => {
    const kills = [kill(13282, 4864, 5777, 'hog2_2'), kill(13280, 5164, 5777, 'hog2_1c0')]
    expect(raceExplained({ kills, roles, growerPid: GROWER }, 1, false)).toBe(1)
    expect(raceNote(kills, 1, GROWER)).toContain('grower rss 5777 → 5777 pages')
  })

  it('not when the grower grew by the victim memory, nor when the victim shares memory', () => {
    const grown = [kill(13282, 4864, 5777, 'hog2_2'), kill(13280, 5164, 7250, 'hog2_1c0')]
    expect(raceExplained({ kills: grown, roles, growerPid: GROWER }, 1, false)).toBe(0)
    // A first victim with a live sibling (COW pages shared) frees less than its rss says.
    const sharing = [kill(13281, 4864, 5777, 'hog2_1c1'), kill(13280, 5164, 5777, 'hog2_1c0')]
    expect(raceExplained({ kills: sharing, roles, growerPid: GROWER }, 1, false)).toBe(0)
  })
})

describe('a victim whose mm a vfork or CLONE_VM child shares (6.18 __oom_kill_process())', () => {
  // hog 1's parent 13278 is the grower; hog 2's parent 13282 has a vfork child 13283 (killed
  // with it, process_shares_mm()), and hog 3's parent 13284 a CLONE_VM child 13285.
  const mmRoles = new Map([
    [13278, { hog: 1, role: 'parent' }],
    [13282, { hog: 2, role: 'parent' }],
    [13283, { hog: 2, role: 'vfork' }],
    [13284, { hog: 3, role: 'parent' }],
    [13285, { hog: 3, role: 'clone-vm' }]
  ])
  it('its memory comes back with the mm: the race is explained', () => {
    for (const victim of [13282, 13284]) {
      const kills = [kill(victim, 4864, 5777, 'v'), kill(GROWER, 5164, 5777, 'hog2_1')]
      expect(raceExplained({ kills, roles: mmRoles, growerPid: GROWER }, 1, false)).toBe(1)
    }
  })
})
