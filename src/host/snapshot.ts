/**
 * @module A host reading as a simulator scenario (src/sim/schema.ts): the machine (zones from
 * zoneinfo, swap, kernel memory from meminfo), the vm sysctls, the memory cgroups with their
 * limits, and every user process with its resident memory, page tables and oom_score_adj.
 *
 * Units: the scenario takes sizes as page counts (numbers) or strings with a unit; this module
 * writes page counts, except where the source value is kB and not page-aligned (then "NkB").
 *
 * Approximations (the scenario format has no field for them): swapped-out pages of a process are
 * written as resident anonymous pages (so its badness, rss + swap, is kept, at the cost of RAM
 * that was free on the host); shared file and shmem pages are charged to each process that maps them;
 * kernel threads and zombies are left out. Threads are listed with their tids and comms; a vfork
 * child borrowing its parent's mm is written as such (`vfork: true`, no memory of its own).
 */
import type { ScenarioFile as Scenario } from '../sim/schema.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import type { MemcgReading } from '../adapters/proc/host-source.ts'
import type { HostReading } from './scan.ts'
import { kbToPages } from './host-state.ts'
import { MAX_RECLAIM_RETRIES } from '../kernel/mm/alloc-context.ts'
import { inSubtree } from './ranking.ts'
import { processSpec } from './snapshot-process.ts'
import { cgroupCacheFiles, mappedInGroup } from './snapshot-cache.ts'
import { ROOT_FILE, ROOT_SHMEM, rootShares, type RootShare } from './snapshot-charges.ts'

type CgroupSpec = NonNullable<NonNullable<Scenario['cgroups']>['groups']>[number]
type ZoneSpec = NonNullable<Scenario['machine']['nodes']>[number]['zones'][number]
type ZoneType = ZoneSpec['type']

const ZONE_TYPES: readonly string[] = ['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable']

/** Options of `snapshotScenario`. */
export interface SnapshotOptions {
  /** Only processes (and cgroups) in this memory cgroup subtree. */
  cgroup?: string
  /** Scenario name (default: "host snapshot (kernel <release>)"). */
  name?: string
  /** Free text for the description (e.g. when and where it was taken). */
  note?: string
}

/** A cgroup path the scenario grammar accepts (no whitespace, no empty segments). */
export function scenarioCgroupPath(path: string): string {
  const segs = path.split('/').filter(s => s !== '')
  return segs.length === 0 ? '/' : '/' + segs.map(s => s.replace(/\s+/g, '_')).join('/')
}

/** Zones per node from zoneinfo, with managed pages adjusted so that their sum is totalram_pages
 * (MemTotal): the OOM killer's totalpages. On hosts with memory hot-plug or ballooning the zone
 * counts and MemTotal can disagree; the difference goes to the largest zone. */
function machineNodes(reading: HostReading): NonNullable<Scenario['machine']['nodes']> | null {
  const byNode = new Map<number, ZoneSpec[]>()
  for (const z of reading.zones) {
    if (!ZONE_TYPES.includes(z.zone) || z.present === 0) continue
    const list = byNode.get(z.node) ?? []
    list.push({
      type: z.zone as ZoneType,
      present: z.present,
      managed: Math.min(z.managed, z.present),
      ...capturedWatermarks(z)
    })
    byNode.set(z.node, list)
  }
  if (byNode.size === 0) return null
  const all = [...byNode.values()].flat()
  const managed = all.reduce((a, z) => a + (z.managed as number), 0)
  const want = kbToPages(reading.meminfo.MemTotal ?? 0)
  if (want > 0 && want !== managed) {
    const biggest = all.reduce((a, z) => ((z.present as number) > (a.present as number) ? z : a))
    const m = Math.max(0, (biggest.managed as number) + want - managed)
    biggest.managed = m
    if (m > (biggest.present as number)) biggest.present = m
  }
  // zoneinfo's node_unreclaimable: kswapd_failures >= MAX_RECLAIM_RETRIES (a hopeless node).
  const hopeless = new Set(reading.zones.filter(z => z.nodeUnreclaimable === true).map(z => z.node))
  return [...byNode.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([id, zones]) =>
      hopeless.has(id) ? { id, zones, kswapdFailures: MAX_RECLAIM_RETRIES } : { id, zones }
    )
}

/** The zone's min/low/high and lowmem_reserve as the kernel set them (zoneinfo), when read.
 * zoneinfo_show_print() prints min_wmark_pages() etc., which add the current watermark_boost:
 * that is taken off. */
function capturedWatermarks(z: HostReading['zones'][number]): Partial<ZoneSpec> {
  if (z.high === 0) return {}
  const b = Math.min(z.boost, z.min)
  const out: Partial<ZoneSpec> = {
    watermarks: { min: z.min - b, low: z.low - b, high: z.high - b }
  }
  if (z.protection.length > 0) out.lowmemReserve = [...z.protection]
  if (b > 0) out.boost = b
  return out
}

function sysctls(reading: HostReading): NonNullable<Scenario['sysctl']> {
  const s = reading.sysctls
  const out: NonNullable<Scenario['sysctl']> = {}
  const oneOf = <T extends number>(v: number | null, allowed: readonly T[]): T | undefined =>
    v !== null && (allowed as readonly number[]).includes(v) ? (v as T) : undefined
  const set = <K extends keyof typeof out>(k: K, v: (typeof out)[K] | undefined): void => {
    if (v !== undefined) out[k] = v
  }
  set('vm.panic_on_oom', oneOf(s.panicOnOom, [0, 1, 2] as const))
  set('vm.oom_kill_allocating_task', oneOf(s.oomKillAllocatingTask, [0, 1] as const))
  set('vm.oom_dump_tasks', oneOf(s.oomDumpTasks, [0, 1] as const))
  set('vm.overcommit_memory', oneOf(s.overcommitMemory, [0, 1, 2] as const))
  if (s.overcommitRatio !== null && s.overcommitRatio >= 0)
    out['vm.overcommit_ratio'] = s.overcommitRatio
  if (s.overcommitKbytes !== null && s.overcommitKbytes >= 0)
    out['vm.overcommit_kbytes'] = s.overcommitKbytes
  if (s.minFreeKbytes !== null && s.minFreeKbytes >= 128)
    out['vm.min_free_kbytes'] = s.minFreeKbytes
  if (
    s.watermarkScaleFactor !== null &&
    s.watermarkScaleFactor >= 1 &&
    s.watermarkScaleFactor <= 3000
  ) {
    out['vm.watermark_scale_factor'] = s.watermarkScaleFactor
  }
  if (s.swappiness !== null && s.swappiness >= 0 && s.swappiness <= 200)
    out['vm.swappiness'] = s.swappiness
  return out
}

const pagesOrMax = (bytes: number | null): number | 'max' =>
  bytes === null ? 'max' : Math.floor(bytes / 4096)

function cgroupSpec(g: MemcgReading, version: 1 | 2): CgroupSpec {
  const spec: CgroupSpec = { path: scenarioCgroupPath(g.path) }
  if (version === 1) {
    if (g.limitBytes !== null) spec['memory.limit_in_bytes'] = pagesOrMax(g.limitBytes)
    if (g.memswLimitBytes !== null)
      spec['memory.memsw.limit_in_bytes'] = pagesOrMax(g.memswLimitBytes)
    if (g.oomKillDisable) spec['memory.oom_control'] = { oom_kill_disable: true }
    if (g.swappiness !== null && g.swappiness <= 200) spec['memory.swappiness'] = g.swappiness
  } else {
    if (g.limitBytes !== null) spec['memory.max'] = pagesOrMax(g.limitBytes)
    if (g.highBytes !== null) spec['memory.high'] = pagesOrMax(g.highBytes)
    if (g.lowBytes !== null && g.lowBytes > 0) spec['memory.low'] = Math.floor(g.lowBytes / 4096)
    if (g.minBytes !== null && g.minBytes > 0) spec['memory.min'] = Math.floor(g.minBytes / 4096)
    if (g.swapMaxBytes !== null) spec['memory.swap.max'] = pagesOrMax(g.swapMaxBytes)
    if (g.oomGroup) spec['memory.oom.group'] = true
  }
  return spec
}

/** THREAD_SIZE on x86-64: each thread's kernel stack is 16 KiB. */
const STACK_KB_PER_THREAD = 16

/** Processes written: user processes (with an mm) in the subtree. */
function listedProcesses(reading: HostReading, scope: string): HostReading['processes'] {
  return reading.processes.filter(p => p.hasMm && inSubtree(p.memcg, scope))
}

/** KernelStack less the stacks of the threads the scenario lists (the simulator boots those with
 * each listed thread). */
function unlistedStacksKb(reading: HostReading, options: SnapshotOptions): number {
  const listedThreads = listedProcesses(reading, options.cgroup ?? '/').reduce(
    (n, p) => n + Math.max(1, p.tasks?.length ?? p.threads),
    0
  )
  return Math.max(0, (reading.meminfo.KernelStack ?? 0) - STACK_KB_PER_THREAD * listedThreads)
}

/**
 * Each written group's own page cache and tmpfs (memory.stat) beyond what its processes map,
 * then the rest of the host's page cache (meminfo Cached less Shmem, less what the processes map)
 * as one pool charged to the root, and the shmem/tmpfs nobody maps as a tmpfs file there.
 */
function scenarioFiles(
  reading: HostReading,
  groups: readonly MemcgReading[],
  procs: HostReading['processes'],
  shares: ReadonlyMap<string, RootShare>
): NonNullable<Scenario['files']> {
  const files: NonNullable<Scenario['files']> = rootMappedFiles(shares)
  const none: RootShare = { file: 0, shmem: 0 }
  const booted = { ...rootMaxima(shares) }
  for (const p of procs.filter(q => !groups.some(g => g.path === q.memcg))) {
    if (p.vforkParent !== null) continue
    booted.file += kbToPages(p.rssFileKb)
    booted.shmem += kbToPages(p.rssShmemKb)
  }
  for (const g of groups) {
    const members = procs.filter(p => p.memcg === g.path)
    const root = shares.get(g.path) ?? none
    files.push(...cgroupCacheFiles(g, scenarioCgroupPath(g.path), members, root))
    const own = mappedInGroup(members, root)
    booted.file += own.file
    booted.shmem += own.shmem
  }
  // Written elsewhere: the groups' own cache, and what the processes map (booted as page cache
  // of their own or as the root-mapped files), so the page cache booted in all is Cached - Shmem.
  const inGroups = files.reduce(
    (n, f) => n + (f.fs === 'tmpfs' || f.path === ROOT_FILE ? 0 : (f.size as number)),
    0
  )
  const mapped = booted.file
  const m = reading.meminfo
  const cached = (m.Cached ?? 0) - (m.Shmem ?? 0) - (inGroups + mapped) * 4
  if (cached > 0)
    files.push({ path: '/host/page-cache', size: `${cached}kB`, cached: `${cached}kB` })
  // shmem/tmpfs nobody written maps, outside the written groups: charged to the root.
  const groupTmpfs = files.reduce(
    (n, f) => n + (f.fs === 'tmpfs' && f.path !== ROOT_SHMEM ? (f.size as number) : 0),
    0
  )
  const mappedShmem = booted.shmem
  const shmem = (m.Shmem ?? 0) - (groupTmpfs + mappedShmem) * 4
  if (shmem > 0) files.push({ path: '/host/shmem', size: `${shmem}kB`, fs: 'tmpfs' })
  return files
}

/** The largest root share of any group: the root-mapped files' sizes. */
function rootMaxima(shares: ReadonlyMap<string, RootShare>): RootShare {
  let file = 0
  let shmem = 0
  for (const r of shares.values()) {
    file = Math.max(file, r.file)
    shmem = Math.max(shmem, r.shmem)
  }
  return { file, shmem }
}

/** The root-charged files the groups' processes map beyond what their groups hold. */
function rootMappedFiles(shares: ReadonlyMap<string, RootShare>): NonNullable<Scenario['files']> {
  const { file, shmem } = rootMaxima(shares)
  const out: NonNullable<Scenario['files']> = []
  if (file > 0) out.push({ path: ROOT_FILE, size: file, cached: file })
  if (shmem > 0) out.push({ path: ROOT_SHMEM, size: shmem, fs: 'tmpfs' })
  return out
}

/** The scenario for a host reading under `profile`. */
export function snapshotScenario(
  reading: HostReading,
  profile: KernelProfile,
  options: SnapshotOptions = {}
): Scenario {
  const scope = options.cgroup ?? '/'
  const release = reading.release ?? profile.version
  const m = reading.meminfo
  const nodes = machineNodes(reading)
  const machine: Scenario['machine'] = { kernelRelease: release }
  if (nodes) machine.nodes = nodes
  else machine.memory = kbToPages(m.MemTotal ?? 0)
  if ((m.SwapTotal ?? 0) > 0) machine.swap = [{ name: '/dev/swap', size: `${m.SwapTotal ?? 0}kB` }]
  const kernel: NonNullable<Scenario['machine']['kernel']> = {}
  if (m.SReclaimable !== undefined) kernel.slabReclaimable = `${m.SReclaimable}kB`
  if (m.SUnreclaim !== undefined) kernel.slabUnreclaimable = `${m.SUnreclaim}kB`
  if (m.KernelStack !== undefined) kernel.kernelStack = `${unlistedStacksKb(reading, options)}kB`
  if (Object.keys(kernel).length > 0) machine.kernel = kernel
  const version = reading.memcgs?.version ?? 2
  const groups = (reading.memcgs?.groups ?? []).filter(
    g => g.path !== '/' && inSubtree(g.path, scope)
  )
  const declared = new Set(['/', ...groups.map(g => scenarioCgroupPath(g.path))])
  // Ancestors of the subtree root must be declared too (a scenario declares parents first).
  const ancestors: MemcgReading[] = (reading.memcgs?.groups ?? []).filter(
    g => g.path !== '/' && !declared.has(scenarioCgroupPath(g.path)) && inSubtree(scope, g.path)
  )
  for (const a of ancestors) declared.add(scenarioCgroupPath(a.path))
  const procs = listedProcesses(reading, scope)
  const listed = new Set(procs.map(p => p.pid))
  const shares = rootShares(groups, procs)
  const scenario: Scenario = {
    name: options.name ?? `host snapshot (kernel ${release})`,
    description:
      `Captured from ${reading.source} by oomkit snapshot${options.note ? ` ${options.note}` : ''}. ` +
      'Approximations: swapped-out pages are written as resident anon; shared file/shmem pages count once ' +
      'per process; kernel threads and zombies are left out.',
    profile: profile.name,
    machine,
    sysctl: sysctls(reading),
    cgroups: {
      version,
      groups: [...ancestors, ...groups].map(g => cgroupSpec(g, version))
    },
    processes: procs.map(p =>
      processSpec(
        p,
        listed,
        declared.has(scenarioCgroupPath(p.memcg)) ? scenarioCgroupPath(p.memcg) : '/',
        shares.get(p.memcg),
        profile.alloc.procRssExact
      )
    )
  }
  const files = scenarioFiles(reading, groups, procs, shares)
  if (files.length > 0) scenario.files = files
  return scenario
}
