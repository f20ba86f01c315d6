/**
 * @module Glue between the memory model and the OOM engine on the simulated clock: calling
 * out_of_memory() with the show_mem / memcg data, applying its effects (SIGKILL -> exit after
 * the victim's delay, reaper queueing, panic), the oom_reaper and kswapd kernel threads, task
 * exit, and warn_alloc.
 */
import {
  outOfMemory,
  type OomControl,
  type OomOutcome,
  type PrintkRecord
} from '../kernel/oom-kill.ts'
import { reaperEnqueue, reaperNextWakeNs, reaperStep } from '../kernel/oom-reaper.ts'
import { renderWarnAlloc } from '../kernel/printk/warn-alloc.ts'
import { defaultCallChain } from '../kernel/printk/stack.ts'
import type { StackInfo } from '../kernel/oom-report.ts'
import type { AllocSite } from '../kernel/mm/page-alloc.ts'
import type { Memcg, Process } from '../kernel/types.ts'
import type { FaultHooks } from '../kernel/mm/fault.ts'
import {
  freeAnon,
  freePgtables,
  freeSwapEnts,
  sharedPartOf,
  unmapFiles
} from '../kernel/mm/fault.ts'
import { cowUnmap } from '../kernel/mm/cow.ts'
import { shrinkZones } from '../kernel/mm/reclaim.ts'
import { buildMemcgInfo, buildShowMem } from '../kernel/mm/show-mem.ts'
import { placementOf, proportional } from '../kernel/mm/world.ts'
import { freeToBuddy } from '../kernel/mm/zone.ts'
import { ratelimitCheck } from '../kernel/ratelimit.ts'
import type { QueueItem, Sim } from './sim-state.ts'

/** Push onto the queue (kept sorted by time, then sequence). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** Push onto the queue (kept sorted by time, then sequence). */
export function schedule(sim: Sim, item: DistributiveOmit<QueueItem, 'seq'>): void {
  const it = item as QueueItem
  it.seq = sim.seq++
  // Binary search for the insertion point.
  let lo = 0
  let hi = sim.queue.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    const q = sim.queue[mid] as QueueItem
    if (q.t < it.t || (q.t === it.t && q.seq < it.seq)) lo = mid + 1
    else hi = mid
  }
  sim.queue.splice(lo, 0, it)
}

/** Record a simulator event at the current simulated time. */
export function emitSim(sim: Sim, type: string, fields: Record<string, unknown> = {}): void {
  sim.trace.push({ type, timeNs: sim.nowNs, ...fields } as never)
}

function printk(sim: Sim, level: number, text: string): void {
  sim.log.push({ timeNs: sim.nowNs, level, text })
}

/** Move the mm code's buffered events into the trace. */
export function drainMmTrace(sim: Sim): void {
  if (sim.w.trace.length === 0) return
  for (const e of sim.w.trace) sim.trace.push(e as never)
  sim.w.trace.length = 0
}

function findProc(sim: Sim, pid: number): Process | undefined {
  return sim.w.oom.processes.find(p => p.pid === pid)
}

/**
 * Thrown when the simulated kernel panics: panic() never returns, so whatever the allocator,
 * fault or action code would have done after it (retries, "page allocation failure", the
 * pagefault retry line) never happens. The runner catches it and ends the run.
 */
export class MachineHalted extends Error {
  readonly panicMessage: string
  constructor(panicMessage: string) {
    super(`kernel panic: ${panicMessage}`)
    this.panicMessage = panicMessage
    this.name = 'MachineHalted'
  }
}

/** Apply an out_of_memory() outcome: log, trace, effects. A panic halts the machine. */
export function applyOutcome(sim: Sim, oc: OomControl, out: OomOutcome): void {
  drainMmTrace(sim)
  for (const r of out.printk) sim.log.push(r)
  for (const e of out.events) sim.trace.push(e)
  for (const eff of out.effects) {
    if (eff.type === 'signal') {
      const p = findProc(sim, eff.pid)
      if (p === undefined) continue
      p.sigkillPending = true
      scheduleExit(sim, p)
    } else if (eff.type === 'queue-reaper') {
      if (!sim.profile.reaper.present) continue
      reaperEnqueue(sim.reaper, sim.w.oom, eff)
      scheduleReaper(sim)
    } else if (eff.type === 'panic') {
      sim.panic = eff.message
      sim.samples.marks.push({ tNs: sim.nowNs, kind: 'panic', pid: null, label: eff.message })
    }
  }
  if (sim.panic !== null) throw new MachineHalted(sim.panic)
  if (out.outcome === 'killed' && out.victimPid !== null) {
    const killed = out.report?.killed
    sim.victims.push({
      pid: out.victimPid,
      comm: killed?.comm ?? findProc(sim, out.victimPid)?.comm ?? '?',
      timeNs: sim.nowNs,
      kind: oc.kind,
      message: killed?.message ?? '',
      constraint: out.constraint
    })
    sim.samples.marks.push({
      tNs: sim.nowNs,
      kind: 'oom-kill',
      pid: out.victimPid,
      label: `killed ${out.victimPid}`
    })
    // memory.oom.group and sharers: every process that got SIGKILL is recorded by its signal.
  }
}

/** out_of_memory() on the simulated clock; `stack` is what dump_stack() shows. */
export function invokeOom(sim: Sim, oc: OomControl, stack?: StackInfo): OomOutcome {
  sim.oomInvocations++
  sim.oomSeen++
  drainMmTrace(sim)
  const out = outOfMemory(sim.w.oom, oc, {
    profile: sim.profile,
    nowNs: sim.nowNs,
    ratelimit: sim.ratelimit,
    memInfo: q => {
      if (q.memcg !== null)
        return { showMem: null, memcgInfo: buildMemcgInfo(sim.w, q.memcg, q.victimMemcg) }
      const sm = buildShowMem(sim.w, q.nodemask)
      if (sim.showMemConfig !== null) sm.config = sim.showMemConfig
      return { showMem: sm, memcgInfo: null }
    },
    kernelRelease: sim.kernelRelease,
    hardware: sim.hardware,
    // The allocating task runs on the last CPU.
    cpu: sim.cpus - 1,
    stack: {
      ...stackBanner(sim),
      ...(stack ??
        stackFor(sim, oc.kind === 'sysrq' ? 'sysrq' : oc.kind === 'memcg' ? 'memcg' : 'kernel'))
    },
    worker: {
      pid: Math.max(...sim.w.oom.processes.map(p => p.pid), 100) + 1000,
      comm: 'kworker/0:1'
    }
  })
  applyOutcome(sim, oc, out)
  return out
}

const hookCache = new WeakMap<Process, FaultHooks>()

/** The allocator / charge hooks for allocations made by process `p` (one object per process). */
export function hooksFor(sim: Sim, p: Process): FaultHooks {
  let h = hookCache.get(p)
  if (h === undefined) hookCache.set(p, (h = makeHooks(sim, p)))
  return h
}

function makeHooks(sim: Sim, p: Process): FaultHooks {
  return {
    outOfMemory: oc => {
      const out = invokeOom(
        sim,
        {
          kind: 'global',
          memcg: null,
          gfpMask: oc.gfpMask,
          order: oc.order,
          nodemask: oc.nodemask,
          currentPid: p.pid
        },
        stackFor(sim, oc.site)
      )
      return { progress: out.progress, currentKilled: p.sigkillPending }
    },
    warnAlloc: info => warnAlloc(sim, p, info.gfpMask, info.order, info.nodemask),
    wakeKswapd: (node, order, classZone) => wakeKswapd(sim, node, order, classZone),
    memcgOom: (memcg: Memcg, gfpMask: number, order: number) => {
      const out = invokeOom(sim, {
        kind: 'memcg',
        memcg: memcg.path,
        gfpMask,
        order,
        nodemask: null,
        currentPid: p.pid
      })
      return out.progress
    }
  }
}

function stackBanner(sim: Sim): StackInfo {
  const s: StackInfo = {}
  if (sim.taint !== null) s.taint = sim.taint
  if (sim.build !== null) s.build = sim.build
  return s
}

/**
 * The call chain dump_stack() shows for an allocation site. Page-table pages (pte_alloc_one)
 * get their own chain; other sites use the printer's per-path defaults.
 */
export function stackFor(sim: Sim, site: AllocSite | 'memcg' | 'sysrq' | 'pagefault'): StackInfo {
  if (site === 'memcg' || site === 'sysrq' || site === 'pagefault') return { path: site }
  if (site === 'pagecache') return pagecacheStack(sim)
  if (site !== 'pgtable') return { path: 'alloc' }
  const chain = defaultCallChain('alloc', sim.profile)
  // Replace the anonymous-folio frames by the page-table ones (__pte_alloc from the fault).
  const tail = ['handle_mm_fault', 'do_user_addr_fault', 'exc_page_fault', 'asm_exc_page_fault']
  const cut = chain.findIndex(f => /^(alloc_pages_vma|__folio_alloc|vma_alloc_folio)/.test(f))
  if (cut < 0) return { path: 'alloc' }
  const head = chain.slice(0, cut)
  if (sim.profile.format.stack === '6.10')
    return {
      path: 'alloc',
      calls: [...head, 'pte_alloc_one', '__pte_alloc', 'do_pte_missing', ...tail]
    }
  const pgd =
    sim.profile.format.stack === '3x' || sim.profile.format.stack === '4x'
      ? [
          'pte_alloc_one',
          '__pte_alloc',
          '__handle_mm_fault',
          ...chain.slice(chain.indexOf('handle_mm_fault'))
        ]
      : [
          'pte_alloc_one',
          '__pte_alloc',
          'do_anonymous_page',
          ...chain.slice(chain.indexOf('__handle_mm_fault'))
        ]
  return { path: 'alloc', calls: [...head, 'alloc_pages', ...pgd] }
}

/** A page-cache read fault (filemap_fault -> page_cache_ra -> folio allocation), 5.x/6.x. */
function pagecacheStack(sim: Sim): StackInfo {
  const chain = defaultCallChain('alloc', sim.profile)
  const style = sim.profile.format.stack
  const cut = chain.findIndex(f => /^(alloc_pages_vma|__folio_alloc|vma_alloc_folio)/.test(f))
  if (cut < 0 || (style !== '6x' && style !== '6.10' && style !== '5x')) return { path: 'alloc' }
  const head = chain.slice(0, cut)
  const fileFrames =
    style === '5x'
      ? ['alloc_pages_current', '__page_cache_alloc', 'pagecache_get_page', 'filemap_fault']
      : ['folio_alloc', 'page_cache_ra_unbounded', 'filemap_fault']
  const faultTail = ['__do_fault', 'do_read_fault', '__handle_mm_fault', 'handle_mm_fault']
  const userTail = ['do_user_addr_fault', 'exc_page_fault', 'asm_exc_page_fault']
  return { path: 'alloc', calls: [...head, ...fileFrames, ...faultTail, ...userTail] }
}

/** warn_alloc(): "<comm>: page allocation failure: order:N, mode:0x..(...), nodemask=..." + show_mem. */
export function warnAlloc(
  sim: Sim,
  p: Process,
  gfpMask: number,
  order: number,
  nodemask: readonly number[] | null
): void {
  sim.allocFailures.push({ timeNs: sim.nowNs, pid: p.pid, comm: p.comm, gfp: gfpMask, order })
  sim.samples.marks.push({
    tNs: sim.nowNs,
    kind: 'alloc-failure',
    pid: p.pid,
    label: `order ${order}`
  })
  if (!ratelimitCheck(sim.nopageRatelimit, sim.nowNs).allowed) return
  const showMem = buildShowMem(sim.w, null)
  if (sim.showMemConfig !== null) showMem.config = sim.showMemConfig
  const lines = renderWarnAlloc(
    {
      failure: {
        comm: p.comm,
        order,
        gfpMask,
        nodemask,
        cpuset: p.cpuset,
        memsAllowed: p.memsAllowed
      },
      dump: {
        cpu: 0,
        pid: p.pid,
        uid: p.uid,
        comm: p.comm,
        kernelRelease: sim.kernelRelease,
        hardware: sim.hardware,
        taint: sim.taint ?? undefined,
        build: sim.build ?? undefined
      },
      showMem
    },
    sim.profile
  )
  for (const line of lines) printk(sim, 4, line)
}

/** Wake kswapd of a node (it runs on the simulated clock, every 100 ms while awake). */
export function wakeKswapd(sim: Sim, node: number, order: number, classZone: number): void {
  const n = sim.w.mem.nodes.find(x => x.id === node)
  if (n === undefined) return
  if (n.kswapd.failures >= 16) return
  if (n.kswapd.awake) return
  n.kswapd.awake = true
  n.kswapd.order = order
  n.kswapd.classZone = classZone
  emitSim(sim, 'kswapd.wake', { node, order, classZone })
  schedule(sim, { kind: 'kswapd', t: sim.nowNs, node })
}

/** KSWAPD_PERIOD: how often an awake kswapd makes a balance_pgdat() pass (approximation). */
export const KSWAPD_PERIOD_NS = 100_000_000

/** One balance_pgdat() pass: reclaim toward the high watermark of the zones up to classZone. */
export function runKswapd(sim: Sim, node: number): void {
  const n = sim.w.mem.nodes.find(x => x.id === node)
  if (n === undefined || !n.kswapd.awake) return
  const zones = n.zones.filter(z => z.idx <= n.kswapd.classZone)
  const deficit = zones.reduce((a, z) => a + Math.max(0, z.wmarkHigh + z.boost - z.free), 0)
  if (deficit === 0) {
    n.kswapd.awake = false
    emitSim(sim, 'kswapd.sleep', { node })
    return
  }
  const zi = zones.map(z => sim.w.zones.indexOf(z))
  const got = shrinkZones(sim.w, {
    zones: zi,
    nrToReclaim: Math.min(deficit, 4096),
    mayIo: true,
    memcg: null,
    reason: 'kswapd',
    swappiness: sim.w.mem.vm.swappiness
  })
  drainMmTrace(sim)
  if (got === 0) {
    n.kswapd.failures++
    emitSim(sim, 'kswapd.fail', { node, failures: n.kswapd.failures })
    n.kswapd.awake = false
    return
  }
  n.kswapd.failures = 0
  sim.worldChanged = true
  emitSim(sim, 'kswapd.reclaim', { node, reclaimed: got })
  schedule(sim, { kind: 'kswapd', t: sim.nowNs + KSWAPD_PERIOD_NS, node })
}

function scheduleReaper(sim: Sim): void {
  const next = reaperNextWakeNs(sim.reaper, sim.nowNs)
  if (next === null || sim.reaperQueued) return
  sim.reaperQueued = true
  schedule(sim, { kind: 'reaper', t: Math.max(next, sim.nowNs) })
}

/** The oom_reaper kthread: one step at the current time, then sleep until its next wake. */
export function runReaper(sim: Sim): void {
  sim.reaperQueued = false
  const r = reaperStep(sim.w.oom, sim.reaper, { profile: sim.profile, nowNs: sim.nowNs })
  for (const l of r.printk) sim.log.push(l)
  for (const e of r.events) sim.trace.push(e)
  for (const f of r.freed) {
    releaseReaped(sim, f.mmId, f.anon, f.file + f.shmem)
    sim.samples.marks.push({
      tNs: sim.nowNs,
      kind: 'reaped',
      pid: f.pid,
      label: `reaped ${f.freedPages} pages`
    })
  }
  if (r.freed.length > 0 || r.events.length > 0) sim.worldChanged = true
  scheduleReaper(sim)
}

/** The reaper already lowered the mm counters: give the anonymous pages back to the zones. */
function releaseReaped(sim: Sim, mmId: number, reapedAnon: number, filePages: number): void {
  const w = sim.w
  // Pages shared copy-on-write with a living sharer are only unmapped (cow.ts).
  const mm = w.oom.mms.get(mmId)
  const shared = mm === undefined ? 0 : sharedPartOf(w, mm, reapedAnon, mm.anon + reapedAnon)
  if (shared > 0) cowUnmap(w, mmId, shared)
  const anon = reapedAnon - shared
  const pl = placementOf(w, mmId)
  const take = proportional(pl.anonZones, anon)
  for (let i = 0; i < take.length; i++) {
    const n = take[i] ?? 0
    if (n === 0) continue
    const z = w.zones[i]
    if (z === undefined) continue
    pl.anonZones[i] = (pl.anonZones[i] ?? 0) - n
    const fromActive = Math.min(n, z.stats.activeAnon)
    z.stats.activeAnon -= fromActive
    const rest = n - fromActive
    z.stats.unevictable = Math.max(0, z.stats.unevictable - rest)
    z.stats.mlocked = Math.max(0, z.stats.mlocked - rest)
    freeToBuddy(z, n, 'M')
  }
  const owner = w.oom.processes.find(p => p.mmId === mmId)
  if (owner !== undefined) {
    const u = w.memcgUsage.get(owner.memcg)
    if (u !== undefined) u.anon -= anon
    for (const m of w.oom.memcgs.values())
      if (owner.memcg === m.path || m.path === '/' || owner.memcg.startsWith(`${m.path}/`))
        m.usage = Math.max(0, m.usage - anon)
  }
  if (filePages > 0) {
    for (const f of w.files.values()) {
      const n = f.mappedBy.get(mmId)
      if (n === undefined) continue
      f.mappedBy.delete(mmId)
      const node = w.mem.nodes[0]
      if (node !== undefined) node.counters.mapped = Math.max(0, node.counters.mapped - n)
    }
  }
}

/** Schedule a killed task's exit after its delay (never for a stuck task). */
export function scheduleExit(sim: Sim, p: Process): void {
  if (sim.exiting.has(p.pid)) return
  const spec = sim.exits.get(p.pid) ?? { delayNs: 1_000_000, stuck: false }
  emitSim(sim, 'task.sigkill', { pid: p.pid, comm: p.comm, stuck: spec.stuck })
  if (spec.stuck) return
  sim.exiting.add(p.pid)
  schedule(sim, { kind: 'exit', t: sim.nowNs + spec.delayNs, pid: p.pid })
}

/** do_exit(): free the kernel stack, and the mm when this was its last user. */
export function exitProcess(sim: Sim, pid: number): void {
  const w = sim.w
  const idx = w.oom.processes.findIndex(p => p.pid === pid)
  if (idx < 0) return
  const p = w.oom.processes[idx] as Process
  sim.exiting.delete(pid)
  sim.blocked.delete(pid)
  w.oom.processes.splice(idx, 1)
  // Kernel stacks: 4 pages per thread, from the zone holding the most stacks.
  const stackPages = 4 * p.threads.length
  const zs = [...w.zones].sort((a, b) => b.stats.kernelStack - a.stats.kernelStack)[0]
  if (zs !== undefined) {
    const n = Math.min(stackPages, zs.stats.kernelStack)
    zs.stats.kernelStack -= n
    freeToBuddy(zs, n, 'U')
  }
  if (p.mmId !== null) {
    const stillUsed = w.oom.processes.some(q => q.mmId === p.mmId)
    const mm = w.oom.mms.get(p.mmId)
    if (mm !== undefined && !stillUsed) {
      freeAnon(w, mm, mm.anon, p.memcg)
      unmapFiles(w, mm)
      freePgtables(w, mm, p.memcg)
      freeSwapEnts(w, mm, p.memcg)
      mm.flags.oomSkip = true
      w.mem.committedAs = Math.max(
        0,
        w.mem.committedAs -
          mm.vmas.reduce((a, v) => a + (v.anonymous && !v.shared ? v.pages : 0), 0)
      )
      w.oom.mms.delete(mm.id)
    }
  }
  for (const m of w.oom.memcgs.values()) if (m.underOom) m.underOom = false
  sim.worldChanged = true
  emitSim(sim, 'task.exit', { pid, comm: p.comm })
  sim.samples.marks.push({ tNs: sim.nowNs, kind: 'exit', pid, label: `${p.comm} exited` })
}

export type { PrintkRecord }
