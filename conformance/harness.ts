/**
 * @module The conformance harness: runs one case against the real kernel. It creates the case's
 * memory cgroup, starts the hogs paused, moves each into the cgroup before it touches memory,
 * sets oom_score_adj, snapshots /proc, grows one hog step by step until the kernel OOM-kills
 * (possibly several times), collects the kernel's reports from /dev/kmsg after a marker line,
 * and tears everything down (also on failure and on SIGINT/SIGTERM).
 *
 * The kernel rate-limits dump_header to 10 reports per 5 s; a shared throttle keeps the kill rate
 * under that, and a case whose report still came out without its dump is retried.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CaseSpec } from './cases.ts'
import type { CaseRun, CoGrower, PidRole } from './case-run.ts'
import { createCaseCgroup, killAndRemoveSync, type CaseCgroup, type OomCounters } from './cgroup.ts'
import type { MemoryController } from './environment.ts'
import { Hog, type HogPids } from './hog-process.ts'
import { caseKills, killedCount, splitKills } from './kernel-report.ts'
import { dmesgLine, type KmsgReader, type KmsgRecord, uptimeUsec, writeMarker } from './kmsg.ts'
import { LiveHostSource } from '../src/adapters/proc/live-host-source.ts'
import { isGone, readMemTotals, readProc, readProcFromHost, snapshotDiff } from './proc-snapshot.ts'
import type { SnapshotEntry } from './snapshot-state.ts'
import { startToggle } from './oom-kill-disable.ts'
import { removeTmpfsFiles } from './tmpfs-files.ts'

/** A case that runs longer than this is stopped and fails (the ratelimit waits are far shorter). */
const CASE_TIMEOUT_MS = 60_000

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))

/** Keeps OOM reports under the kernel's dump_header ratelimit (10 per 5 s, we allow 8 per 5.6 s). */
export class ReportThrottle {
  private times: number[] = []
  private readonly burst: number
  private readonly windowMs: number
  constructor(burst = 8, windowMs = 5600) {
    this.burst = burst
    this.windowMs = windowMs
  }
  /** Wait until one more report fits. */
  async ready(): Promise<void> {
    for (;;) {
      const now = Date.now()
      this.times = this.times.filter(t => now - t < this.windowMs)
      if (this.times.length < this.burst) return
      await sleep(this.times[0]! + this.windowMs - now + 5)
    }
  }
  /** Count the OOM reports (dump_header's "invoked oom-killer" lines: ours, someone else's, an
   * earlier run's) among newly read records that still fall inside the ratelimit window. */
  noteBacklog(records: readonly KmsgRecord[], nowUsec: number): void {
    for (const r of records) {
      const ageMs = (nowUsec - r.usec) / 1000
      if (ageMs < this.windowMs && r.text.includes(' invoked oom-killer: '))
        this.times.push(Date.now() - ageMs)
    }
    this.times.sort((a, b) => a - b)
  }
  note(count = 1): void {
    for (let i = 0; i < count; i++) this.times.push(Date.now())
  }
  /** Wait until a whole window has passed since the last report (before retrying a case). */
  async drain(): Promise<void> {
    const last = this.times[this.times.length - 1]
    if (last !== undefined) await sleep(Math.max(0, last + this.windowMs - Date.now()))
  }
}

/** Shared state of a harness run. */
export interface HarnessContext {
  hogBin: string
  controller: MemoryController
  reader: KmsgReader
  throttle: ReportThrottle
  release: string
  /** Unique per run (cgroup names): oomkit-conf-<seed>-<n>. */
  counter: { n: number }
  log: (line: string) => void
}

/** The host reader (src/adapters/proc) the snapshot goes through. */
const hostSource = new LiveHostSource('/')

/** Everything alive right now, for the signal/exit handlers. */
const live = { hogs: new Set<Hog>(), cgroups: new Set<string>() }

/** Kill every live hog group and remove every live cgroup, synchronously. */
export function emergencyCleanup(): void {
  for (const h of live.hogs) h.killGroup()
  removeTmpfsFiles([...live.hogs].map(h => h.pid))
  for (const dir of live.cgroups) killAndRemoveSync(dir)
  live.hogs.clear()
  live.cgroups.clear()
}

let handlersInstalled = false
/** Install SIGINT/SIGTERM/exit handlers that clean up before the process dies. */
export function installCleanupHandlers(): void {
  if (handlersInstalled) return
  handlersInstalled = true
  process.on('exit', emergencyCleanup)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      emergencyCleanup()
      process.exit(130)
    })
  }
}

function setAdj(pid: number, adj: number): void {
  writeFileSync(`/proc/${pid}/oom_score_adj`, String(adj))
}

/** The legacy knob: oom_adj_write() (fs/proc/base.c) stores oom_adj * 1000 / 17 (15: 1000). */
function setOomAdj(pid: number, oomAdj: number): void {
  writeFileSync(`/proc/${pid}/oom_adj`, String(oomAdj))
}

/** A snapshot entry in the making: the pid and whose mm it shares. */
type EntryOrder = { pid: number; sharesMmWith: number | null; vfork?: boolean }

/** Record the roles of hog `i`'s processes (in cgroup join order) and set the children's adj. */
function registerPids(
  i: number,
  hs: CaseSpec['hogs'][number],
  pids: HogPids,
  roles: Map<number, PidRole>,
  entriesOrder: EntryOrder[]
): void {
  roles.set(pids.pid, { hog: i, role: 'parent', index: 0 })
  entriesOrder.push({ pid: pids.pid, sharesMmWith: null })
  pids.children.forEach((c, j) => {
    roles.set(c, { hog: i, role: 'child', index: j })
    entriesOrder.push({ pid: c, sharesMmWith: null })
    const adj = hs.childAdj[j]
    if (adj !== undefined && adj !== hs.adj) setAdj(c, adj)
  })
  if (pids.cloneVm !== null) {
    roles.set(pids.cloneVm, { hog: i, role: 'clone-vm', index: 0 })
    entriesOrder.push({ pid: pids.cloneVm, sharesMmWith: pids.pid })
  }
  if (pids.vfork !== null) {
    roles.set(pids.vfork, { hog: i, role: 'vfork', index: 0 })
    entriesOrder.push({ pid: pids.vfork, sharesMmWith: pids.pid, vfork: true })
  }
}

/** One step of each lockstep co-grower still alive, in turn after the grower's. */
async function lockstepCoGrowers(
  coGrowers: readonly CoGrower[],
  co: readonly Hog[],
  stepKb: number
): Promise<void> {
  for (let j = 0; j < co.length; j++)
    if (coGrowers[j]!.mode === 'lockstep' && co[j]!.exit === null) await co[j]!.grow(stepKb)
}

/** One attempt at a case. */
async function attempt(spec: CaseSpec, ctx: HarnessContext, attemptNo: number): Promise<CaseRun> {
  const started = Date.now()
  const name = `oomkit-conf-${spec.seed}-${ctx.counter.n++}`
  const errors: string[] = []
  const hogs: Hog[] = []
  const roles = new Map<number, PidRole>()
  const entriesOrder: EntryOrder[] = []
  const coGrowers: CoGrower[] = []
  const records: KmsgRecord[] = []
  let cg: CaseCgroup | null = null
  let finalCounters: OomCounters | null = null
  const marker = `oomkit-conformance case ${name} seed ${spec.seed} attempt ${attemptNo} start`
  // Anything logged before this case only matters to the ratelimit budget.
  ctx.throttle.noteBacklog(ctx.reader.read(), uptimeUsec())
  writeMarker(marker)
  const collect = (): void => {
    const fresh = ctx.reader.read()
    // Every dump_header the kernel printed (ours or anyone's) used up ratelimit budget.
    ctx.throttle.noteBacklog(fresh, uptimeUsec())
    for (const r of fresh) records.push(r)
  }
  const run: CaseRun = {
    spec,
    release: ctx.release,
    memcgPath: `/${name}`,
    snapshot: {
      entries: [],
      totalRamPages: 0,
      totalSwapPages: 0,
      cgroupVersion: ctx.controller.version,
      memcgPath: `/${name}`,
      limitPages: Math.floor(spec.limitKb / 4),
      usagePages: 0
    },
    roles,
    chargedElsewhere: new Map(),
    growerPid: -1,
    growerTid: null,
    coGrowers,
    grownKbAtKill: [],
    grownKb: 0,
    kills: [],
    logLines: [],
    attempts: attemptNo,
    errors,
    durationMs: 0
  }
  try {
    cg = createCaseCgroup(ctx.controller, name)
    live.cgroups.add(cg.dir)
    cg.setLimitBytes(spec.limitKb * 1024)
    if (spec.oomGroup === true) cg.setOomGroup(true)
    for (const g of spec.groups ?? []) cg.addChild(g.path, g.limitKb && g.limitKb * 1024)
    // Start the hogs one by one: paused, moved into the cgroup, adj set, then allowed to touch.
    for (let i = 0; i < spec.hogs.length; i++) {
      const hs = spec.hogs[i]!
      // A hog without forked children joins its group before it re-executes (hog -C): nothing
      // is charged elsewhere. A forking one is moved after (its children's copy-on-write share
      // is modelled with the pages it faulted before the move charged elsewhere).
      const procs = hs.forks > 0 ? undefined : join(cg.dir, hs.group ?? '', 'cgroup.procs')
      const h = await Hog.start(ctx.hogBin, hs, procs)
      hogs.push(h)
      live.hogs.add(h)
      if (procs === undefined) {
        const before = readProc(h.pid, ctx.controller.version)
        run.chargedElsewhere.set(h.pid, {
          anon: before.rssAnon,
          pgtables: Math.floor(before.pgtablesBytes / 4096)
        })
      }
      cg.addProcessTo(h.pid, hs.group ?? '')
      if (hs.oomAdj !== undefined) setOomAdj(h.pid, hs.oomAdj)
      else if (hs.adj !== 0) setAdj(h.pid, hs.adj)
      const pids = await h.go()
      if (hs.stopped === true) process.kill(h.pid, 'SIGSTOP')
      registerPids(i, hs, pids, roles, entriesOrder)
      if (i === spec.grower) run.growerTid = pids.growerTid
      else if (hs.coGrow !== undefined)
        coGrowers.push({ hog: i, pid: h.pid, tid: pids.growerTid, mode: hs.coGrow })
    }
    // Every hog process must be in the case cgroup before the snapshot.
    const inside = new Set(cg.pids())
    for (const { pid } of entriesOrder)
      if (!inside.has(pid)) throw new Error(`pid ${pid} is not in ${cg.dir}`)
    if (cg.counters().oomKill > 0)
      throw new Error('OOM kill during setup: the baseline does not fit the limit')

    // The pre-OOM snapshot.
    const totals = readMemTotals()
    run.snapshot.totalRamPages = totals.totalRamPages
    run.snapshot.totalSwapPages = totals.totalSwapPages
    // Wait until every process's counters hold still (a thread or child may still be
    // finishing its start-up), then read them through the host reader and cross-check.
    let direct = entriesOrder.map(e => readProc(e.pid, ctx.controller.version))
    for (let i = 0; i < 20; i++) {
      await sleep(25)
      const again = entriesOrder.map(e => readProc(e.pid, ctx.controller.version))
      const settled = again.every((p, j) => snapshotDiff(p, direct[j]!).length === 0)
      direct = again
      if (settled) break
    }
    run.snapshot.entries = entriesOrder.map((e, j): SnapshotEntry => {
      const viaHost = readProcFromHost(hostSource, e.pid, ctx.controller.version)
      const diff = snapshotDiff(direct[j]!, viaHost)
      if (diff.length > 0)
        errors.push(
          `host reader disagrees with /proc for ${e.pid}: ${diff.join(', ')} (direct vs host)`
        )
      return { proc: viaHost, sharesMmWith: e.sharesMmWith, ...(e.vfork ? { vfork: true } : {}) }
    })
    // memory.stat's counters lag until the next periodic flush (6.18 flush_memcg_stats_dwork(),
    // every FLUSH_TIME = 2 s) when fewer updates than the flush threshold are pending.
    await sleep(2100)
    run.snapshot.usagePages = Math.floor(cg.usageBytes() / 4096)
    run.snapshot.memcgStats = { [run.memcgPath]: cg.statText() }
    const kmem = cg.kmemBytes()
    if (kmem !== null) run.snapshot.kmemPages = Math.floor(kmem / 4096)
    for (const g of spec.groups ?? [])
      run.snapshot.memcgStats[`${run.memcgPath}/${g.path}`] = cg.statText(g.path)

    // Grow until the grower is killed or enough kills happened.
    const grower = hogs[spec.grower]!
    run.growerPid = grower.pid
    let seen = 0
    const toggle = spec.oomKillDisable === true ? startToggle(cg) : null
    const maxGrowKb = spec.limitKb * 3 + 64 * 1024
    const co = coGrowers.map(c => hogs[c.hog]!)
    coGrowers.forEach((c, j) => c.mode === 'free' && co[j]!.runFree(spec.stepKb))
    for (;;) {
      collect()
      await ctx.throttle.ready()
      const r = await grower.grow(spec.stepKb)
      if (r.result === 'ok') run.grownKb += spec.stepKb
      await lockstepCoGrowers(coGrowers, co, spec.stepKb)
      const count = cg.counters().oomKill
      if (count > seen || r.result === 'exited') {
        // Wait for the Killed lines of every kill counted so far (and the victims to be gone).
        const deadline = Date.now() + 4000
        for (;;) {
          collect()
          const mine = caseKills(splitKills(records), run.memcgPath, new Set(roles.keys()))
          const killed = killedCount(mine)
          const now = cg.counters().oomKill
          if (killed >= now && now > seen) {
            const victims = mine
              .flatMap(k => [k.killed.pid, ...k.groupKilled.map(g => g.pid)])
              .slice(seen)
            if (victims.every(isGone)) {
              for (let i = seen; i < now; i++) run.grownKbAtKill.push(run.grownKb)
              seen = now
              break
            }
          }
          if (Date.now() > deadline) {
            if (now > seen) {
              for (let i = seen; i < now; i++) run.grownKbAtKill.push(run.grownKb)
              seen = now
            }
            if (killed < now) errors.push(`memcg counted ${now} kills but the log shows ${killed}`)
            break
          }
          await sleep(10)
        }
      }
      if (r.result === 'exited') {
        const ex = grower.exit
        if (ex?.signal !== 'SIGKILL')
          errors.push(`grower ${grower.pid} exited without SIGKILL (${ex?.code ?? ex?.signal})`)
        break
      }
      if (seen >= spec.maxKills) break
      if (Date.now() - started > CASE_TIMEOUT_MS) {
        errors.push(`case still running after ${CASE_TIMEOUT_MS / 1000} s: stopped`)
        break
      }
      if (run.grownKb > maxGrowKb) {
        errors.push(`no OOM kill after growing ${run.grownKb} KiB (limit ${spec.limitKb} KiB)`)
        break
      }
    }
    if (toggle !== null) run.oomKillDisable = toggle.stop()
    finalCounters = cg.counters()
  } catch (e) {
    errors.push((e as Error).message)
  } finally {
    for (const h of hogs) h.killGroup()
    removeTmpfsFiles(hogs.map(h => h.pid))
    if (cg !== null) {
      const problems = await cg.destroy()
      errors.push(...problems)
      if (problems.length === 0) live.cgroups.delete(cg.dir)
    }
    await Promise.race([Promise.all(hogs.map(h => h.exited)), sleep(2000)])
    for (const h of hogs) live.hogs.delete(h)
  }
  collect()
  // Keep only what follows our marker (the reader may have raced with other loggers).
  const at = records.findIndex(r => r.text === marker)
  const after = at >= 0 ? records.slice(at + 1) : records
  run.logLines = after.map(dmesgLine)
  run.kills = caseKills(splitKills(after), run.memcgPath, new Set(roles.keys()))
  // The memcg's own counters must agree with the log (memory.oom_control / memory.events).
  if (finalCounters !== null) {
    const logged = killedCount(run.kills)
    if (finalCounters.oomKill !== logged)
      errors.push(
        `memcg oom_kill counter is ${finalCounters.oomKill}, the log has ${logged} Killed lines`
      )
    const groups = run.kills.filter(k => k.oomGroupText !== null).length
    if (finalCounters.oomGroupKill >= 0 && finalCounters.oomGroupKill !== groups)
      errors.push(
        `memory.events oom_group_kill is ${finalCounters.oomGroupKill}, the log has ${groups} group kills`
      )
    if (spec.oomGroup === true && groups === 0 && run.kills.length > 0)
      errors.push('memory.oom.group is set but the kernel killed no group')
  }
  run.durationMs = Date.now() - started
  return run
}

/**
 * Run a case, retrying (after the ratelimit window) when a kill's report came out without its
 * dump (ratelimited by someone else's OOMs) — up to `maxAttempts`.
 */
export async function runCase(
  spec: CaseSpec,
  ctx: HarnessContext,
  maxAttempts = 3
): Promise<CaseRun> {
  let run: CaseRun | null = null
  for (let a = 1; a <= maxAttempts; a++) {
    run = await attempt(spec, ctx, a)
    const incomplete = run.kills.filter(k => !k.complete).length
    if (incomplete === 0 || a === maxAttempts) {
      if (incomplete > 0)
        run.errors.push(
          `${incomplete} kill report(s) without dump_header (ratelimited) after ${a} attempts`
        )
      return run
    }
    ctx.log(`seed ${spec.seed}: ${incomplete} report(s) ratelimited, retrying`)
    await ctx.throttle.drain()
    await sleep(5200)
  }
  return run!
}
