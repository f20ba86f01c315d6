/**
 * @module Checks 2 and 4 on a guest case, both starting from the snapshot tree the guest sent
 * back, read the way `oomkit snapshot --root` and `oomkit scores --root` read it
 * (LiveHostSource + scanHost):
 *
 * - check 2: `snapshotScenario` (the case's cgroup subtree, or the whole guest for a global OOM)
 *   plus the grower touching `stepKb` per step, as many steps as it made in the guest plus the
 *   one it was killed in, run by `runScenario`: the simulator's victims, in order, are the
 *   kernel's (the victim named on each Killed line that opens a kill; memory.oom.group members
 *   follow it).
 * - check 4: `procOomScore` on `buildOomState` equals the guest's /proc/<pid>/oom_score for every
 *   process with an mm. The guest runs one CPU and 6.1's rss counters are the same atomics for
 *   /proc/<pid>/status and oom_badness, so no drift allowance is applied.
 */
import { LiveHostSource } from '../../src/adapters/proc/live-host-source.ts'
import { buildOomState } from '../../src/host/host-state.ts'
import { scanHost, type HostReading } from '../../src/host/scan.ts'
import { scenarioCgroupPath, snapshotScenario } from '../../src/host/snapshot.ts'
import { procOomScore } from '../../src/kernel/oom-badness.ts'
import type { KernelProfile } from '../../src/kernel/profiles.ts'
import { runScenario } from '../../src/sim/index.ts'
import type { Samples } from '../../src/sim/samples.ts'
import { ScenarioSpec, type ScenarioFile as Scenario } from '../../src/sim/schema.ts'
import type { CheckResult, Disagreement } from '../checks/types.ts'
import { GUEST_SHOW_MEM } from './assets.ts'
import { raceExplained, raceNote } from '../exit-race.ts'
import { compareMemInfo, freeBoundKb } from './meminfo-compare.ts'
import { vdsoFilePages } from './vdso-pages.ts'
import { kswapdEvidence, kswapdNote, unreclaimableCompared } from './kswapd-evidence.ts'
import { GUEST_MEM_MIB } from './guest.ts'
import type { GuestRun } from './guest-run.ts'

/** The guest snapshot as a host reading. */
export function readSnapshot(run: GuestRun): HostReading | null {
  return run.snapshotDir === null ? null : scanHost(new LiveHostSource(run.snapshotDir))
}

/** The cgroup subtree a case's OOMs happen in ('/' for global OOMs). */
function caseScope(run: GuestRun): string {
  return run.spec.counterCgroup ?? '/'
}

/** The simulator's first samples (one 4 KiB touch by the grower, added back by the callers). */
function probeStart(s: Scenario, growerPid: number): Samples {
  const probe: Scenario = {
    ...s,
    timeline: [{ at: 1, do: 'touch', pid: growerPid, size: '4k', count: 1 }]
  }
  return runScenario(ScenarioSpec.parse(probe)).samples
}

/**
 * A global OOM depends on every page of the machine. The snapshot format describes processes,
 * slab, kernel stacks and page cache, but not the rest of the guest's kernel memory (the
 * initramfs files on the tmpfs root, vmalloc, per-CPU areas, ...), and it counts a shared text
 * mapping once per process. The difference between the simulator's free pages at the start and
 * the guest's MemFree at the snapshot goes into `machine.kernel.other` (when positive), so the
 * simulated machine starts as full as the guest was; the amount is returned.
 */
export function calibrateFree(s: Scenario, reading: HostReading, growerPid: number): number {
  const zones = probeStart(s, growerPid).zones
  if (zones.length === 0 || zones[0]!.free.length === 0) return 0
  const simFree = zones.reduce((n, z) => n + z.free[0]!, 0) + 1
  const diff = simFree - Math.floor((reading.meminfo.MemFree ?? 0) / 4)
  if (diff > 0) s.machine.kernel = { ...s.machine.kernel, other: diff }
  return diff
}

/**
 * A memcg OOM depends on the group's charge. memory.current (v2) also counts kernel memory the
 * snapshot has no field for (kernel stacks, slab, the hogs' page tables beyond VmPTE); as the
 * host harness does, the difference between the guest's charge and the simulator's at the start
 * becomes an unmapped tmpfs "filler" file charged to each leaf group. Returns the pages added.
 */
export function calibrateMemcgs(s: Scenario, reading: HostReading, growerPid: number): number {
  const groups = (reading.memcgs?.groups ?? []).filter(g =>
    (s.cgroups?.groups ?? []).some(d => d.path === scenarioCgroupPath(g.path))
  )
  const leaves = groups.filter(g => !groups.some(o => o.path.startsWith(`${g.path}/`)))
  const series = probeStart(s, growerPid).memcgs
  let added = 0
  for (const g of leaves) {
    const path = scenarioCgroupPath(g.path)
    const sim = series.find(m => m.path === path)?.usage[0]
    if (sim === undefined) continue
    const grower = reading.processes.find(p => p.pid === growerPid)?.memcg === g.path ? 1 : 0
    const diff = Math.floor(g.usageBytes / 4096) - (sim - grower)
    if (diff <= 0) continue
    s.files = [
      ...(s.files ?? []),
      { path: `/filler${path}`, size: diff, cached: diff, fs: 'tmpfs', memcg: path }
    ]
    added += diff
  }
  return added
}

/**
 * What /proc cannot show and the harness knows: a CLONE_VM child shares its parent's mm, and a
 * forked child still shares, copy-on-write, the anonymous pages its parent touched before the
 * fork (the child never writes them): charged once, counted in both rss.
 */
function shareFromRoles(s: Scenario, run: GuestRun): void {
  const parentOf = (hog: number): number | undefined =>
    [...run.roles].find(([, r]) => r.hog === hog && r.role === 'parent')?.[0]
  for (const [pid, role] of run.roles) {
    const owner = parentOf(role.hog)
    const p = s.processes.find(q => q.pid === pid)
    const parent = s.processes.find(q => q.pid === owner)
    if (p === undefined || owner === undefined || role.role === 'parent') continue
    if (role.role === 'clone-vm') {
      delete p.rss
      delete p.totalVm
      delete p.pgtables
      p.shareMmWith = owner
    } else if (p.rss?.anon !== undefined && parent?.rss?.anon !== undefined) {
      const shared = Math.min(Number(p.rss.anon), Number(parent.rss.anon))
      if (shared <= 0) continue
      p.cowFrom = owner
      p.sharedAnon = shared
      p.rss = { ...p.rss, anon: Number(p.rss.anon) - shared }
    }
  }
}

/** The scenario check 2 runs: the snapshot plus the grower's growth. */
export function guestScenario(
  run: GuestRun,
  reading: HostReading,
  profile: KernelProfile,
  extraKb = 0
): Scenario {
  const s = snapshotScenario(reading, profile, {
    cgroup: caseScope(run),
    name: `qemu seed ${run.spec.seed} (${run.spec.label})`
  })
  shareFromRoles(s, run)
  vdsoFilePages(s, reading)
  s.machine = {
    ...s.machine,
    config: { ...s.machine.config, ...GUEST_SHOW_MEM.config },
    hugepages: GUEST_SHOW_MEM.hugepages
  }
  // A panicked guest never reported its growth: the simulator grows until it acts (it must
  // panic at its first OOM, so how far it grew is not compared).
  const steps = run.panicked
    ? Math.ceil((GUEST_MEM_MIB * 1024) / run.spec.stepKb)
    : Math.round(run.grownKb / run.spec.stepKb) + (run.growerStopped ? 0 : 1)
  const pages =
    run.spec.counterCgroup === null
      ? calibrateFree(s, reading, run.growerPid)
      : calibrateMemcgs(s, reading, run.growerPid)
  s.description = `${s.description ?? ''} Calibrated: ${pages} pages the snapshot does not describe.`
  s.timeline = [
    {
      at: 1,
      do: 'touch',
      pid: run.growerPid,
      size: `${run.spec.stepKb}k`,
      every: 1,
      count: steps,
      until: 'killed'
    },
    // The stated allowance of check 2 (freeBoundKb): a little more growth, once all else is done.
    ...(extraKb > 0
      ? [{ at: steps + 5000, do: 'touch' as const, pid: run.growerPid, size: `${extraKb}k` }]
      : [])
  ]
  return s
}

const victimLine = (pid: number, comm: Map<number, string>): string =>
  `${pid} (${comm.get(pid) ?? '?'})`

/** The simulator's victims and log for the case (with `extraKb` more growth). */
function simulate(
  run: GuestRun,
  reading: HostReading,
  profile: KernelProfile,
  extraKb: number
): { ours: number[]; log: string[]; freeNote: string } {
  try {
    const result = runScenario(ScenarioSpec.parse(guestScenario(run, reading, profile, extraKb)))
    const free = result.log.map(r => r.text).find(t => /^ free:\d+ /.test(t))
    return {
      ours: result.summary.victims.map(v => v.pid),
      log: result.log.map(r => r.text),
      freeNote: `simulated Mem-Info${free ?? ' (none)'}`
    }
  } catch (e) {
    return { ours: [], log: [`runScenario threw: ${(e as Error).message}`], freeNote: '' }
  }
}

/** Check 2 on a guest case. */
export function checkGuestSimulator(run: GuestRun, profile: KernelProfile): CheckResult {
  const kills = run.kills.length
  const reading = readSnapshot(run)
  if (reading === null)
    return { check: 2, total: kills, agreed: 0, disagreements: [], unavailable: 'no snapshot' }
  const comm = new Map(reading.processes.map(p => [p.pid, p.comm]))
  const kernel = run.kills.map(k => k.killed.pid)
  let { ours, log } = simulate(run, reading, profile, 0)
  const notes: string[] = []
  let drift = 0
  const last = run.kills[kills - 1]
  if (run.spec.counterCgroup === null && !run.panicked && ours.length < kills && last) {
    // Global OOM: the simulated machine ran out later than the guest. Within the free-count
    // bound of the kernel's last report (freeBoundKb) more growth, it counts, with a note.
    const extraKb = freeBoundKb(last.texts)
    const again = simulate(run, reading, profile, extraKb)
    if (again.ours.length === kills && again.ours.every((p, i) => p === kernel[i])) {
      notes.push(
        `seed ${run.spec.seed}: the simulator's last OOM needed up to ${extraKb} KiB more growth than the guest's (guest Mem-Info${last.texts.find(t => /^ free:\d+ /.test(t)) ?? ' (none)'}; ${again.freeNote})`
      )
      drift = 1
      ;({ ours, log } = again)
    }
  }
  // A memory.oom.group kill lists the group's other tasks as victims too: compare the kills'
  // leading victims with the simulator's victims that are not group members of an earlier kill.
  const groupMembers = new Set(run.kills.flatMap(k => k.groupKilled.map(g => g.pid)))
  const oursLeading = ours.filter(p => !groupMembers.has(p) || kernel.includes(p))
  let agreed = 0
  while (agreed < kills && oursLeading[agreed] === kernel[agreed]) agreed++
  // Victims beyond the kernel's count a disagreement on the last kill.
  const extra = agreed === kills && oursLeading.length > kills
  if (extra) agreed--
  const explained = raceExplained(run, agreed, extra)
  if (explained > 0)
    notes.push(`seed ${run.spec.seed}: ${raceNote(run.kills, agreed, run.growerPid)}`)
  const disagreements: Disagreement[] = []
  if (agreed + explained < kills)
    disagreements.push({
      check: 2,
      seed: run.spec.seed,
      label: run.spec.label,
      kill: agreed,
      message: !extra
        ? `kill ${agreed + 1}: the kernel killed ${victimLine(kernel[agreed]!, comm)}, the simulator ${oursLeading[agreed] === undefined ? 'nothing' : victimLine(oursLeading[agreed]!, comm)}`
        : `the simulator killed ${oursLeading.length - kills} more task(s) than the kernel`,
      kernel: [
        `victims: ${kernel.map(p => victimLine(p, comm)).join(', ')}`,
        ...run.kills.flatMap(k => [...k.taskRowTexts, k.killedText])
      ],
      ours: [
        `victims: ${ours.map(p => victimLine(p, comm)).join(', ') || '(none)'}`,
        ...log.filter(l =>
          /invoked oom-killer|^\[\s*\d+\]|oom-kill:|Killed process|Out of memory/.test(l)
        )
      ]
    })
  const memInfo = globalMemInfo(run, reading, log, { disagreements, notes })
  return {
    check: 2,
    total: kills,
    agreed,
    disagreements,
    notes,
    drift,
    ...(explained > 0 ? { explained } : {}),
    ...(memInfo !== undefined ? { memInfo } : {})
  }
}

/**
 * A global OOM's Mem-Info, kernel's first report against the simulator's first: the lines and
 * the watermarks must agree exactly and the free counts within the bound (meminfo-compare.ts);
 * a failure there is a check 2 disagreement. The other fields are only counted.
 */
function globalMemInfo(
  run: GuestRun,
  reading: HostReading,
  log: readonly string[],
  out: { disagreements: Disagreement[]; notes: string[] }
): NonNullable<CheckResult['memInfo']> | undefined {
  const { disagreements } = out
  const first = run.kills[0]
  if (run.spec.counterCgroup !== null || run.panicked || first === undefined) return undefined
  const evidence = kswapdEvidence(
    run,
    reading.zones.some(z => z.nodeUnreclaimable === true),
    reading.vmstat
  )
  const verdicts = compareMemInfo(first.texts, log, unreclaimableCompared(evidence))
  const un = verdicts.find(v => v.field === 'node.all_unreclaimable')
  if (un !== undefined && !un.agreed)
    out.notes.push(`seed ${run.spec.seed}: ${kswapdNote(evidence, un.kernel, un.ours)}`)
  const bad = verdicts.filter(v => !v.agreed && v.rule !== 'info')
  if (bad.length > 0)
    disagreements.push({
      check: 2,
      seed: run.spec.seed,
      label: run.spec.label,
      kill: 0,
      message: `Mem-Info: ${bad.map(v => v.field).join(', ')} differ`,
      kernel: bad.map(v => `${v.field}: ${v.kernel}`),
      ours: bad.map(v => `${v.field}: ${v.ours}`)
    })
  return verdicts.map(({ field, rule, agreed }) => ({ field, rule, agreed }))
}

/** Check 4 on a guest case: every process with an mm. */
export function checkGuestOomScore(run: GuestRun, profile: KernelProfile): CheckResult {
  const reading = readSnapshot(run)
  if (reading === null)
    return { check: 4, total: 0, agreed: 0, disagreements: [], unavailable: 'no snapshot' }
  const state = buildOomState(reading)
  const disagreements: Disagreement[] = []
  let total = 0
  let agreed = 0
  for (const s of reading.processes) {
    if (!s.hasMm || s.kthread || s.kernelOomScore === null) continue
    const p = state.processes.find(q => q.pid === s.pid)
    if (p === undefined) continue
    total++
    const ours = procOomScore(p, state, profile)
    if (ours === s.kernelOomScore) {
      agreed++
      continue
    }
    disagreements.push({
      check: 4,
      seed: run.spec.seed,
      label: run.spec.label,
      kill: null,
      message: `oom_score of ${s.pid} (${s.comm}): kernel ${s.kernelOomScore}, engine ${ours}`,
      kernel: [
        `/proc/${s.pid}/oom_score = ${s.kernelOomScore}`,
        `status: RssAnon=${s.rssAnonKb}kB RssFile=${s.rssFileKb}kB RssShmem=${s.rssShmemKb}kB VmSwap=${s.vmSwapKb}kB VmPTE=${s.vmPteKb}kB stat rss=${s.mmRssPages ?? '?'} adj=${s.oomScoreAdj} memcg=${s.memcg}`
      ],
      ours: [`procOomScore() = ${ours} (profile ${profile.name})`]
    })
  }
  return { check: 4, total, agreed, disagreements }
}
