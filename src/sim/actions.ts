/**
 * @module The timeline actions: what each `do:` does to the world on the simulated clock
 * (faults, kernel allocations, mmap with overcommit, page cache, fork/exec/exit, knobs, cgroup
 * changes, sysrq, swap), including VM_FAULT_OOM handling per profile and the 'grow until
 * killed' loops that jump ahead in big steps when nothing can happen in between.
 */
import type { Mm, Process, Vma } from '../kernel/types.ts'
import { PAGE_SIZE } from '../kernel/types.ts'
import { makeMm, makeProcess, makeThread, makeVma } from '../kernel/state-builders.ts'
import { writeOomAdj, writeOomScoreAdj } from '../kernel/proc-knobs.ts'
import { allocPages } from '../kernel/mm/page-alloc.ts'
import {
  allocPgtable,
  cowWrite,
  faultAnon,
  freeAnon,
  readFile,
  taskOf,
  vmaTouched,
  type FaultResult
} from '../kernel/mm/fault.ts'
import { decodeGfp, gfpFromNames, gfpFromText, gfpZone } from '../kernel/mm/gfp-bits.ts'
import { vmEnoughMemory } from '../kernel/mm/overcommit.ts'
import { setupLowmemReserve, setupZoneWatermarks } from '../kernel/mm/watermarks.ts'
import { chargeMargin, extraOf, tryCharge } from '../kernel/mm/memcg-charge.ts'
import { shrinkZones } from '../kernel/mm/reclaim.ts'
import { totalSwapPages } from '../kernel/mm/model.ts'
import { placementOf, usageOf } from '../kernel/mm/world.ts'
import { cowShare } from '../kernel/mm/cow.ts'
import { freeToBuddy } from '../kernel/mm/zone.ts'
import { durationToNs, sizeToPages } from './load.ts'
import {
  drainMmTrace,
  emitSim,
  exitProcess,
  hooksFor,
  invokeOom,
  scheduleExit
} from './oom-glue.ts'
import { ratelimitCheck } from '../kernel/ratelimit.ts'
import type { BlockedTask, Sim } from './sim-state.ts'
import type { ActionSpecT } from './schema.ts'

function proc(sim: Sim, pid: number): Process | undefined {
  return sim.w.oom.processes.find(p => p.pid === pid)
}

function dead(sim: Sim, p: Process | undefined): boolean {
  return p === undefined || p.sigkillPending || sim.exiting.has(p.pid)
}

/** The VMA a touch/free works on: by name, else the last anonymous VMA with room. */
function pickVma(
  sim: Sim,
  p: Process,
  name: string | undefined,
  needRoom: boolean
): Vma | undefined {
  const mm = p.mmId === null ? undefined : sim.w.oom.mms.get(p.mmId)
  if (mm === undefined) return undefined
  if (name !== undefined)
    return sim.vmaByName.get(p.mmId ?? -1)?.get(name) ?? sim.vmaByName.get(p.pid)?.get(name)
  for (let i = mm.vmas.length - 1; i >= 0; i--) {
    const v = mm.vmas[i] as Vma
    if (!v.anonymous || v.shared) continue
    if (!needRoom || (vmaTouched.get(v) ?? v.anon) < v.pages) return v
  }
  return undefined
}

/** VM_FAULT_OOM -> pagefault_out_of_memory() per profile. Returns true if the task must wait. */
function pagefaultOom(sim: Sim, p: Process): 'retry-later' | 'done' {
  if (p.sigkillPending) return 'done'
  if (sim.profile.alloc.pagefaultOom === 'retryFault') {
    // >= 5.16: no global OOM from #PF; the fault is retried.
    if (ratelimitCheck(sim.pfRatelimit, sim.nowNs).allowed)
      sim.log.push({
        timeNs: sim.nowNs,
        level: 4,
        text: 'Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF'
      })
    emitSim(sim, 'alloc.pagefault_retry', { pid: p.pid })
    return 'retry-later'
  }
  // <= 5.15: a global OOM with gfp 0, order 0.
  emitSim(sim, 'alloc.pagefault_oom', { pid: p.pid })
  invokeOom(sim, {
    kind: 'global',
    memcg: null,
    gfpMask: 0,
    order: 0,
    nodemask: null,
    currentPid: p.pid
  })
  return p.sigkillPending ? 'done' : 'retry-later'
}

const timesOf = new WeakMap<object, { at: number; every: number }>()
const gfpOfAction = new WeakMap<object, WeakMap<object, number>>()

function one(out: StepOutcome): { out: StepOutcome; iters: number } {
  return { out, iters: 1 }
}

/** Outcome of running (part of) an action for a task. */
type StepOutcome =
  { kind: 'done' } | { kind: 'blocked'; remaining: number; reason: BlockedTask['reason'] }

/**
 * security_vm_enough_memory_mm() for a new private writable mapping of `pages`: ENOMEM is
 * recorded (trace, summary, the 6.6+ printk) and false returned.
 */
function commit(sim: Sim, p: Process, totalVm: number, pages: number): boolean {
  const w = sim.w
  const ok = vmEnoughMemory(w.mem, sim.profile, {
    pages,
    capSysAdmin: p.capSysAdmin,
    totalVm,
    reclaimableGuess:
      [...w.files.values()].reduce((s, f) => s + (f.kind === 'disk' ? f.cached : 0), 0) +
      w.zones.reduce((s, z) => s + z.stats.slabReclaimable, 0),
    freePages: w.zones.reduce((s, z) => s + z.free, 0),
    totalReservePages: w.zones.reduce((s, z) => s + z.wmarkHigh + Math.max(...z.lowmemReserve), 0)
  })
  if (ok) {
    emitSim(sim, 'overcommit.commit', { pid: p.pid, pages, committedAs: w.mem.committedAs })
    return true
  }
  sim.enomem.push({ timeNs: sim.nowNs, pid: p.pid, bytes: pages * PAGE_SIZE })
  sim.samples.marks.push({
    tNs: sim.nowNs,
    kind: 'enomem',
    pid: p.pid,
    label: `mmap ${pages * 4}kB`
  })
  emitSim(sim, 'overcommit.enomem', {
    pid: p.pid,
    comm: p.comm,
    pages,
    committedAs: w.mem.committedAs,
    mode: w.mem.vm.overcommitMemory
  })
  if (sim.profile.alloc.vmEnoughMemoryMessage)
    sim.log.push({
      timeNs: sim.nowNs,
      level: 6,
      text: `__vm_enough_memory: pid: ${p.pid}, comm: ${p.comm}, bytes: ${pages * PAGE_SIZE} not enough memory for the allocation`
    })
  return false
}

function waitReason(w: 'oom-victim' | 'writeback' | 'nofail' | undefined): BlockedTask['reason'] {
  return w === 'writeback' ? 'writeback' : w === 'nofail' ? 'nofail' : 'oom-progress'
}

function afterFault(sim: Sim, p: Process, r: FaultResult, requested: number): StepOutcome {
  if (r.status === 'ok') return { kind: 'done' }
  const remaining = requested - r.done
  if (r.status === 'killed' || p.sigkillPending) return { kind: 'done' }
  if (r.status === 'wait') return { kind: 'blocked', remaining, reason: 'memcg-wait' }
  if (r.status === 'blocked')
    return {
      kind: 'blocked',
      remaining,
      reason: waitReason(r.waitFor)
    }
  if (r.status === 'oom') {
    const pf = pagefaultOom(sim, p)
    if (pf === 'done') return { kind: 'done' }
    return { kind: 'blocked', remaining, reason: 'pf-retry' }
  }
  return { kind: 'done' }
}

/** How many iterations of a repeating touch can be merged without any decision happening. */
function mergeableIterations(
  sim: Sim,
  a: Extract<ActionSpecT, { do: 'touch' }>,
  p: Process,
  iter: number,
  step: number,
  everyNs: number,
  t0: number
): number {
  const maxIters = a.count !== undefined ? a.count - iter : Number.POSITIVE_INFINITY
  const next = sim.queue[0]
  const horizon = Math.min(next === undefined ? sim.endNs : next.t, sim.endNs)
  const byTime = Math.max(1, Math.floor((horizon - 1 - t0) / everyNs) + 1)
  const w = sim.w
  const g = decodeGfp(gfpFromNames(sim.profile.alloc.anonFaultGfp, sim.profile), sim.profile)
  const classZone = gfpZone(g, w.mem)
  const pg = decodeGfp(gfpFromNames(sim.profile.alloc.pgtableGfp, sim.profile), sim.profile)
  const pgClass = gfpZone(pg, w.mem)
  let safe = 0
  let safePg = 0
  for (const z of w.zones) {
    if (p.memsAllowed.length > 0 && !p.memsAllowed.includes(z.node)) continue
    const policy = p.threads[0]?.mempolicyNodes ?? null
    if (policy !== null && !policy.includes(z.node)) continue
    if (z.idx <= classZone)
      safe += Math.max(0, z.free - z.wmarkLow - z.boost - (z.lowmemReserve[classZone] ?? 0) - 2)
    if (z.idx <= pgClass)
      safePg += Math.max(0, z.free - z.wmarkLow - z.boost - (z.lowmemReserve[pgClass] ?? 0) - 2)
  }
  const perIter = step + Math.ceil(step / 512) + 2
  let byMem = Math.floor(Math.min(safe, safePg * 400) / perIter)
  const { margin } = chargeMargin(w, p.memcg)
  if (Number.isFinite(margin)) byMem = Math.min(byMem, Math.floor(margin / perIter))
  for (const path of [p.memcg]) {
    const e = extraOf(w, path)
    const m = w.oom.memcgs.get(path)
    if (e.high !== null && m !== undefined)
      byMem = Math.min(byMem, Math.floor(Math.max(0, e.high - m.usage) / perIter))
  }
  const vma = pickVma(sim, p, a.vma, true)
  if (vma !== undefined)
    byMem = Math.min(byMem, Math.floor((vma.pages - (vmaTouched.get(vma) ?? vma.anon)) / step))
  return Math.max(1, Math.min(maxIters, byTime, byMem))
}

/**
 * Run one action (iteration `iter` of it). Returns the outcome and how many iterations were
 * consumed (merged steps of a repeating touch).
 */
export function runAction(
  sim: Sim,
  index: number,
  iter: number,
  resumeRemaining: number | null
): { out: StepOutcome; iters: number } {
  const a = sim.actions[index] as ActionSpecT
  const w = sim.w
  switch (a.do) {
    case 'touch': {
      const p = proc(sim, a.pid)
      if (p === undefined || dead(sim, p)) return one({ kind: 'done' })
      const mm = p.mmId === null ? undefined : w.oom.mms.get(p.mmId)
      const step = sizeToPages(a.size)
      let iters = 1
      if (resumeRemaining === null && a.every !== undefined) {
        iters = mergeableIterations(sim, a, p, iter, step, durationToNs(a.every), sim.nowNs)
        if (iters > 1) sim.nowNs += (iters - 1) * durationToNs(a.every)
      }
      const want = resumeRemaining ?? step * iters
      if (mm === undefined) return one({ kind: 'done' })
      if (a.cow === true) {
        // Writes to pages shared copy-on-write since a fork (do_wp_page).
        const r = cowWrite(w, p, mm, want, hooksFor(sim, p))
        drainMmTrace(sim)
        return { out: afterFault(sim, p, r, want), iters }
      }
      let vma = pickVma(sim, p, a.vma, true)
      if (vma !== undefined && a.vma === undefined) {
        // The heap grows (brk / malloc's next mmap) so the whole size is touched, not just
        // what is left of the mapping picked.
        const room = vma.pages - (vmaTouched.get(vma) ?? vma.anon)
        if (room < want) {
          if (!commit(sim, p, mm.totalVm, want - room)) {
            sim.stopped.add(index)
            return one({ kind: 'done' })
          }
          vma.pages += want - room
          mm.totalVm += want - room
        }
      }
      if (vma === undefined) {
        // No anonymous VMA with room: map one (brk/mmap) of the size needed, which is
        // accounted like any private writable mapping.
        if (!commit(sim, p, mm.totalVm, want)) {
          // The program got ENOMEM from brk/mmap: its growth loop ends here.
          sim.stopped.add(index)
          return one({ kind: 'done' })
        }
        vma = makeVma({
          start: 0x7e0000000 + mm.vmas.length * 0x100000,
          pages: want,
          anonymous: true
        })
        mm.vmas.push(vma)
        mm.totalVm += want
      }
      const r = faultAnon(w, p, mm, vma, want, hooksFor(sim, p))
      drainMmTrace(sim)
      if (r.status === 'ok' && r.done < want)
        // A named mapping ends here: the program would fault (SIGSEGV) past it.
        emitSim(sim, 'task.touch_past_end', { pid: p.pid, vma: a.vma, pages: want - r.done })
      return { out: afterFault(sim, p, r, want), iters }
    }
    case 'alloc': {
      const p = proc(sim, a.pid)
      if (p === undefined || dead(sim, p)) return one({ kind: 'done' })
      let byAction = gfpOfAction.get(sim.profile)
      if (byAction === undefined) gfpOfAction.set(sim.profile, (byAction = new WeakMap()))
      let gfp = byAction.get(a)
      if (gfp === undefined) byAction.set(a, (gfp = gfpFromText(a.gfp, sim.profile) ?? 0))
      const order = a.order ?? 0
      const count = resumeRemaining ?? a.count ?? 1
      const r = allocPages(w, { gfp, order, count, task: taskOf(p) }, hooksFor(sim, p))
      drainMmTrace(sim)
      const pages = r.placed
      if (r.status !== 'ok')
        emitSim(sim, 'alloc.kernel', {
          pid: p.pid,
          gfp,
          order,
          count,
          got: r.got,
          status: r.status
        })
      for (let i = 0; i < pages.length; i++) {
        const n = pages[i] ?? 0
        const z = w.zones[i]
        if (z === undefined || n === 0) continue
        if (a.free === true) freeToBuddy(z, n, 'U')
        else z.stats.kernelOther += n
      }
      // __GFP_ACCOUNT: kernel memory charged to the task's memcg (memcg_kmem_charge).
      const gi = decodeGfp(gfp, sim.profile)
      if (gi.account && a.free !== true && r.got > 0) {
        const pages2 = r.got * 2 ** order
        usageOf(w, p.memcg).kernel += pages2
        const c = tryCharge(w, p.memcg, pages2, { ...gi, order }, hooksFor(sim, p), {
          inUserFault: false,
          oomVictim: p.oomVictimMmId !== null
        })
        drainMmTrace(sim)
        if (c.status === 'nomem') emitSim(sim, 'memcg.charge_fail', { pid: p.pid, pages: pages2 })
      }
      if (r.status === 'blocked')
        return one({
          kind: 'blocked',
          remaining: count - r.got,
          reason: waitReason(r.waitFor)
        })
      return one({ kind: 'done' })
    }
    case 'mmap': {
      const p = proc(sim, a.pid)
      if (p === undefined || dead(sim, p) || p.mmId === null) return one({ kind: 'done' })
      const mm = w.oom.mms.get(p.mmId)
      if (mm === undefined) return one({ kind: 'done' })
      const size = sizeToPages(a.size)
      const kind = a.kind ?? (a.file !== undefined ? 'file' : 'anon')
      const accountable = kind !== 'file'
      if (accountable) {
        if (!commit(sim, p, mm.totalVm, size)) return one({ kind: 'done' })
      }
      const last = mm.vmas.reduce((mx, v) => Math.max(mx, v.start + v.pages), 0x7e0000000)
      const vma = makeVma({
        start: last + 16,
        pages: size,
        anonymous: kind === 'anon',
        shared: kind === 'shmem',
        locked: a.locked ?? false
      })
      mm.vmas.push(vma)
      mm.totalVm += size
      if (a.name !== undefined) {
        let names = sim.vmaByName.get(p.pid)
        if (names === undefined) sim.vmaByName.set(p.pid, (names = new Map<string, Vma>()))
        names.set(a.name, vma)
      }
      if (a.populate === true && kind === 'anon') {
        const r = faultAnon(w, p, mm, vma, size, hooksFor(sim, p))
        drainMmTrace(sim)
        return one(afterFault(sim, p, r, size))
      }
      if (kind === 'file' && a.file !== undefined && a.populate === true) {
        const f = w.files.get(a.file)
        if (f !== undefined) {
          const r = readFile(w, p, mm, f, size, { map: true, dirty: false }, hooksFor(sim, p))
          drainMmTrace(sim)
          return one(afterFault(sim, p, r, size))
        }
      }
      return one({ kind: 'done' })
    }
    case 'munmap':
    case 'free': {
      const p = proc(sim, a.pid)
      if (p === undefined || p.mmId === null) return one({ kind: 'done' })
      const mm = w.oom.mms.get(p.mmId)
      const vma = pickVma(sim, p, a.vma, false)
      if (mm === undefined || vma === undefined) return one({ kind: 'done' })
      const n = a.do === 'free' ? Math.min(sizeToPages(a.size), vma.anon) : vma.anon
      freeAnon(w, mm, n, p.memcg)
      vma.anon -= n
      vmaTouched.set(vma, Math.max(0, (vmaTouched.get(vma) ?? 0) - n))
      if (a.do === 'munmap') {
        mm.vmas.splice(mm.vmas.indexOf(vma), 1)
        mm.totalVm -= vma.pages
        if (vma.anonymous && !vma.shared)
          w.mem.committedAs = Math.max(0, w.mem.committedAs - vma.pages)
      }
      sim.worldChanged = true
      emitSim(sim, 'task.free', { pid: p.pid, pages: n })
      return one({ kind: 'done' })
    }
    case 'read': {
      const p = proc(sim, a.pid)
      const f = w.files.get(a.file)
      if (p === undefined || dead(sim, p) || f === undefined) return one({ kind: 'done' })
      const mm = p.mmId === null ? null : (w.oom.mms.get(p.mmId) ?? null)
      if (
        a.map === true &&
        mm !== null &&
        !mm.vmas.some(v => !v.anonymous && v.pages >= f.sizePages)
      ) {
        mm.vmas.push(
          makeVma({
            start: 0x7d0000000 + mm.vmas.length * 0x100000,
            pages: f.sizePages,
            anonymous: false,
            shared: f.kind === 'tmpfs'
          })
        )
        mm.totalVm += f.sizePages
      }
      const want = resumeRemaining ?? (a.size !== undefined ? sizeToPages(a.size) : f.sizePages)
      const r = readFile(
        w,
        p,
        mm,
        f,
        want,
        { map: a.map ?? false, dirty: a.dirty ?? false },
        hooksFor(sim, p)
      )
      drainMmTrace(sim)
      return one(afterFault(sim, p, r, want))
    }
    case 'mlock': {
      const p = proc(sim, a.pid)
      const vma = p === undefined ? undefined : pickVma(sim, p, a.vma, false)
      if (p === undefined || vma === undefined || vma.locked) return one({ kind: 'done' })
      vma.locked = true
      const pl = placementOf(w, p.mmId ?? -1)
      const mm = w.oom.mms.get(p.mmId ?? -1)
      const share = mm !== undefined && mm.anon > 0 ? vma.anon / mm.anon : 0
      pl.anonZones.forEach((n, i) => {
        const z = w.zones[i]
        if (z === undefined) return
        const k = Math.min(Math.round(n * share), z.stats.activeAnon)
        z.stats.activeAnon -= k
        z.stats.unevictable += k
        z.stats.mlocked += k
      })
      emitSim(sim, 'task.mlock', { pid: p.pid, pages: vma.anon })
      return one({ kind: 'done' })
    }
    case 'fork': {
      const parent = proc(sim, a.pid)
      if (parent === undefined || dead(sim, parent)) return one({ kind: 'done' })
      const share = a.vfork === true || a.shareMm === true
      let mmId = parent.mmId
      let childMm: Mm | null = null
      if (!share && parent.mmId !== null) {
        const pm = w.oom.mms.get(parent.mmId)
        // dup_mmap(): the child gets a copy of every VMA; copy_page_range() makes the private
        // anonymous pages shared copy-on-write (counted in both rss, present once: cow.ts).
        // File and shared mappings are faulted again lazily, so their counters start at 0.
        const copies = new Map<Vma, Vma>()
        const vmas = (pm?.vmas ?? []).map(v => {
          const c = makeVma({ ...v, anon: v.shared ? 0 : v.anon, file: 0, shmem: 0 })
          copies.set(v, c)
          const t = vmaTouched.get(v)
          if (t !== undefined) vmaTouched.set(c, t)
          return c
        })
        const mm = makeMm({ id: a.child, totalVm: pm?.totalVm ?? 0, anon: 0, vmas })
        w.oom.mms.set(mm.id, mm)
        mmId = mm.id
        if (pm !== undefined) {
          cowShare(
            w,
            pm,
            parent.memcg,
            mm,
            vmas.reduce((n, v) => n + v.anon, 0)
          )
          const names = sim.vmaByName.get(pm.id) ?? sim.vmaByName.get(parent.pid)
          if (names !== undefined)
            sim.vmaByName.set(
              a.child,
              new Map([...names].map(([k, v]) => [k, copies.get(v) ?? v] as const))
            )
          childMm = mm
        }
      } else if (share && parent.mmId !== null) {
        const pm = w.oom.mms.get(parent.mmId)
        if (pm !== undefined && a.shareMm === true) pm.flags.multiprocess = true
      }
      const child = makeProcess({
        pid: a.child,
        comm: a.comm ?? parent.comm,
        ppid: parent.pid,
        uid: parent.uid,
        capSysAdmin: parent.capSysAdmin,
        capSysResource: parent.capSysResource,
        mmId,
        threads: [
          makeThread({
            tid: a.child,
            comm: a.comm ?? parent.comm,
            mempolicyNodes: parent.threads[0]?.mempolicyNodes ?? null
          })
        ],
        oomScoreAdj: parent.oomScoreAdj,
        oomScoreAdjMin: parent.oomScoreAdjMin,
        memcg: parent.memcg,
        cpuset: parent.cpuset,
        memsAllowed: parent.memsAllowed,
        inVfork: a.vfork === true
      })
      w.oom.processes.push(child)
      sim.exits.set(child.pid, sim.exits.get(parent.pid) ?? { delayNs: 1_000_000, stuck: false })
      if (childMm !== null) {
        // The child's own page tables for the copied ranges: a PTE page per 512 pages and a
        // PMD page per VMA (pte_alloc_one / pmd_alloc_one under copy_page_range).
        const pgtables = childMm.vmas.reduce(
          (n, v) => n + (v.anon > 0 ? Math.ceil((vmaTouched.get(v) ?? v.anon) / 512) + 1 : 0),
          0
        )
        if (pgtables > 0) allocPgtable(w, child, childMm, pgtables, hooksFor(sim, child))
        drainMmTrace(sim)
      }
      // Kernel stack of the new task.
      const z = [...w.zones].sort((x, y) => y.idx - x.idx)[0]
      if (z !== undefined) {
        const got = Math.min(4, z.free)
        z.free -= got
        z.stats.kernelStack += got
      }
      emitSim(sim, 'task.fork', {
        pid: parent.pid,
        child: a.child,
        vfork: a.vfork ?? false,
        shareMm: share,
        cowPages: childMm?.anon ?? 0
      })
      return one({ kind: 'done' })
    }
    case 'exec': {
      const p = proc(sim, a.pid)
      if (p === undefined || dead(sim, p)) return one({ kind: 'done' })
      const old = p.mmId
      const mm = makeMm({ id: 1_000_000 + sim.seq, totalVm: 0 })
      w.oom.mms.set(mm.id, mm)
      p.mmId = mm.id
      p.comm = a.comm
      for (const t of p.threads) t.comm = a.comm
      const wasVfork = p.inVfork
      p.inVfork = false
      if (old !== null && !wasVfork && !w.oom.processes.some(q => q.mmId === old)) {
        const om = w.oom.mms.get(old)
        if (om !== undefined) {
          freeAnon(w, om, om.anon, p.memcg)
          w.oom.mms.delete(old)
        }
      }
      emitSim(sim, 'task.exec', { pid: p.pid, comm: a.comm })
      return one({ kind: 'done' })
    }
    case 'exit': {
      exitProcess(sim, a.pid)
      return one({ kind: 'done' })
    }
    case 'kill': {
      const p = proc(sim, a.pid)
      if (p === undefined) return one({ kind: 'done' })
      p.sigkillPending = true
      p.groupExit = true
      scheduleExit(sim, p)
      return one({ kind: 'done' })
    }
    case 'set-oom-score-adj':
    case 'set-oom-adj': {
      const p = proc(sim, a.pid)
      if (p === undefined) return one({ kind: 'done' })
      const writer = { pid: p.pid, comm: p.comm, capSysResource: true }
      const ctx = { profile: sim.profile, nowNs: sim.nowNs, once: knobOnce(sim) }
      const r =
        a.do === 'set-oom-score-adj'
          ? writeOomScoreAdj(w.oom, p, String(a.value), writer, ctx)
          : writeOomAdj(w.oom, p, String(a.value), writer, ctx)
      if (r.ok) {
        for (const l of r.printk) sim.log.push(l)
        for (const e of r.events) sim.trace.push(e)
      } else emitSim(sim, 'task.knob_error', { pid: p.pid, errno: r.errno })
      return one({ kind: 'done' })
    }
    case 'sysctl': {
      applySysctl(sim, a.name, a.value)
      return one({ kind: 'done' })
    }
    case 'cgroup-set': {
      const m = w.oom.memcgs.get(a.path)
      if (m === undefined) return one({ kind: 'done' })
      const v = a.value
      const pages = typeof v === 'boolean' ? null : v === 'max' ? null : sizeToPages(v)
      switch (a.key) {
        case 'memory.max':
        case 'memory.limit_in_bytes':
          m.limit = pages
          break
        case 'memory.swap.max':
          m.swapLimit = pages
          break
        case 'memory.memsw.limit_in_bytes':
          m.swapLimit = pages === null ? null : Math.max(0, pages - (m.limit ?? 0))
          break
        case 'memory.high':
          extraOf(w, a.path).high = pages
          break
        case 'memory.low':
          extraOf(w, a.path).low = pages ?? 0
          break
        case 'memory.min':
          extraOf(w, a.path).min = pages ?? 0
          break
        case 'memory.oom.group':
          m.oomGroup = v === true
          break
        case 'memory.oom_control.oom_kill_disable':
          m.oomKillDisable = v === true
          if (v !== true && m.underOom) sim.worldChanged = true
          break
      }
      emitSim(sim, 'memcg.set', { memcg: a.path, key: a.key, value: v })
      // memory_max_write(): reclaim down to the new limit, then OOM-kill if that fails.
      if (m.limit !== null && m.usage > m.limit) {
        shrinkZones(w, {
          zones: w.zones.map((_, i) => i),
          nrToReclaim: m.usage - m.limit,
          mayIo: true,
          memcg: m.path,
          reason: 'memcg',
          swappiness: m.swappiness
        })
        drainMmTrace(sim)
        if (m.usage > m.limit && w.oom.cgroupVersion === 2) {
          const member = w.oom.processes.find(
            p => p.memcg === m.path || p.memcg.startsWith(`${m.path}/`)
          )
          invokeOom(sim, {
            kind: 'memcg',
            memcg: m.path,
            gfpMask: gfpFromNames(['GFP_KERNEL'], sim.profile),
            order: 0,
            nodemask: null,
            currentPid: member?.pid ?? null
          })
        }
      }
      return one({ kind: 'done' })
    }
    case 'cgroup-move': {
      const p = proc(sim, a.pid)
      if (p !== undefined) p.memcg = a.path
      emitSim(sim, 'memcg.move', { pid: a.pid, memcg: a.path })
      return one({ kind: 'done' })
    }
    case 'sysrq': {
      sim.log.push({ timeNs: sim.nowNs, level: 6, text: 'sysrq: Manual OOM execution' })
      invokeOom(sim, {
        kind: 'sysrq',
        memcg: null,
        gfpMask: gfpFromNames(['GFP_KERNEL'], sim.profile),
        order: -1,
        nodemask: null,
        currentPid: null
      })
      return one({ kind: 'done' })
    }
    case 'swapon': {
      const d = w.mem.swap.find(x => x.name === a.name)
      if (d !== undefined) d.active = true
      w.oom.totalSwapPages = totalSwapPages(w.mem)
      sim.log.push({
        timeNs: sim.nowNs,
        level: 6,
        text: `Adding ${d === undefined ? 0 : d.pages * 4}k swap on ${a.name}.  Priority:${d?.priority ?? -2} extents:1 across:${d === undefined ? 0 : d.pages * 4}k FS`
      })
      emitSim(sim, 'task.swapon', { name: a.name })
      return one({ kind: 'done' })
    }
    case 'swapoff': {
      const d = w.mem.swap.find(x => x.name === a.name)
      if (d === undefined || !d.active) return one({ kind: 'done' })
      // swapoff(): the device stops taking new pages (total_swap_pages drops at once), then
      // try_to_unuse() swaps every entry back in as the caller, which is the OOM origin.
      const caller = a.pid !== undefined ? proc(sim, a.pid) : undefined
      d.active = false
      w.oom.totalSwapPages = totalSwapPages(w.mem)
      if (caller !== undefined) caller.oomOrigin = true
      let ok = true
      for (const mm of [...w.oom.mms.values()]) {
        if (mm.swapEnts === 0 || d.used === 0) continue
        const owner = w.oom.processes.find(q => q.mmId === mm.id)
        if (owner === undefined) continue
        const actor = caller ?? owner
        const n = Math.min(mm.swapEnts, d.used)
        const g = gfpFromNames(['GFP_HIGHUSER_MOVABLE'], sim.profile)
        const r = allocPages(
          w,
          { site: 'swapin', gfp: g, order: 0, count: n, task: taskOf(actor) },
          hooksFor(sim, actor)
        )
        drainMmTrace(sim)
        const pl = placementOf(w, mm.id)
        r.placed.forEach((k, i) => {
          const z = w.zones[i]
          if (z !== undefined) z.stats.activeAnon += k
          pl.anonZones[i] = (pl.anonZones[i] ?? 0) + k
        })
        mm.swapEnts -= r.got
        mm.anon += r.got
        d.used -= r.got
        const u = w.memcgUsage.get(owner.memcg)
        if (u !== undefined) {
          u.anon += r.got
          u.swap -= r.got
        }
        if (r.status !== 'ok' || actor.sigkillPending) {
          ok = false
          break
        }
      }
      if (caller !== undefined) caller.oomOrigin = false
      if (!ok && d.used > 0) {
        // Interrupted (the caller was killed or the allocation failed): the device goes back.
        d.active = true
        w.oom.totalSwapPages = totalSwapPages(w.mem)
      }
      emitSim(sim, 'task.swapoff', { name: a.name, left: d.used, ok })
      return one({ kind: 'done' })
    }
    case 'wait':
      return one({ kind: 'done' })
  }
}

const onceBySim = new WeakMap<Sim, { oomAdjDeprecatedWarned: boolean }>()
function knobOnce(sim: Sim): { oomAdjDeprecatedWarned: boolean } {
  let o = onceBySim.get(sim)
  if (o === undefined) onceBySim.set(sim, (o = { oomAdjDeprecatedWarned: false }))
  return o
}

/** A sysctl write during the run. */
export function applySysctl(sim: Sim, name: string, value: number): void {
  const w = sim.w
  const vm = w.mem.vm
  switch (name) {
    case 'vm.panic_on_oom':
      w.oom.sysctl.panicOnOom = Math.min(2, Math.max(0, value)) as 0 | 1 | 2
      break
    case 'vm.oom_kill_allocating_task':
      w.oom.sysctl.oomKillAllocatingTask = value !== 0
      break
    case 'vm.oom_dump_tasks':
      w.oom.sysctl.oomDumpTasks = value !== 0
      break
    case 'vm.overcommit_memory':
      vm.overcommitMemory = Math.min(2, Math.max(0, value)) as 0 | 1 | 2
      break
    case 'vm.overcommit_ratio':
      vm.overcommitRatio = value
      vm.overcommitKbytes = 0
      break
    case 'vm.overcommit_kbytes':
      vm.overcommitKbytes = value
      vm.overcommitRatio = 0
      break
    case 'vm.min_free_kbytes':
      vm.minFreeKbytes = value
      vm.minFreeKbytesUser = true
      setupZoneWatermarks(w.mem, sim.profile, false)
      setupLowmemReserve(w.mem, sim.profile, false)
      break
    case 'vm.watermark_scale_factor':
      vm.watermarkScaleFactor = value
      setupZoneWatermarks(w.mem, sim.profile, false)
      break
    case 'vm.swappiness':
      vm.swappiness = value
      break
  }
  emitSim(sim, 'sim.sysctl', { name, value })
}

/** The time of a repeating action's next iteration, or null when it does not repeat (any more). */
export function nextIteration(
  sim: Sim,
  index: number,
  iter: number
): { t: number; index: number; iter: number } | null {
  const a = sim.actions[index] as ActionSpecT
  if (!('every' in a) || a.every === undefined) return null
  if (sim.stopped.has(index)) return null
  if (a.count !== undefined && iter >= a.count) return null
  const pid = 'pid' in a ? a.pid : undefined
  const p = pid === undefined ? undefined : proc(sim, pid)
  if ('until' in a && a.until !== undefined) {
    if ((a.until === 'killed' || a.until === 'exit') && (p === undefined || p.sigkillPending))
      return null
    if (a.until === 'oom' && sim.oomSeen > 0) return null
  }
  if (pid !== undefined && p === undefined) return null
  let times = timesOf.get(a)
  if (times === undefined)
    timesOf.set(a, (times = { at: durationToNs(a.at), every: durationToNs(a.every) }))
  const t = times.at + iter * times.every
  if (t > sim.endNs) return null
  return { t: Math.max(t, sim.nowNs), index, iter }
}

export { exitProcess }
