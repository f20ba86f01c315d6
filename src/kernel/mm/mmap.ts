/**
 * @module mmap() and brk() (mm/mmap.c): mapping a region, growing the heap, and
 * security_vm_enough_memory_mm() for private writable mappings (the overcommit check with
 * the machine's reclaimable guess; a refusal is ENOMEM and, 6.6+, a printk).
 *
 * Units: pages. Vma.start is a virtual page number.
 */
import type { Mm, Process, Vma } from '../types.ts'
import { PAGE_SIZE } from '../types.ts'
import { makeVma } from '../state-builders.ts'
import { vmaTouched } from './fault.ts'
import { vmEnoughMemory, type VmEnoughInput } from './overcommit.ts'
import { emit, outOf, printk, type World } from './world.ts'

/** What __vm_enough_memory() reads for `pages` more of `p`'s mapping, from the world. */
function enoughInput(w: World, p: Process, totalVm: number, pages: number): VmEnoughInput {
  return {
    pages,
    capSysAdmin: p.capSysAdmin,
    totalVm,
    reclaimableGuess:
      [...w.files.values()].reduce((s, f) => s + (f.kind === 'disk' ? f.cached : 0), 0) +
      w.zones.reduce((s, z) => s + z.stats.slabReclaimable, 0),
    freePages: w.zones.reduce((s, z) => s + z.free, 0),
    totalReservePages: w.zones.reduce((s, z) => s + z.wmarkHigh + Math.max(...z.lowmemReserve), 0)
  }
}

/**
 * How many of `steps` successive heap growths of `step` pages each pass the overcommit check,
 * when each step's faults take `freedPerStep` free pages before the next brk()/mmap() asks:
 * the kernel checks every mmap on its own (security_vm_enough_memory_mm() per call), never a
 * batch. `room` pages already mapped need no accounting. Leaves Committed_AS as it was.
 */
export function heapStepsAllowed(
  w: World,
  p: Process,
  mm: Mm,
  g: { step: number; steps: number; room: number; freedPerStep: number }
): number {
  const base = enoughInput(w, p, mm.totalVm, 0)
  let committed = 0
  let k = 0
  for (; k < g.steps; k++) {
    const need = Math.max(0, (k + 1) * g.step - g.room) - Math.max(0, k * g.step - g.room)
    if (need === 0) continue
    const x = { ...base, pages: need, totalVm: mm.totalVm + committed }
    x.freePages = Math.max(0, base.freePages - k * g.freedPerStep)
    if (!vmEnoughMemory(w.mem, w.profile, x)) break
    committed += need
  }
  w.mem.committedAs -= committed
  return k
}

/** Account `pages` more of private writable mapping for `p` (mm total_vm `totalVm`). */
export function accountMapping(w: World, p: Process, totalVm: number, pages: number): boolean {
  const ok = vmEnoughMemory(w.mem, w.profile, enoughInput(w, p, totalVm, pages))
  if (ok) {
    emit(w, 'overcommit.commit', { pid: p.pid, pages, committedAs: w.mem.committedAs })
    return true
  }
  outOf(w).effects.push({ type: 'enomem', pid: p.pid, pages })
  emit(w, 'overcommit.enomem', {
    pid: p.pid,
    comm: p.comm,
    pages,
    committedAs: w.mem.committedAs,
    mode: w.mem.vm.overcommitMemory
  })
  const form = w.profile.alloc.vmEnoughMemoryMessage
  // __vm_enough_memory(), 6.6+: pr_warn_ratelimited (KERN_WARNING); 6.11 adds the byte count.
  if (form !== 'none') {
    const bytes = form === 'withBytes' ? ` bytes: ${pages * PAGE_SIZE}` : ''
    const who = `__vm_enough_memory: pid: ${p.pid}, comm: ${p.comm},`
    printk(w, 4, `${who}${bytes} not enough memory for the allocation`)
  }
  return false
}

/**
 * brk() / malloc's next mmap for a write of `want` pages: the heap VMA `vma` grows by what it
 * lacks, or (no VMA) a new anonymous one is mapped. Returns the VMA, or null on ENOMEM.
 */
export function growHeap(
  w: World,
  p: Process,
  mm: Mm,
  vma: Vma | undefined,
  want: number
): Vma | null {
  const room = vma === undefined ? 0 : vma.pages - (vmaTouched.get(vma) ?? vma.anon)
  if (vma !== undefined && room >= want) return vma
  if (!accountMapping(w, p, mm.totalVm, want - room)) return null
  return extendHeap(mm, vma, want - room)
}

/** Map `pages` more heap: the last heap VMA grows, or a new anonymous one is mapped. */
function extendHeap(mm: Mm, vma: Vma | undefined, pages: number): Vma {
  mm.totalVm += pages
  if (vma !== undefined) {
    vma.pages += pages
    return vma
  }
  const v = makeVma({ start: 0x7e0000000 + mm.vmas.length * 0x100000, pages, anonymous: true })
  mm.vmas.push(v)
  return v
}

/**
 * Grow the heap by the `steps` growths of `step` pages that heapStepsAllowed() has just passed:
 * each was checked on its own there, so they are committed here together, as one trace event
 * (`pages` per growth, `steps` growths, `total` committed once the mapped room is used).
 */
export function growHeapChecked(
  w: World,
  p: Process,
  mm: Mm,
  vma: Vma | undefined,
  g: { step: number; steps: number }
): Vma {
  const room = vma === undefined ? 0 : vma.pages - (vmaTouched.get(vma) ?? vma.anon)
  const pages = Math.max(0, g.step * g.steps - room)
  w.mem.committedAs += pages
  emit(w, 'overcommit.commit', {
    pid: p.pid,
    pages: g.step,
    steps: g.steps,
    total: pages,
    committedAs: w.mem.committedAs
  })
  return extendHeap(mm, vma, pages)
}

/** What mmap() maps. */
export interface MmapRequest {
  pages: number
  kind: 'anon' | 'file' | 'shmem'
  locked: boolean
}

/** mmap_region() after the last VMA; private anonymous and shmem mappings are accounted. */
export function mmapRegion(w: World, p: Process, mm: Mm, req: MmapRequest): Vma | null {
  if (req.kind !== 'file' && !accountMapping(w, p, mm.totalVm, req.pages)) return null
  const last = mm.vmas.reduce((mx, v) => Math.max(mx, v.start + v.pages), 0x7e0000000)
  const vma = makeVma({
    start: last + 16,
    pages: req.pages,
    anonymous: req.kind === 'anon',
    shared: req.kind === 'shmem',
    locked: req.locked
  })
  mm.vmas.push(vma)
  mm.totalVm += req.pages
  return vma
}

/** A file mapping of `pages` for a read with map: true, unless one that large exists. */
export function mapFile(mm: Mm, pages: number, shared: boolean): void {
  if (mm.vmas.some(v => !v.anonymous && v.pages >= pages)) return
  mm.vmas.push(
    makeVma({ start: 0x7d0000000 + mm.vmas.length * 0x100000, pages, anonymous: false, shared })
  )
  mm.totalVm += pages
}
