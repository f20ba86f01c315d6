/**
 * @module Recording the run's time series (see samples.ts): a point after each step that
 * changed memory, thinned to at most MAX_SAMPLES points by keeping every other point when full.
 */
import type { Sim } from './sim-state.ts'
import { MAX_SAMPLES, type ProcessSeries, type Samples } from './samples.ts'

interface SamplerState {
  lastKey: number
  lastNs: number
  /** Minimum simulated time between points; doubles each time the series are thinned. */
  minGapNs: number
}
const states = new WeakMap<Sim, SamplerState>()

/** Record one point (forced, or when zone free counts changed and enough time passed). */
export function recordSample(sim: Sim, force: boolean): void {
  const w = sim.w
  let st = states.get(sim)
  if (st === undefined) states.set(sim, (st = { lastKey: -1, lastNs: -1, minGapNs: 0 }))
  let key = 0
  // Pages taken from a per-CPU list leave `free` as it was: the lists' count is part of the key.
  for (const z of w.zones) key = (key * 31 + z.free) * 31 + z.pcp
  if (!force && (key === st.lastKey || sim.nowNs - st.lastNs < st.minGapNs)) return
  st.lastKey = key
  st.lastNs = sim.nowNs
  const s = sim.samples
  if (s.tNs.length >= MAX_SAMPLES) {
    thin(s)
    st.minGapNs = Math.max(1000, st.minGapNs * 2, Math.floor(sim.nowNs / MAX_SAMPLES))
  }
  const n = s.tNs.length
  s.tNs.push(sim.nowNs)
  w.zones.forEach((z, i) => {
    const zs = s.zones[i]
    if (zs === undefined) return
    zs.free.push(z.free)
    zs.min.push(z.wmarkMin + z.boost)
    zs.low.push(z.wmarkLow + z.boost)
    zs.high.push(z.wmarkHigh + z.boost)
  })
  const byPid = new Map(s.processes.map(p => [p.pid, p]))
  for (const p of w.oom.processes) {
    if (p.mmId === null) continue
    const mm = w.oom.mms.get(p.mmId)
    if (mm === undefined) continue
    let ps = byPid.get(p.pid)
    if (ps === undefined) {
      ps = {
        pid: p.pid,
        comm: p.comm,
        rss: new Array<number>(n).fill(0),
        anon: new Array<number>(n).fill(0),
        swap: new Array<number>(n).fill(0)
      }
      s.processes.push(ps)
      byPid.set(p.pid, ps)
    }
    ps.rss.push(mm.anon + mm.file + mm.shmem)
    ps.anon.push(mm.anon)
    ps.swap.push(mm.swapEnts)
  }
  for (const ps of s.processes) padTo(ps, n + 1)
  for (const m of w.oom.memcgs.values()) {
    let ms = s.memcgs.find(x => x.path === m.path)
    if (ms === undefined) {
      ms = { path: m.path, usage: new Array<number>(n).fill(0), limit: m.limit }
      s.memcgs.push(ms)
    }
    ms.usage.push(m.usage)
    ms.limit = m.limit
  }
  s.swapUsed.push(w.mem.swap.reduce((a, d) => a + (d.active ? d.used : 0), 0))
  s.swapTotal.push(w.mem.swap.reduce((a, d) => a + (d.active ? d.pages : 0), 0))
  s.pageCache.push(w.mem.nodes.reduce((a, nd) => a + nd.counters.filePages, 0))
}

function padTo(ps: ProcessSeries, len: number): void {
  while (ps.rss.length < len) {
    ps.rss.push(0)
    ps.anon.push(0)
    ps.swap.push(0)
  }
}

function keepEven<T>(a: T[]): T[] {
  return a.filter((_, i) => i % 2 === 0 || i === a.length - 1)
}

function thin(s: Samples): void {
  s.tNs = keepEven(s.tNs)
  for (const z of s.zones) {
    z.free = keepEven(z.free)
    z.min = keepEven(z.min)
    z.low = keepEven(z.low)
    z.high = keepEven(z.high)
  }
  for (const p of s.processes) {
    p.rss = keepEven(p.rss)
    p.anon = keepEven(p.anon)
    p.swap = keepEven(p.swap)
  }
  for (const m of s.memcgs) m.usage = keepEven(m.usage)
  s.swapUsed = keepEven(s.swapUsed)
  s.swapTotal = keepEven(s.swapTotal)
  s.pageCache = keepEven(s.pageCache)
}

/** The finished series (all arrays the same length). */
export function finishSamples(sim: Sim): Samples {
  const s = sim.samples
  for (const m of s.memcgs) while (m.usage.length < s.tNs.length) m.usage.unshift(0)
  return s
}
