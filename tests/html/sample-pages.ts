/**
 * Hand-built view models for the HTML tests: a small machine whose Normal zone runs dry, a
 * memory hog, a comm name that is an HTML injection attempt, two OOMs with kills and reaping.
 */
import type { Marker, OomSection, RankingRow, SimulationPage } from '../../src/html/page-model.ts'

export const EVIL_COMM = '<img src=x onerror="window.__pwned=1">'

function ranking(victimPid: number, hogRss: number): RankingRow[] {
  return [
    {
      rank: 1,
      pid: victimPid,
      comm: 'stress-ng-vm',
      oomScoreAdj: 1000,
      points: hogRss + 2_000 + 1_000 * 2_000,
      parts: { rss: hogRss, swap: 0, pgtables: 2_000, adj: 2_000_000, rootBonus: 0 },
      ineligible: null,
      victim: true
    },
    {
      rank: 2,
      pid: 300,
      comm: EVIL_COMM,
      oomScoreAdj: 0,
      points: 150_000,
      parts: { rss: 140_000, swap: 9_000, pgtables: 1_000, adj: 0, rootBonus: 0 },
      ineligible: null,
      victim: false
    },
    {
      rank: 3,
      pid: 400,
      comm: 'postgres',
      oomScoreAdj: -500,
      points: 20_000,
      parts: { rss: 1_020_000, swap: 0, pgtables: 0, adj: -1_000_000, rootBonus: 0 },
      ineligible: null,
      victim: false
    },
    {
      rank: null,
      pid: 1,
      comm: 'systemd',
      oomScoreAdj: -1000,
      points: null,
      parts: null,
      ineligible: 'unkillable',
      victim: false
    }
  ]
}

function section(i: number, t: number, victimPid: number): OomSection {
  return {
    id: `oom-${i + 1}`,
    title: `OOM ${i + 1} at ${t.toFixed(3)} s: stress-ng-vm (${victimPid}) killed`,
    timeSec: t,
    facts: [
      ['Triggered by', `stress-ng-vm (${victimPid})`],
      ['Constraint', 'CONSTRAINT_NONE'],
      ['Killed', `stress-ng-vm (${victimPid})`]
    ],
    scoreUnit: 'pages',
    ranking: ranking(victimPid, 1_900_000 - i * 10_000),
    memory: {
      zones: [
        { name: 'Node 0 DMA', freeKb: 32, minKb: 20, lowKb: 32, highKb: 44, managedKb: 15_360 },
        {
          name: 'Node 0 Normal',
          freeKb: 984,
          minKb: 8_628,
          lowKb: 14_764,
          highKb: 20_900,
          managedKb: 6_138_744
        }
      ],
      facts: [
        ['Free swap', '0 kB'],
        ['RAM', '8.00 GB']
      ]
    },
    log: [
      {
        text: `[${t.toFixed(6)}] stress-ng-vm invoked oom-killer: gfp_mask=0x440dc0, order=0`,
        mark: 'invoked'
      },
      { text: `[${t.toFixed(6)}] [    300]     0   300 ... ${EVIL_COMM}`, mark: null },
      {
        text: `[${t.toFixed(6)}] Out of memory: Killed process ${victimPid} (stress-ng-vm)`,
        mark: 'killed'
      }
    ],
    notes: []
  }
}

/** A two-OOM simulation over 40 s sampled every 50 ms. */
export function sampleSimulation(): SimulationPage {
  const times: number[] = []
  for (let t = 0; t <= 40; t += 0.05) times.push(Math.round(t * 1000) / 1000)
  const oomTimes = [18.2, 33.5]
  const free = times.map(t => {
    const phase = t < 18.2 ? t : t < 33.5 ? t - 18.2 : t - 33.5
    return Math.max(900, 6_000_000 - phase * 330_000)
  })
  const hog = times.map(t => {
    const phase = t < 18.2 ? t : t < 33.5 ? t - 18.2 : t - 33.5
    return 200_000 + phase * 330_000
  })
  const markers: Marker[] = []
  oomTimes.forEach((t, i) => {
    markers.push({
      kind: 'alloc-fail',
      timeSec: t - 0.01,
      label: 'order-0 allocation failed',
      oom: null
    })
    markers.push({ kind: 'oom', timeSec: t, label: `OOM ${i + 1}: stress-ng-vm order=0`, oom: i })
    markers.push({
      kind: 'kill',
      timeSec: t + 0.001,
      label: `Killed stress-ng-vm (${116 + i})`,
      oom: i
    })
    markers.push({
      kind: 'reaper',
      timeSec: t + 0.2,
      label: `oom_reaper reaped ${116 + i}`,
      oom: null
    })
  })
  for (let t = 14; t < 18.2; t += 0.5)
    markers.push({ kind: 'reclaim', timeSec: t, label: 'direct reclaim', oom: null })
  markers.sort((a, b) => a.timeSec - b.timeSec)
  return {
    title: 'Simulation: sample hog',
    meta: [
      ['Scenario', 'sample <hog>'],
      ['Kernel', '6.11']
    ],
    timeline: {
      timesSec: times,
      zones: [
        {
          name: 'Node 0 DMA',
          freeKb: times.map(() => 32),
          minKb: times.map(() => 20),
          lowKb: times.map(() => 32),
          highKb: times.map(() => 44)
        },
        {
          name: 'Node 0 Normal',
          freeKb: free,
          minKb: times.map(() => 8_628),
          lowKb: times.map(() => 14_764),
          highKb: times.map(() => 20_900)
        }
      ],
      processes: [
        { pid: 116, comm: 'stress-ng-vm', rssKb: hog },
        { pid: 300, comm: EVIL_COMM, rssKb: times.map(() => 560_000) },
        { pid: 400, comm: 'postgres', rssKb: times.map(t => (t < 5 ? null : 1_200_000)) }
      ],
      swap: {
        usedKb: times.map(t => Math.min(t * 10_000, 100_000)),
        totalKb: times.map(() => 100_000)
      },
      markers
    },
    ooms: oomTimes.map((t, i) => section(i, t, 116 + i)),
    log: [`[    0.000000] Linux version 6.11`, `[   18.200000] ${EVIL_COMM} invoked oom-killer`]
  }
}
