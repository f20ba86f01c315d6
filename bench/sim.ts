/**
 * @module Simulator benchmarks: the whole default scenario in-process, allocation events per
 * second on a 1,000,000-event workload, and a 64 GiB machine filled to OOM.
 */
import { DEFAULT_SCENARIO_YAML, parseScenario, runScenario } from '../src/sim/index.ts'

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? 0
}

function time(fn: () => void, runs: number): number {
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    out.push(performance.now() - t0)
  }
  return median(out)
}

/** 1,000,000 separate allocation requests (alloc + free, 1 µs apart) on a 16 GiB machine. */
const ALLOC_EVENTS = 1_000_000
const allocYaml = `name: alloc events
profile: '6.1'
duration: 10s
machine: { memory: 16G }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 100, comm: churn, rss: { anon: 1M } }
timeline:
  - { at: 1ms, do: alloc, pid: 100, gfp: GFP_KERNEL, count: 8, free: true, every: 1us, count: 1 }
`

const fillYaml = `name: fill 64G
profile: '6.11'
machine: { memory: 64G }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 100, comm: hog, rss: { anon: 1M } }
timeline:
  - { at: 1ms, do: touch, pid: 100, size: 1M, every: 100us, until: killed }
`

export async function bench(): Promise<Record<string, number>> {
  await Promise.resolve()
  const def = parseScenario(DEFAULT_SCENARIO_YAML, 'default')
  runScenario(def)
  const defaultMs = time(() => {
    runScenario(parseScenario(DEFAULT_SCENARIO_YAML, 'default'))
  }, 5)

  const alloc = parseScenario(
    allocYaml
      .replace('every: 1us, count: 1 }', `every: 1us, count: ${ALLOC_EVENTS} }`)
      .replace('count: 8, free', 'free'),
    'alloc'
  )
  let events = 0
  const allocMs = time(() => {
    events = runScenario(alloc, { maxSteps: 10_000_000 }).summary.stats.allocEvents
  }, 1)

  const fill = parseScenario(fillYaml, 'fill')
  let victims = 0
  const fillMs = time(() => {
    victims = runScenario(fill).summary.victims.length
  }, 3)
  if (victims !== 1) throw new Error(`fill_64g: expected one victim, got ${victims}`)
  if (events < ALLOC_EVENTS) throw new Error(`alloc workload made only ${events} allocation events`)
  return {
    simulate_default_inproc_ms: Math.round(defaultMs * 10) / 10,
    alloc_events_per_s: Math.round(events / (allocMs / 1000)),
    fill_64g_ms: Math.round(fillMs * 10) / 10
  }
}
