/**
 * @module Boot phase 6b: a process's own mm: its mappings (listed VMAs plus the rss shorthand),
 * their resident pages, total_vm, page tables, and the commit charge of private anonymous maps.
 */
import { placementOf, usageOf } from '../../kernel/mm/world.ts'
import { makeMm, makeVma } from '../../kernel/state-builders.ts'
import { bootRssStat } from '../../kernel/mm/rss-stat-fault.ts'
import type { Mm, Process, Vma } from '../../kernel/types.ts'
import { PAGE_SIZE } from '../../kernel/types.ts'
import type { ProcessSpecT } from '../schema.ts'
import { MAPPING_GAP_PAGES, type ProcessBoot } from './context.ts'
import { residentAtBoot } from './resident.ts'
import { addStat, bootTake, chargeUp } from './take.ts'

type VmaSpec = NonNullable<ProcessSpecT['vmas']>[number]

/** The listed VMAs, then one per `rss` entry (heap, text, shm), fully resident. */
function vmaSpecs(ps: ProcessSpecT): VmaSpec[] {
  const specs = [...(ps.vmas ?? [])]
  const rss = ps.rss
  if (rss?.anon !== undefined)
    specs.push({ name: 'heap', size: rss.anon, resident: rss.anon, kind: 'anon' })
  if (rss?.file !== undefined)
    specs.push({ name: 'text', size: rss.file, resident: rss.file, kind: 'file' })
  if (rss?.shmem !== undefined)
    specs.push({ name: 'shm', size: rss.shmem, resident: rss.shmem, kind: 'shmem', shared: true })
  return specs
}

function addVma(b: ProcessBoot, p: Process, mm: Mm, vs: VmaSpec): Vma {
  const start = vs.start !== undefined ? Math.floor(Number(vs.start) / PAGE_SIZE) : b.cursor
  if (vs.start === undefined) b.cursor += vs.size + MAPPING_GAP_PAGES
  const kind = vs.kind ?? (vs.file !== undefined ? 'file' : 'anon')
  const vma = makeVma({
    start,
    pages: vs.size,
    anonymous: kind === 'anon',
    shared: vs.shared ?? kind === 'shmem',
    locked: vs.locked ?? false,
    hugetlb: vs.hugetlb ?? false,
    pfnmap: vs.pfnmap ?? false
  })
  mm.vmas.push(vma)
  const resident = Math.min(vs.size, vs.resident ?? 0)
  if (resident > 0) residentAtBoot(b.w, p, mm, vma, kind, resident, vs.file, vs.referenced ?? true)
  return vma
}

/** total_vm as given: mapped space not listed becomes one more anonymous mapping. */
function setTotalVm(b: ProcessBoot, ps: ProcessSpecT, mm: Mm): void {
  const listed = mm.vmas.reduce((a, x) => a + x.pages, 0)
  mm.totalVm = ps.totalVm ?? listed
  if (ps.totalVm === undefined) return
  const extra = mm.totalVm - listed
  if (extra > 0) mm.vmas.push(makeVma({ start: b.cursor, pages: extra, anonymous: true }))
  b.cursor += Math.max(0, extra) + MAPPING_GAP_PAGES
}

/** Page tables at start: taken at boot, charged to the process's memcg. */
function bootPgtables(b: ProcessBoot, p: Process, mm: Mm, pages: number): void {
  const placed = bootTake(b.w, pages)
  addStat(b.w, placed, 'pagetables')
  const pl = placementOf(b.w, mm.id)
  placed.forEach((n, i) => (pl.pgtableZones[i] = (pl.pgtableZones[i] ?? 0) + n))
  mm.pgtablesBytes = pages * PAGE_SIZE
  usageOf(b.w, p.memcg).pagetables += pages
  chargeUp(b.w, p.memcg, pages)
}

/** The mm a process owns (not one it shares), with everything resident in it at start. */
export function bootMm(b: ProcessBoot, ps: ProcessSpecT, p: Process): void {
  const mm = makeMm({ id: ps.pid, mmapLockHeld: ps.exit?.stuck ?? false })
  b.w.oom.mms.set(mm.id, mm)
  const names = new Map<string, Vma>()
  b.vmaByName.set(ps.pid, names)
  for (const vs of vmaSpecs(ps)) {
    const vma = addVma(b, p, mm, vs)
    if (vs.name !== undefined) names.set(vs.name, vma)
  }
  setTotalVm(b, ps, mm)
  if (ps.pgtables !== undefined) bootPgtables(b, p, mm, ps.pgtables)
  if (ps.rssPending !== undefined) bootRssStat(b.w, p, mm, ps.rssPending)
  b.w.mem.committedAs += mm.vmas.reduce((a, x) => a + (x.anonymous && !x.shared ? x.pages : 0), 0)
}
