/**
 * @module Booting a scenario: build the World (zones, watermarks, lowmem_reserve, per-CPU lists,
 * kernel memory, page cache, processes with their mms and VMAs, memcgs) from a Scenario.
 *
 * Units: pages internally; the scenario's sizes are converted with sizeToPages.
 */
import type { KernelProfile } from '../kernel/profiles.ts'
import type { Memcg, Mm, Process, Vma } from '../kernel/types.ts'
import { PAGE_SIZE } from '../kernel/types.ts'
import {
  makeMemcg,
  makeMm,
  makeProcess,
  makeState,
  makeThread,
  makeVma
} from '../kernel/state-builders.ts'
import type { MemModel, MemNode } from '../kernel/mm/model.ts'
import {
  emptyFreeArea,
  emptyZoneStats,
  freeToBuddy,
  takeFromBuddy,
  type Zone,
  type ZoneType
} from '../kernel/mm/zone.ts'
import {
  defaultLowmemRatio,
  defaultMinFreeKbytes,
  setupLowmemReserve,
  setupZoneWatermarks
} from '../kernel/mm/watermarks.ts'
import { fragmentedZones } from '../kernel/mm/compaction.ts'
import type { z as Zod } from 'zod'
import type { NodeSpec } from './schema.ts'
import { extraOf } from '../kernel/mm/memcg-charge.ts'
import { vmaTouched } from '../kernel/mm/fault.ts'
import { cowShare } from '../kernel/mm/cow.ts'
import { placementOf, usageOf, type CachedFile, type World } from '../kernel/mm/world.ts'
import type { Scenario } from './schema.ts'
import { sizeToPages } from './load.ts'

/** Exit behaviour of a process after SIGKILL. */
export interface ExitSpec {
  delayNs: number
  stuck: boolean
}

/** The booted world plus the per-process simulator data. */
export interface Booted {
  world: World
  exits: Map<number, ExitSpec>
  vmaByName: Map<number, Map<string, Vma>>
  hz: number
  kernelRelease: string
  hardware: string | null
  cpus: number
}

const X86_64_SLOTS: readonly (ZoneType | 'Device')[] = [
  'DMA',
  'DMA32',
  'Normal',
  'Movable',
  'Device'
]
const X86_32_SLOTS: readonly (ZoneType | 'Device')[] = ['DMA', 'Normal', 'HighMem', 'Movable']

function zonesFromTotal(total: number): { type: ZoneType; present: number; managed: number }[] {
  const dma = Math.min(3998, total)
  const dma32 = Math.max(0, Math.min(total - dma, 520160))
  const normal = Math.max(0, total - dma - dma32)
  const out: { type: ZoneType; present: number; managed: number }[] = [
    { type: 'DMA', present: dma, managed: Math.min(dma, 3840) },
    { type: 'DMA32', present: dma32, managed: Math.floor(dma32 * 0.985) }
  ]
  if (normal > 0) out.push({ type: 'Normal', present: normal, managed: Math.floor(normal * 0.985) })
  return out
}

function makeZone(
  node: number,
  type: ZoneType,
  idx: number,
  present: number,
  managed: number,
  initManaged: number,
  slots: number
): Zone {
  return {
    node,
    type,
    idx,
    presentPages: present,
    managedPages: managed,
    initManagedPages: initManaged,
    wmarkMin: 0,
    wmarkLow: 0,
    wmarkHigh: 0,
    wmarkPromo: 0,
    boost: 0,
    lowmemReserve: new Array<number>(slots).fill(0),
    free: 0,
    freeArea: emptyFreeArea(),
    pcp: 0,
    localPcp: 0,
    stats: emptyZoneStats()
  }
}

/** Boot-time allocation straight from the buddy lists, highest zone first (memblock-like). */
export function bootTake(w: World, pages: number, mt: 'U' | 'M' | 'E' = 'U'): number[] {
  const placed = new Array<number>(w.zones.length).fill(0)
  let rest = pages
  const order = w.zones
    .map((z, i) => ({ z, i }))
    .sort((a, b) => b.z.idx - a.z.idx || a.z.node - b.z.node)
  for (const { z, i } of order) {
    if (rest <= 0) break
    const room = Math.max(0, z.free - z.wmarkHigh)
    const n = Math.min(rest, room)
    if (n <= 0) continue
    const got = takeFromBuddy(z, n, 0, mt)
    placed[i] = got
    rest -= got
  }
  if (rest > 0) {
    for (const { z, i } of order) {
      const n = Math.min(rest, z.free)
      const got = takeFromBuddy(z, n, 0, mt)
      placed[i] = (placed[i] ?? 0) + got
      rest -= got
    }
  }
  return placed
}

function addStat(w: World, placed: readonly number[], key: keyof Zone['stats']): void {
  placed.forEach((n, i) => {
    const z = w.zones[i]
    if (z !== undefined) z.stats[key] += n
  })
}

/** Boot the world described by a scenario under a profile. */
export function bootScenario(s: Scenario, profile: KernelProfile): Booted {
  const m = s.machine
  const sys = s.sysctl ?? {}
  const nodeSpecs: Zod.infer<typeof NodeSpec>[] = m.nodes ?? [
    {
      zones: zonesFromTotal(sizeToPages(m.memory ?? '1G')).map(z => ({
        type: z.type,
        present: z.present,
        managed: z.managed
      }))
    }
  ]
  const highmem = nodeSpecs.some(n => n.zones.some(z => z.type === 'HighMem'))
  const zoneSlots = highmem ? X86_32_SLOTS : X86_64_SLOTS
  const nodes: MemNode[] = nodeSpecs.map((n, ni) => {
    const id = n.id ?? ni
    const zones = n.zones.map(z => {
      const present = sizeToPages(z.present)
      const managed = z.managed !== undefined ? sizeToPages(z.managed) : Math.floor(present * 0.985)
      const init = z.bootManaged !== undefined ? sizeToPages(z.bootManaged) : managed
      const zone = makeZone(
        id,
        z.type,
        zoneSlots.indexOf(z.type),
        present,
        managed,
        init,
        zoneSlots.length
      )
      if (z.fragmented === true) fragmentedZones.add(zone)
      return zone
    })
    return {
      id,
      zones,
      counters: {
        mapped: 0,
        dirty: 0,
        writeback: 0,
        shmem: 0,
        isolatedAnon: 0,
        isolatedFile: 0,
        filePages: 0,
        swapCache: 0,
        anonThp: 0
      },
      kswapd: { node: id, awake: false, order: 0, classZone: 0, failures: 0, nextRunNs: 0 }
    }
  })
  const mem: MemModel = {
    zoneSlots,
    nodes,
    swap: (m.swap ?? []).map(d => ({
      name: d.name,
      pages: sizeToPages(d.size),
      used: 0,
      priority: d.priority ?? -2,
      active: d.active ?? true
    })),
    huge: (m.hugepages ?? []).map(h => ({
      node: h.node ?? 0,
      sizeKb: h.sizeKb,
      total: h.total,
      free: h.total,
      surp: 0
    })),
    vm: {
      minFreeKbytes: 0,
      minFreeKbytesUser: sys['vm.min_free_kbytes'] !== undefined,
      watermarkScaleFactor: sys['vm.watermark_scale_factor'] ?? 10,
      watermarkBoostFactor: sys['vm.watermark_boost_factor'] ?? 15000,
      lowmemReserveRatio: [],
      swappiness: sys['vm.swappiness'] ?? 60,
      overcommitMemory: sys['vm.overcommit_memory'] ?? 0,
      overcommitRatio: sys['vm.overcommit_ratio'] ?? 50,
      overcommitKbytes: sys['vm.overcommit_kbytes'] ?? 0,
      userReserveKbytes: 0,
      adminReserveKbytes: 0
    },
    committedAs: 0,
    pagesRam: 0,
    pagesReserved: 0,
    kernelMiscReclaimable: 0
  }
  const zones: Zone[] = []
  for (const n of nodes) for (const z of n.zones) zones.push(z)
  const presentSum = zones.reduce((a, z) => a + z.presentPages, 0)
  mem.pagesRam = m.pagesRam ?? presentSum
  mem.pagesReserved =
    m.pagesReserved ?? zones.reduce((a, z) => a + z.presentPages - z.managedPages, 0)
  mem.vm.lowmemReserveRatio = sys['vm.lowmem_reserve_ratio'] ?? defaultLowmemRatio(mem, profile)
  mem.vm.minFreeKbytes = sys['vm.min_free_kbytes'] ?? defaultMinFreeKbytes(mem, profile, true)
  setupZoneWatermarks(mem, profile, true)
  setupLowmemReserve(mem, profile, true)
  // A fragmented zone starts with its free memory in blocks of order <= 2 (pinned pages
  // everywhere); otherwise free memory is in MAX_ORDER blocks.
  for (const z of zones) freeToBuddy(z, z.managedPages, 'M', fragmentedZones.has(z) ? 2 : 10)
  // Huge pages come out of the buddy allocator at boot.
  const oom = makeState({
    cgroupVersion: s.cgroups?.version ?? 2,
    nodes: nodes.map(n => ({
      id: n.id,
      presentPages: n.zones.reduce((a, z) => a + z.presentPages, 0),
      spannedPages: n.zones.reduce((a, z) => a + z.presentPages, 0)
    })),
    totalRamPages: zones.reduce((a, z) => a + z.managedPages, 0),
    totalSwapPages: mem.swap.filter(d => d.active).reduce((a, d) => a + d.pages, 0),
    sysctl: {
      panicOnOom: sys['vm.panic_on_oom'] ?? 0,
      oomKillAllocatingTask: (sys['vm.oom_kill_allocating_task'] ?? 0) === 1,
      oomDumpTasks: (sys['vm.oom_dump_tasks'] ?? 1) === 1
    }
  })
  const w: World = {
    profile,
    mem,
    oom,
    zones,
    files: new Map(),
    placement: new Map(),
    memcgUsage: new Map(),
    nowNs: 0,
    trace: [],
    suspendedStorage: false,
    stats: { allocEvents: 0, allocFailures: 0, reclaimedPages: 0, swapOuts: 0 }
  }
  for (const h of mem.huge) {
    const pages = (h.total * h.sizeKb) / 4
    bootTake(w, pages, 'M')
  }
  // Per-CPU lists.
  nodeSpecs.forEach((n, ni) =>
    n.zones.forEach((zs, zi) => {
      const z = nodes[ni]?.zones[zi]
      if (z === undefined) return
      const pcp = zs.pcp !== undefined ? sizeToPages(zs.pcp) : 0
      z.pcp = takeFromBuddy(z, pcp, 0, 'M')
      z.localPcp = zs.localPcp !== undefined ? Math.min(z.pcp, sizeToPages(zs.localPcp)) : z.pcp
    })
  )
  // Kernel memory.
  const k = m.kernel ?? {}
  addStat(w, bootTake(w, sizeToPages(k.slabReclaimable ?? 0), 'E'), 'slabReclaimable')
  addStat(w, bootTake(w, sizeToPages(k.slabUnreclaimable ?? 0)), 'slabUnreclaimable')
  addStat(w, bootTake(w, sizeToPages(k.kernelStack ?? 0)), 'kernelStack')
  addStat(w, bootTake(w, sizeToPages(k.pagetables ?? 0)), 'pagetables')
  addStat(w, bootTake(w, sizeToPages(k.other ?? 0)), 'kernelOther')
  addStat(w, bootTake(w, sizeToPages(k.anon ?? 0), 'M'), 'activeAnon')
  mem.kernelMiscReclaimable = sizeToPages(k.miscReclaimable ?? 0)
  // Memory cgroups.
  const v = s.cgroups?.version ?? 2
  for (const g of s.cgroups?.groups ?? []) {
    const lim = (x: number | string | undefined): number | null =>
      x === undefined || x === 'max' ? null : sizeToPages(x)
    const memcg: Memcg = makeMemcg({
      path: g.path,
      limit: v === 1 ? lim(g['memory.limit_in_bytes']) : lim(g['memory.max']),
      swapLimit:
        v === 1
          ? g['memory.memsw.limit_in_bytes'] === undefined ||
            g['memory.memsw.limit_in_bytes'] === 'max'
            ? null
            : Math.max(
                0,
                sizeToPages(g['memory.memsw.limit_in_bytes']) -
                  (lim(g['memory.limit_in_bytes']) ?? 0)
              )
          : lim(g['memory.swap.max']),
      oomKillDisable: g['memory.oom_control']?.oom_kill_disable ?? false,
      oomGroup: g['memory.oom.group'] ?? false,
      swappiness: g['memory.swappiness'] ?? mem.vm.swappiness
    })
    oom.memcgs.set(g.path, memcg)
    const e = extraOf(w, g.path)
    e.high = lim(g['memory.high'])
    e.low = g['memory.low'] !== undefined ? sizeToPages(g['memory.low']) : 0
    e.min = g['memory.min'] !== undefined ? sizeToPages(g['memory.min']) : 0
  }
  const cpusetOf = new Map<string, number[]>()
  for (const g of s.cgroups?.groups ?? [])
    if (g['cpuset.mems'] !== undefined) cpusetOf.set(g.path, g['cpuset.mems'])
  // Files and their cached pages.
  for (const f of s.files ?? []) {
    const kind = f.fs ?? 'disk'
    const file: CachedFile = {
      path: f.path,
      kind,
      sizePages: sizeToPages(f.size),
      zones: new Array<number>(zones.length).fill(0),
      cached: 0,
      dirty: 0,
      writeback: 0,
      swapped: 0,
      mappedBy: new Map(),
      mlocked: f.mlocked ?? false,
      memcg: f.memcg ?? '/'
    }
    const cached = Math.min(
      file.sizePages,
      f.cached !== undefined ? sizeToPages(f.cached) : kind === 'disk' ? 0 : file.sizePages
    )
    const placed = bootTake(w, cached, 'M')
    placed.forEach((n, i) => {
      file.zones[i] = n
      const z = zones[i]
      if (z === undefined) return
      if (kind === 'ramfs' || file.mlocked) z.stats.unevictable += n
      else if (kind === 'tmpfs') z.stats.activeAnon += n
      else z.stats.inactiveFile += n
    })
    file.cached = cached
    const node = nodes[0]
    if (node !== undefined) {
      node.counters.filePages += cached
      if (kind === 'tmpfs') node.counters.shmem += cached
    }
    const u = usageOf(w, file.memcg)
    if (kind === 'tmpfs') u.shmem += cached
    else u.file += cached
    for (const mg of ancestorsPaths(file.memcg)) {
      const mc = oom.memcgs.get(mg)
      if (mc !== undefined) mc.usage += cached
    }
    if (f.dirty !== undefined && kind === 'disk') {
      file.dirty = Math.min(cached, sizeToPages(f.dirty))
      if (node !== undefined) node.counters.dirty += file.dirty
    }
    w.files.set(f.path, file)
  }
  // Processes.
  const exits = new Map<number, ExitSpec>()
  const vmaByName = new Map<number, Map<string, Vma>>()
  let cursor = 0x7f0000000 // virtual page number
  for (const ps of s.processes) {
    const threads =
      ps.threads === undefined
        ? [makeThread({ tid: ps.pid, comm: ps.comm })]
        : typeof ps.threads === 'number'
          ? Array.from({ length: ps.threads }, (_, i) =>
              makeThread({ tid: i === 0 ? ps.pid : ps.pid + i, comm: ps.comm })
            )
          : ps.threads.map(t => makeThread({ tid: t.tid, comm: t.comm ?? ps.comm }))
    const mempolicy = ps.mempolicy?.mode === 'bind' ? ps.mempolicy.nodes : null
    for (const t of threads) t.mempolicyNodes = mempolicy
    const memcgPath = ps.memcg ?? '/'
    const cpusetPath = ps.cpuset?.path ?? '/'
    const mems = ps.cpuset?.mems ?? cpusetOf.get(cpusetPath) ?? nodes.map(n => n.id)
    const caps = ps.caps ?? []
    const sharedWith = ps.shareMmWith ?? (ps.vfork === true ? ps.ppid : undefined)
    const p: Process = makeProcess({
      pid: ps.pid,
      comm: ps.comm,
      ppid: ps.ppid ?? 1,
      uid: ps.uid ?? 0,
      capSysAdmin: caps.includes('CAP_SYS_ADMIN'),
      capSysResource: caps.includes('CAP_SYS_RESOURCE'),
      kthread: ps.kthread ?? false,
      mmId: ps.kthread === true ? null : (sharedWith ?? ps.pid),
      threads,
      oomScoreAdj: ps.oom_score_adj ?? 0,
      oomScoreAdjMin: ps.oom_score_adj_min ?? 0,
      memcg: memcgPath,
      cpuset: cpusetPath,
      memsAllowed: mems,
      inVfork: ps.vfork === true,
      coreDumping: ps.coreDumping ?? false
    })
    oom.processes.push(p)
    exits.set(ps.pid, {
      delayNs: ps.exit?.delay !== undefined ? durationNs(ps.exit.delay) : 1_000_000,
      stuck: ps.exit?.stuck ?? false
    })
    // Kernel stack: THREAD_SIZE 16 KiB per thread.
    addStat(w, bootTake(w, 4 * threads.length), 'kernelStack')
    if (p.mmId === null || sharedWith !== undefined) continue
    const mm: Mm = makeMm({ id: ps.pid, mmapLockHeld: ps.exit?.stuck ?? false })
    oom.mms.set(mm.id, mm)
    const names = new Map<string, Vma>()
    vmaByName.set(ps.pid, names)
    const specs = [...(ps.vmas ?? [])]
    if (ps.rss?.anon !== undefined)
      specs.push({ name: 'heap', size: ps.rss.anon, resident: ps.rss.anon, kind: 'anon' })
    if (ps.rss?.file !== undefined)
      specs.push({ name: 'text', size: ps.rss.file, resident: ps.rss.file, kind: 'file' })
    if (ps.rss?.shmem !== undefined)
      specs.push({
        name: 'shm',
        size: ps.rss.shmem,
        resident: ps.rss.shmem,
        kind: 'shmem',
        shared: true
      })
    for (const vs of specs) {
      const size = sizeToPages(vs.size)
      const start = vs.start !== undefined ? Math.floor(Number(vs.start) / PAGE_SIZE) : cursor
      if (vs.start === undefined) cursor += size + 16
      const kind = vs.kind ?? (vs.file !== undefined ? 'file' : 'anon')
      const vma = makeVma({
        start,
        pages: size,
        anonymous: kind === 'anon',
        shared: vs.shared ?? kind === 'shmem',
        locked: vs.locked ?? false,
        hugetlb: vs.hugetlb ?? false,
        pfnmap: vs.pfnmap ?? false
      })
      mm.vmas.push(vma)
      if (vs.name !== undefined) names.set(vs.name, vma)
      const resident = Math.min(size, vs.resident !== undefined ? sizeToPages(vs.resident) : 0)
      if (resident > 0) residentAtBoot(w, p, mm, vma, kind, resident, vs.file)
    }
    mm.totalVm =
      ps.totalVm !== undefined ? sizeToPages(ps.totalVm) : mm.vmas.reduce((a, x) => a + x.pages, 0)
    if (ps.totalVm !== undefined) {
      const extra = mm.totalVm - mm.vmas.reduce((a, x) => a + x.pages, 0)
      if (extra > 0) mm.vmas.push(makeVma({ start: cursor, pages: extra, anonymous: true }))
      cursor += Math.max(0, extra) + 16
    }
    if (ps.pgtables !== undefined) {
      const pages = sizeToPages(ps.pgtables)
      const placed = bootTake(w, pages)
      addStat(w, placed, 'pagetables')
      const pl = placementOf(w, mm.id)
      placed.forEach((n, i) => (pl.pgtableZones[i] = (pl.pgtableZones[i] ?? 0) + n))
      mm.pgtablesBytes = pages * PAGE_SIZE
      usageOf(w, memcgPath).pagetables += pages
      for (const mg of ancestorsPaths(memcgPath)) {
        const mc = oom.memcgs.get(mg)
        if (mc !== undefined) mc.usage += pages
      }
    }
    mem.committedAs += mm.vmas.reduce((a, x) => a + (x.anonymous && !x.shared ? x.pages : 0), 0)
  }
  // Forked processes still sharing their parent's anonymous pages copy-on-write (cowFrom):
  // linked once every process is built, in declaration order.
  for (const ps of s.processes) {
    if (ps.cowFrom === undefined || ps.kthread === true) continue
    const src = oom.processes.find(q => q.pid === ps.cowFrom)
    const dst = oom.mms.get(ps.pid)
    const srcMm = src?.mmId == null ? undefined : oom.mms.get(src.mmId)
    if (src === undefined || dst === undefined || srcMm === undefined || srcMm === dst) continue
    const pages = Math.min(
      srcMm.anon,
      ps.sharedAnon !== undefined ? sizeToPages(ps.sharedAnon) : srcMm.anon
    )
    if (pages <= 0) continue
    const vma = makeVma({ start: cursor, pages, anonymous: true })
    cursor += pages + 16
    dst.vmas.push(vma)
    const names = vmaByName.get(ps.pid)
    if (names !== undefined && !names.has('cow')) names.set('cow', vma)
    vma.anon = cowShare(w, srcMm, src.memcg, dst, pages)
    vmaTouched.set(vma, vma.anon)
    if (ps.totalVm === undefined) dst.totalVm += pages
    mem.committedAs += pages
  }
  // Multi-process mms (>= 5.10 MMF_MULTIPROCESS).
  const users = new Map<number, number>()
  for (const p of oom.processes)
    if (p.mmId !== null) users.set(p.mmId, (users.get(p.mmId) ?? 0) + 1)
  for (const [id, n] of users) {
    const mm = oom.mms.get(id)
    if (mm !== undefined && n > 1) mm.flags.multiprocess = true
  }
  // Overcommit reserves (init_user_reserve / init_admin_reserve from free memory at boot).
  const freeKb = zones.reduce((a, z) => a + z.free, 0) * 4
  mem.vm.userReserveKbytes =
    sys['vm.user_reserve_kbytes'] ?? Math.min(Math.floor(freeKb / 32), 1 << 17)
  mem.vm.adminReserveKbytes =
    sys['vm.admin_reserve_kbytes'] ?? Math.min(Math.floor(freeKb / 32), 1 << 13)
  return {
    world: w,
    exits,
    vmaByName,
    hz: m.hz ?? 1000,
    kernelRelease: m.kernelRelease ?? `${profile.version}-oomkit`,
    hardware: m.hardware ?? null,
    cpus: m.cpus ?? 1
  }
}

function durationNs(v: number | string): number {
  if (typeof v === 'number') return Math.round(v * 1e6)
  const mm = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|ms|s|m)\s*$/.exec(v)
  if (mm === null) return 0
  const mult = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9 }[mm[2] as 'ns']
  return Math.round(Number(mm[1]) * mult)
}

/** '/a/b' -> ['/a/b', '/a', '/']. */
export function ancestorsPaths(path: string): string[] {
  const out: string[] = []
  let p = path
  for (;;) {
    out.push(p)
    if (p === '/' || p === '') break
    const cut = p.lastIndexOf('/')
    p = cut <= 0 ? '/' : p.slice(0, cut)
  }
  return out
}

function residentAtBoot(
  w: World,
  p: Process,
  mm: Mm,
  vma: Vma,
  kind: 'anon' | 'file' | 'shmem',
  pages: number,
  filePath: string | undefined
): void {
  const file = filePath !== undefined ? w.files.get(filePath) : undefined
  if (kind === 'anon') {
    const placed = bootTake(w, pages, 'M')
    const pl = placementOf(w, mm.id)
    placed.forEach((n, i) => {
      pl.anonZones[i] = (pl.anonZones[i] ?? 0) + n
      const z = w.zones[i]
      if (z === undefined) return
      if (vma.locked) {
        z.stats.unevictable += n
        z.stats.mlocked += n
      } else z.stats.activeAnon += n
    })
    mm.anon += pages
    vma.anon += pages
    vmaTouched.set(vma, pages)
    usageOf(w, p.memcg).anon += pages
    for (const mg of ancestorsPaths(p.memcg)) {
      const mc = w.oom.memcgs.get(mg)
      if (mc !== undefined) mc.usage += pages
    }
    return
  }
  // File or shmem: pages of a cached file (declared) or an anonymous private text mapping.
  if (file !== undefined) {
    const mapped = Math.min(pages, file.cached)
    file.mappedBy.set(mm.id, Math.max(file.mappedBy.get(mm.id) ?? 0, mapped))
    if (kind === 'shmem' || file.kind === 'tmpfs') {
      mm.shmem += mapped
      vma.shmem += mapped
    } else {
      mm.file += mapped
      vma.file += mapped
    }
    const node = w.mem.nodes[0]
    if (node !== undefined) node.counters.mapped += mapped
    return
  }
  // No file given: the pages are this mapping's own page cache (unevictable ramfs-like text).
  const placed = bootTake(w, pages, 'M')
  placed.forEach((n, i) => {
    const z = w.zones[i]
    if (z === undefined) return
    if (kind === 'shmem') z.stats.activeAnon += n
    else z.stats.inactiveFile += n
  })
  const node = w.mem.nodes[0]
  if (node !== undefined) {
    node.counters.filePages += pages
    node.counters.mapped += pages
    if (kind === 'shmem') node.counters.shmem += pages
  }
  const anonFile: CachedFile = {
    path: `[${kind}:${p.pid}:${vma.start}]`,
    kind: kind === 'shmem' ? 'tmpfs' : 'disk',
    sizePages: vma.pages,
    zones: placed,
    cached: pages,
    dirty: 0,
    writeback: 0,
    swapped: 0,
    mappedBy: new Map([[mm.id, pages]]),
    mlocked: false,
    memcg: p.memcg
  }
  w.files.set(anonFile.path, anonFile)
  if (kind === 'shmem') {
    mm.shmem += pages
    vma.shmem += pages
  } else {
    mm.file += pages
    vma.file += pages
  }
}
