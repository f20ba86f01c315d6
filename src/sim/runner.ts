/**
 * @module runScenario(): boot a scenario and run its timeline on the simulated clock, with
 * kswapd and the oom_reaper as kernel threads, victims exiting after their delay, and tasks
 * blocked in the allocator resumed when memory is freed. Deterministic for a given scenario,
 * profile and seed.
 */
import { findProfile, type KernelProfile } from '../kernel/profiles.ts'
import { makeReaperState } from '../kernel/oom-reaper.ts'
import { makeRatelimit } from '../kernel/ratelimit.ts'
import { KernelPanic } from '../kernel/mm/kernel-output.ts'
import {
  backgroundWriteback,
  DIRTY_WRITEBACK_NS,
  dirtyPages,
  flushDirty
} from '../kernel/mm/writeback.ts'
import type { PrintkRecord } from '../kernel/oom-kill.ts'
import { bootScenario } from './build.ts'
import { durationToNs } from './size.ts'
import { nextIteration, runAction } from './actions.ts'
import { applyKernelOutput, emitSim, schedule } from './effects.ts'
import { exitProcess, runKswapd, runReaper } from './kthreads.ts'
import { emptySamples, type Samples } from './samples.ts'
import { spreadPrintkTimes } from './printk-times.ts'
import { recordSample, finishSamples } from './sampler.ts'
import type { Scenario } from './schema.ts'
import type { QueueItem, Sim } from './sim-state.ts'
import { buildSummary, type RunSummary } from './summary.ts'
import type { TraceEvent } from './trace.ts'

/** Options of a run. */
export interface RunOptions {
  /** Override the scenario's kernel profile (a name or a release string). */
  profile?: string | KernelProfile
  seed?: number
  /** Called now and then with the simulated time and the number of steps. */
  onProgress?: (info: { nowNs: number; endNs: number; steps: number }) => void
  /** Safety bound on simulation steps (default 5,000,000). */
  maxSteps?: number
}

/** What a run produces. */
export interface RunResult {
  log: PrintkRecord[]
  trace: TraceEvent[]
  summary: RunSummary
  samples: Samples
}

function resolveProfile(s: Scenario, opt: RunOptions['profile']): KernelProfile {
  if (opt !== undefined && typeof opt !== 'string') return opt
  const name = opt ?? s.profile
  const p = findProfile(name)
  if (p === undefined) throw new Error(`unknown kernel profile '${name}'`)
  return p
}

/** The run's state right after boot, with the kernel's environment set on the world. */
function makeSim(scenario: Scenario, profile: KernelProfile, seed: number): Sim {
  const booted = bootScenario(scenario, profile)
  const w = booted.world
  w.env = {
    kernelRelease: booted.kernelRelease,
    hardware: booted.hardware,
    cpus: booted.cpus,
    taint: scenario.machine.taint ?? null,
    build: scenario.machine.build ?? null,
    userRegs: new Map(
      (scenario.processes ?? []).flatMap(p => (p.userRegs ? [[p.pid, p.userRegs] as const] : []))
    ),
    lruGen: scenario.machine.config?.lruGen === true,
    showMemConfig: (scenario.machine.config as Record<string, boolean> | undefined) ?? null,
    oomRatelimit: makeRatelimit(),
    nopageRatelimit: makeRatelimit(10_000_000_000, 1),
    pfRatelimit: makeRatelimit()
  }
  return {
    scenario,
    profile,
    w,
    actions: scenario.timeline ?? [],
    queue: [],
    seq: 0,
    nowNs: 0,
    endNs: scenario.duration !== undefined ? durationToNs(scenario.duration) : 600e9,
    log: [],
    trace: [],
    samples: emptySamples(
      w.zones.map(z => ({ node: z.node, zone: z.type, managed: z.managedPages }))
    ),
    exits: booted.exits,
    vmaByName: booted.vmaByName,
    hz: booted.hz,
    reaper: makeReaperState(),
    reaperQueued: false,
    blocked: new Map(),
    exiting: new Set(),
    victims: [],
    panic: null,
    oomInvocations: 0,
    allocFailures: [],
    enomem: [],
    worldChanged: false,
    oomSeen: 0,
    lastOomNs: -1,
    stopped: new Set(),
    seed,
    steps: 0,
    pendingRepeat: null,
    flushQueued: false
  }
}

/** The boot event: the profile and each zone's watermarks. */
function emitBoot(sim: Sim): void {
  const w = sim.w
  emitSim(sim, 'sim.boot', {
    profile: sim.profile.name,
    minFreeKbytes: w.mem.vm.minFreeKbytes,
    zones: w.zones.map(z => ({
      node: z.node,
      zone: z.type,
      managed: z.managedPages,
      min: z.wmarkMin,
      low: z.wmarkLow,
      high: z.wmarkHigh,
      lowmemReserve: z.lowmemReserve
    }))
  })
}

/** Run a validated scenario in-process. */
export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const profile = resolveProfile(scenario, options.profile)
  const sim = makeSim(scenario, profile, options.seed ?? scenario.seed ?? 0)
  emitBoot(sim)
  recordSample(sim, true)
  sim.actions.forEach((a, index) =>
    schedule(sim, { kind: 'action', t: durationToNs(a.at), index, iter: 0 })
  )
  runQueue(sim, options)
  if (sim.blocked.size > 0) {
    for (const b of sim.blocked.values())
      emitSim(sim, 'sim.stuck', { pid: b.pid, reason: b.reason, sinceNs: b.since })
  }
  emitSim(sim, 'sim.end', { panic: sim.panic, steps: sim.steps })
  applyKernelOutput(sim)
  recordSample(sim, true)
  // Every line of a report is logged at one simulated instant; the kernel's lines differ by
  // microseconds (printk stamps each record with local_clock()).
  const log = spreadPrintkTimes(
    sim.log,
    sim.trace.map(e => e.timeNs)
  )
  return { log, trace: sim.trace, summary: buildSummary(sim), samples: finishSamples(sim) }
}

/** Run the queue on the simulated clock until it is empty, the end, a panic or maxSteps. */
function runQueue(sim: Sim, options: RunOptions): void {
  const jiffyNs = Math.round(1e9 / sim.hz)
  const maxSteps = options.maxSteps ?? 5_000_000
  let lastProgress = 0
  const progress = (): void => {
    if (options.onProgress === undefined || sim.steps - lastProgress < 1024) return
    lastProgress = sim.steps
    options.onProgress({ nowNs: sim.nowNs, endNs: sim.endNs, steps: sim.steps })
  }
  while (sim.queue.length > 0 && sim.panic === null && sim.steps < maxSteps) {
    const item = sim.queue.shift()
    if (item === undefined) break
    if (item.t > sim.endNs) break
    sim.nowNs = Math.max(sim.nowNs, item.t)
    step(sim, item, jiffyNs)
    progress()
    // A repeating action whose next iteration comes before anything else queued runs inline
    // (same order as going through the queue, without its cost).
    let next = sim.pendingRepeat
    sim.pendingRepeat = null
    while (next !== null && sim.panic === null && sim.steps < maxSteps) {
      const head = sim.queue[0]
      if (next.t > sim.endNs || (head !== undefined && head.t <= next.t)) {
        schedule(sim, { kind: 'action', t: next.t, index: next.index, iter: next.iter })
        break
      }
      sim.nowNs = Math.max(sim.nowNs, next.t)
      step(sim, { kind: 'action', t: next.t, seq: -1, index: next.index, iter: next.iter }, jiffyNs)
      progress()
      next = sim.pendingRepeat
      sim.pendingRepeat = null
    }
  }
}

/** One step of the run; a kernel panic ends it where it happened (sim.panic is set). */
function step(sim: Sim, item: QueueItem, jiffyNs: number): void {
  try {
    runStep(sim, item, jiffyNs)
  } catch (error) {
    if (!(error instanceof KernelPanic)) throw error
    // panic() never returns: what the kernel printed up to it is all there is.
    applyKernelOutput(sim)
  }
}

function runStep(sim: Sim, item: QueueItem, jiffyNs: number): void {
  const w = sim.w
  w.nowNs = sim.nowNs
  sim.steps++
  sim.worldChanged = false
  switch (item.kind) {
    case 'action': {
      if (sim.blocked.has(actionPid(sim, item.index) ?? -1)) {
        // The task is still stuck in an earlier operation; this iteration is dropped.
        emitSim(sim, 'sim.skipped', { index: item.index, iter: item.iter })
        break
      }
      const { out, iters } = runAction(sim, item.index, item.iter, null)
      w.nowNs = sim.nowNs
      applyKernelOutput(sim)
      handleOutcome(sim, item.index, item.iter + iters - 1, out)
      break
    }
    case 'resume': {
      const b = sim.blocked.get(item.pid)
      if (b === undefined) break
      sim.blocked.delete(item.pid)
      const { out } = runAction(sim, b.index, b.iter, b.remaining)
      applyKernelOutput(sim)
      handleOutcome(sim, b.index, b.iter, out)
      break
    }
    case 'exit':
      exitProcess(sim, item.pid)
      break
    case 'kswapd':
      runKswapd(sim, item.node)
      break
    case 'reaper':
      runReaper(sim)
      break
    case 'flush':
      sim.flushQueued = false
      if (flushDirty(w) > 0) sim.worldChanged = true
      break
  }
  if (backgroundWriteback(w) > 0) sim.worldChanged = true
  applyKernelOutput(sim)
  if (!sim.flushQueued && dirtyPages(w) > 0) {
    sim.flushQueued = true
    schedule(sim, { kind: 'flush', t: sim.nowNs + DIRTY_WRITEBACK_NS })
  }
  if (sim.worldChanged && sim.blocked.size > 0) {
    for (const b of sim.blocked.values())
      schedule(sim, { kind: 'resume', t: sim.nowNs + jiffyNs, pid: b.pid })
  }
  recordSample(sim, false)
}

function actionPid(sim: Sim, index: number): number | undefined {
  const a = sim.actions[index]
  return a !== undefined && 'pid' in a ? a.pid : undefined
}

function handleOutcome(
  sim: Sim,
  index: number,
  iter: number,
  out: ReturnType<typeof runAction>['out']
): void {
  const pid = actionPid(sim, index)
  if (out.kind === 'blocked' && pid !== undefined) {
    const reason = out.reason
    if (!sim.blocked.has(pid)) {
      sim.blocked.set(pid, { pid, index, iter, remaining: out.remaining, reason, since: sim.nowNs })
      emitSim(sim, 'task.blocked', { pid, reason, remaining: out.remaining })
    }
    return
  }
  sim.pendingRepeat = nextIteration(sim, index, iter + 1)
}
