/**
 * @module Boot phase 1: nodes and zones from the machine, the vm sysctls, then the kernel's
 * min_free_kbytes, watermarks and lowmem_reserve, and the managed pages released to the buddy
 * allocator.
 */
import { fragmentedZones } from '../../kernel/mm/compaction.ts'
import {
  initNode,
  initZone,
  X86_32_ZONE_SLOTS,
  X86_64_ZONE_SLOTS,
  DEFAULT_MANAGED_SHARE,
  x86ZoneSizes
} from '../../kernel/mm/mm-init.ts'
import type { MemModel, MemNode, VmSysctls } from '../../kernel/mm/model.ts'
import {
  defaultLowmemRatio,
  defaultMinFreeKbytes,
  setupLowmemReserve,
  setupZoneWatermarks
} from '../../kernel/mm/watermarks.ts'
import { freeToBuddy } from '../../kernel/mm/zone.ts'
import type { KernelProfile } from '../../kernel/profiles.ts'
import type { Scenario } from '../schema.ts'

type Machine = Scenario['machine']
type NodeSpec = NonNullable<Machine['nodes']>[number]
type Sysctls = NonNullable<Scenario['sysctl']>

/** 1 GiB in pages: the machine's memory when it gives neither memory nor nodes. */
const DEFAULT_MEMORY_PAGES = 262144

/** The machine's nodes, or one node with x86's zones for `memory`. */
export function nodeSpecsOf(m: Machine): NodeSpec[] {
  return m.nodes ?? [{ zones: x86ZoneSizes(m.memory ?? DEFAULT_MEMORY_PAGES) }]
}

function bootNodes(specs: NodeSpec[]): { slots: MemModel['zoneSlots']; nodes: MemNode[] } {
  const highmem = specs.some(n => n.zones.some(z => z.type === 'HighMem'))
  const slots = highmem ? X86_32_ZONE_SLOTS : X86_64_ZONE_SLOTS
  const nodes = specs.map((n, ni) => {
    const id = n.id ?? ni
    const zones = n.zones.map(z => {
      const managed = z.managed ?? Math.floor(z.present * DEFAULT_MANAGED_SHARE)
      const zone = initZone({
        node: id,
        type: z.type,
        idx: slots.indexOf(z.type),
        present: z.present,
        managed,
        initManaged: z.bootManaged ?? managed,
        slots: slots.length
      })
      if (z.fragmented === true) {
        fragmentedZones.add(zone)
        zone.maxFreeOrder = 2
      }
      return zone
    })
    return initNode(id, zones)
  })
  return { slots, nodes }
}

function vmSysctls(sys: Sysctls): VmSysctls {
  return {
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
    adminReserveKbytes: 0,
    lruGenMinTtlMs: sys['lru_gen.min_ttl_ms'] ?? 0,
    ...(sys['vm.dirty_background_ratio'] === undefined
      ? {}
      : { dirtyBackgroundRatio: sys['vm.dirty_background_ratio'] })
  }
}

function memModel(s: Scenario, slots: MemModel['zoneSlots'], nodes: MemNode[]): MemModel {
  const m = s.machine
  return {
    zoneSlots: slots,
    nodes,
    swap: (m.swap ?? []).map(d => ({
      name: d.name,
      pages: d.size,
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
    vm: vmSysctls(s.sysctl ?? {}),
    committedAs: 0,
    pagesRam: 0,
    pagesReserved: 0,
    kernelMiscReclaimable: 0
  }
}

/** The memory model of a scenario with watermarks set up and free memory in the buddy lists. */
export function bootMemory(s: Scenario, profile: KernelProfile): MemModel {
  const m = s.machine
  const sys = s.sysctl ?? {}
  const { slots, nodes } = bootNodes(nodeSpecsOf(m))
  const mem = memModel(s, slots, nodes)
  const zones = nodes.flatMap(n => n.zones)
  mem.pagesRam = m.pagesRam ?? zones.reduce((a, z) => a + z.presentPages, 0)
  mem.pagesReserved =
    m.pagesReserved ?? zones.reduce((a, z) => a + z.presentPages - z.managedPages, 0)
  mem.vm.lowmemReserveRatio = sys['vm.lowmem_reserve_ratio'] ?? defaultLowmemRatio(mem, profile)
  mem.vm.minFreeKbytes = sys['vm.min_free_kbytes'] ?? defaultMinFreeKbytes(mem, profile, true)
  setupZoneWatermarks(mem, profile, true)
  setupLowmemReserve(mem, profile, true)
  keepCapturedWatermarks(nodeSpecsOf(m), nodes)
  // A fragmented zone starts with its free memory in blocks of order <= 2 (pinned pages
  // everywhere); otherwise free memory is in MAX_ORDER blocks.
  for (const z of zones) freeToBuddy(z, z.managedPages, 'M', fragmentedZones.has(z) ? 2 : 10)
  return mem
}

/**
 * Watermarks and lowmem_reserve a machine gives per zone (a snapshot's zoneinfo) replace the
 * computed ones: the kernel set them at boot (init_per_zone_wmark_min(), a core_initcall) from
 * the managed pages of that moment and keeps them until min_free_kbytes or the ratios are written.
 * So do a zone's watermark_boost and a node's kswapd_failures the snapshot saw.
 */
function keepCapturedWatermarks(specs: NodeSpec[], nodes: MemNode[]): void {
  specs.forEach((n, ni) =>
    n.zones.forEach((spec, zi) => {
      const z = nodes[ni]?.zones[zi]
      if (z === undefined) return
      if (spec.watermarks !== undefined) {
        const promoDelta = z.wmarkPromo - z.wmarkHigh
        z.wmarkMin = spec.watermarks.min
        z.wmarkLow = spec.watermarks.low
        z.wmarkHigh = spec.watermarks.high
        z.wmarkPromo = z.wmarkHigh + promoDelta
      }
      if (spec.lowmemReserve !== undefined)
        z.lowmemReserve = z.lowmemReserve.map((v, i) => spec.lowmemReserve?.[i] ?? v)
      if (spec.boost !== undefined) z.boost = spec.boost
    })
  )
  specs.forEach((n, ni) => {
    const node = nodes[ni]
    if (node !== undefined && n.kswapdFailures !== undefined)
      node.kswapd.failures = n.kswapdFailures
  })
}
