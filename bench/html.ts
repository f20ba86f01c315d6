/**
 * @module Benchmark of the HTML report: time to build and render the default scenario's page
 * (run excluded, chart library preloaded) and a large synthetic page (4,000 samples, 3 zones,
 * 60 processes, 20 OOMs with 60 candidates each), plus the sizes of both documents.
 * Figures: ms per render (mean) and KiB.
 */
import { loadAssets } from '../src/html/assets.ts'
import { simulationPageFrom } from '../src/html/from-sim.ts'
import type { Marker, OomSection, SimulationPage } from '../src/html/page-model.ts'
import { renderSimulationHtml } from '../src/html/simulation-page.ts'
import { findProfile } from '../src/kernel/profiles.ts'
import {
  DEFAULT_SCENARIO_NAME,
  DEFAULT_SCENARIO_YAML,
  parseScenario,
  runScenario
} from '../src/sim/index.ts'

export function largePage(): SimulationPage {
  const n = 4000
  const times = Array.from({ length: n }, (_, i) => i * 0.01)
  const wave = (k: number): number[] =>
    times.map((t, i) => 1e6 + 5e5 * Math.sin(t / (k + 1)) + (i % 7))
  const markers: Marker[] = []
  const ooms: OomSection[] = []
  for (let o = 0; o < 20; o++) {
    const t = 1 + o * 1.9
    markers.push({ kind: 'oom', timeSec: t, label: `OOM ${o + 1}`, oom: o })
    markers.push({ kind: 'kill', timeSec: t, label: `kill ${o}`, oom: o })
    ooms.push({
      id: `oom-${o + 1}`,
      title: `OOM ${o + 1}`,
      timeSec: t,
      facts: [['Constraint', 'CONSTRAINT_NONE']],
      scoreUnit: 'pages',
      ranking: Array.from({ length: 60 }, (_, i) => ({
        rank: i + 1,
        pid: 1000 + i,
        comm: `worker-${i}`,
        oomScoreAdj: 0,
        points: 60_000 - i * 900,
        parts: {
          rss: 50_000 - i * 800,
          swap: 9_000 - i * 100,
          pgtables: 1_000,
          adj: 0,
          rootBonus: 0
        },
        ineligible: null,
        victim: i === 0
      })),
      memory: null,
      log: Array.from({ length: 120 }, (_, i) => ({
        text: `[ ${t.toFixed(6)}] line ${i}`,
        mark: null
      })),
      notes: []
    })
  }
  for (let i = 0; i < 2000; i++)
    markers.push({ kind: 'reclaim', timeSec: i * 0.02, label: 'reclaim.direct', oom: null })
  return {
    title: 'large',
    meta: [],
    timeline: {
      timesSec: times,
      zones: [0, 1, 2].map(z => ({
        name: `Node 0 Z${z}`,
        freeKb: wave(z),
        minKb: wave(9),
        lowKb: wave(9),
        highKb: wave(9)
      })),
      processes: Array.from({ length: 60 }, (_, p) => ({
        pid: 1000 + p,
        comm: `worker-${p}`,
        rssKb: wave(p)
      })),
      swap: null,
      markers
    },
    ooms,
    log: Array.from({ length: 5000 }, (_, i) => `[ ${i}.000000] line ${i}`)
  }
}

function meanMs(f: () => unknown, rounds: number): number {
  f()
  const t0 = performance.now()
  for (let i = 0; i < rounds; i++) f()
  return (performance.now() - t0) / rounds
}

export async function bench(): Promise<Record<string, number>> {
  const assets = await loadAssets()
  const run = runScenario(parseScenario(DEFAULT_SCENARIO_YAML, DEFAULT_SCENARIO_NAME))
  const profile = findProfile(run.summary.profile)
  if (profile === undefined) throw new Error(`unknown profile ${run.summary.profile}`)
  const big = largePage()
  const defaultHtml = renderSimulationHtml(simulationPageFrom(run, profile), assets)
  const bigHtml = renderSimulationHtml(big, assets)
  return {
    'html.default.render_ms': meanMs(
      () => renderSimulationHtml(simulationPageFrom(run, profile), assets),
      50
    ),
    'html.default.kib': defaultHtml.length / 1024,
    'html.large.render_ms': meanMs(() => renderSimulationHtml(big, assets), 5),
    'html.large.kib': bigHtml.length / 1024
  }
}
