/**
 * @module Page faults and the other ways a process gains or loses memory: anonymous faults with
 * their page-table pages (do_anonymous_page / __pte_alloc / __pmd_alloc), page-cache reads
 * and writes, shmem, munmap and exit. Each returns VM_FAULT_OOM-style results for the caller
 * (the simulator) to route to pagefault_out_of_memory per profile. Units: pages. Vma.start
 * is a virtual page number (address >> 12).
 */
import type { Mm, Process, Vma } from '../types.ts'
import { PAGE_SIZE } from '../types.ts'
import { allocPages, type AllocHooks, type AllocTask } from './page-alloc.ts'
import { decodeGfp, gfpFromNames } from './gfp-bits.ts'
import { chargeMargin, tryCharge, type ChargeHooks } from './memcg-charge.ts'
import { cowBroken, cowCopiesNeeded } from './cow.ts'
import { freePages } from './pcp-alloc.ts'
import { rssFaulted } from './rss-stat-fault.ts'
import { placementOf, proportional, usageOf, type CachedFile, type World } from './world.ts'

/** PTRS_PER_PTE and PTRS_PER_PMD on x86_64. */
export const PTRS_PER_PTE = 512
export const PTRS_PER_PMD = 512

/** Page-cache read chunk (pages): a 2 MiB readahead window. */
export const READ_CHUNK = 512

/** Pages already faulted in (the fill point) of each VMA. */
export const vmaTouched = new WeakMap<Vma, number>()

/** ok; oom = VM_FAULT_OOM; blocked/wait = retry later; killed = fatal signal; sigbus unused. */
export type FaultStatus = 'ok' | 'oom' | 'blocked' | 'killed' | 'wait' | 'sigbus'

/** The outcome of a fault or page-cache operation. */
export interface FaultResult {
  status: FaultStatus
  /** Pages faulted in. */
  done: number
  /** The gfp and order of the failing allocation (for VM_FAULT_OOM). */
  gfpMask?: number
  /** For 'blocked': what the task waits for. */
  waitFor?: 'oom-victim' | 'writeback' | 'nofail'
}

/** Everything a fault needs from outside: the allocator and charge hooks. */
export type FaultHooks = AllocHooks & ChargeHooks

function withWait(r: FaultResult, waitFor: FaultResult['waitFor']): FaultResult {
  if (waitFor !== undefined) r.waitFor = waitFor
  return r
}

/** The allocating context of a process. */
export function taskOf(p: Process): AllocTask {
  const t = p.threads[0]
  return {
    pid: p.pid,
    comm: p.comm,
    oomVictim: p.oomVictimMmId !== null || p.memdie,
    pfMemalloc: false,
    dumpcore: p.coreDumping,
    cpusetMems: p.memsAllowed.length > 0 ? p.memsAllowed : null,
    mempolicy: t?.mempolicyNodes ?? null,
    preferredNode: t?.mempolicyNodes?.[0] ?? p.memsAllowed[0] ?? 0,
    fatalSignal: p.sigkillPending
  }
}

function addPlaced(
  w: World,
  placed: readonly number[],
  kind: 'anon' | 'pgtable' | 'file' | 'shmem' | 'unevictable',
  mm: Mm | null,
  file: CachedFile | null,
  locked: boolean
): void {
  const pl = mm !== null ? placementOf(w, mm.id) : null
  for (let i = 0; i < placed.length; i++) {
    const n = placed[i] ?? 0
    if (n === 0) continue
    const z = w.zones[i]
    if (z === undefined) continue
    switch (kind) {
      case 'anon':
        if (locked) z.stats.unevictable += n
        // MGLRU: folio_add_lru() (mm/swap.c, >= 6.1) marks a folio added in a fault active, so
        // lru_gen_add_folio() puts it in the youngest generation, counted as active.
        else if (w.profile.alloc.newAnonLru === 'inactive' && w.env?.lruGen !== true)
          z.stats.inactiveAnon += n
        else z.stats.activeAnon += n
        if (locked) z.stats.mlocked += n
        if (pl !== null) pl.anonZones[i] = (pl.anonZones[i] ?? 0) + n
        break
      case 'pgtable':
        z.stats.pagetables += n
        if (pl !== null) pl.pgtableZones[i] = (pl.pgtableZones[i] ?? 0) + n
        break
      case 'file':
        z.stats.inactiveFile += n
        break
      case 'shmem':
        z.stats.activeAnon += n
        break
      case 'unevictable':
        z.stats.unevictable += n
        break
    }
    if (file !== null) file.zones[i] = (file.zones[i] ?? 0) + n
  }
}

/** Allocate `pages` page-table pages for an mm (pte_alloc_one / pmd_alloc_one), charged. */
export function allocPgtable(
  w: World,
  p: Process,
  mm: Mm,
  pages: number,
  hooks: FaultHooks
): FaultResult {
  const gfp = gfpFromNames(w.profile.alloc.pgtableGfp, w.profile)
  const r = allocPages(w, { site: 'pgtable', gfp, order: 0, count: pages, task: taskOf(p) }, hooks)
  addPlaced(w, r.placed, 'pgtable', mm, null, false)
  mm.pgtablesBytes += r.got * PAGE_SIZE
  const g = decodeGfp(gfp, w.profile)
  if (r.got > 0 && g.account) {
    usageOf(w, p.memcg).pagetables += r.got
    tryCharge(w, p.memcg, r.got, atOrder0(g), hooks, { inUserFault: true, oomVictim: false })
  }
  if (r.status === 'ok') return { status: 'ok', done: r.got }
  return withWait(
    { status: r.status === 'failed' ? 'oom' : r.status, done: r.got, gfpMask: gfp },
    r.waitFor
  )
}

/**
 * __pte_alloc (and __pmd_alloc at a 1 GiB boundary) before the first page of a PTE slot;
 * null when none is needed or they were allocated, else the failed allocation.
 */
function tablesFor(
  w: World,
  p: Process,
  mm: Mm,
  at: { vpn: number; first: boolean },
  hooks: FaultHooks
): ReturnType<typeof allocPgtable> | null {
  if (!at.first && at.vpn % PTRS_PER_PTE !== 0) return null
  if (at.first || at.vpn % (PTRS_PER_PTE * PTRS_PER_PMD) === 0) {
    const r = allocPgtable(w, p, mm, 1, hooks)
    if (r.status !== 'ok') return r
  }
  const r = allocPgtable(w, p, mm, 1, hooks)
  return r.status !== 'ok' ? r : null
}

/**
 * The mask a new anonymous page is charged with: GFP_KERNEL, not the page allocation's mask
 * (do_anonymous_page() and wp_page_copy() charge with GFP_KERNEL from 2.6.32 to 6.18), so a
 * memcg OOM reached from an anonymous fault prints gfp_mask=...(GFP_KERNEL).
 */
function anonChargeGfp(w: World): ReturnType<typeof decodeGfp> {
  return decodeGfp(gfpFromNames(GFP_KERNEL_NAMES, w.profile), w.profile)
}

const GFP_KERNEL_NAMES = ['GFP_KERNEL'] as const

/** A decoded mask as an order-0 charge request (memoised per decoded mask: shared, read-only). */
const order0 = new WeakMap<
  ReturnType<typeof decodeGfp>,
  ReturnType<typeof decodeGfp> & { order: 0 }
>()
function atOrder0(g: ReturnType<typeof decodeGfp>): ReturnType<typeof decodeGfp> & { order: 0 } {
  let r = order0.get(g)
  if (r === undefined) order0.set(g, (r = { ...g, order: 0 }))
  return r
}

/** mem_cgroup_charge() of `got` new anonymous pages: how many were charged, and the status. */
function chargeAnon(
  w: World,
  p: Process,
  got: number,
  g: ReturnType<typeof decodeGfp>,
  hooks: FaultHooks
): { charged: number; status: FaultStatus } {
  if (got <= 0) return { charged: got, status: 'ok' }
  const c = tryCharge(w, p.memcg, got, atOrder0(g), hooks, {
    inUserFault: true,
    oomVictim: p.oomVictimMmId !== null
  })
  if (c.status === 'ok') return { charged: got, status: 'ok' }
  return { charged: c.charged, status: c.status === 'nomem' ? 'oom' : c.status }
}

/**
 * Fault in `pages` new anonymous pages of `vma` in address order, with a PTE page at each 512-page
 * boundary (a PMD page at 1 GiB) first, as do_pte_missing -> __pte_alloc does; stops at a failure.
 */
export function faultAnon(
  w: World,
  p: Process,
  mm: Mm,
  vma: Vma,
  pages: number,
  hooks: FaultHooks
): FaultResult {
  const anonGfp = gfpFromNames(w.profile.alloc.anonFaultGfp, w.profile)
  const charge = anonChargeGfp(w)
  let done = 0
  let touched = vmaTouched.get(vma) ?? 0
  const limit = Math.min(pages, vma.pages - touched)
  while (done < limit) {
    const vpn = vma.start + touched
    const first = touched === 0
    const tables = tablesFor(w, p, mm, { vpn, first }, hooks)
    if (tables !== null) return { ...tables, done }
    // A fatal signal (e.g. this task was just chosen as the OOM victim) ends the fault loop:
    // the signal is handled on the way back to user space.
    if (p.sigkillPending) return { status: 'killed', done }
    const slotEnd = (Math.floor(vpn / PTRS_PER_PTE) + 1) * PTRS_PER_PTE
    let n = Math.min(limit - done, slotEnd - vpn)
    // Do not allocate past the memcg limit in one go: the charge that can fail is made for a
    // single folio, as the kernel does, so an OOM report sees every earlier page accounted.
    const margin = chargeMargin(w, p.memcg).margin
    if (margin < n) n = Math.max(1, margin)
    // Pages allocated before an OOM inside allocPages are accounted to the mm first.
    let committed = 0
    const account = (placed: number[], blocks: number): void => {
      addPlaced(w, placed, 'anon', mm, null, vma.locked)
      mm.anon += blocks
      vma.anon += blocks
      committed += blocks
    }
    const r = allocPages(
      w,
      { site: 'anon-fault', gfp: anonGfp, order: 0, count: n, task: taskOf(p), commit: account },
      hooks
    )
    const got = r.got
    const rest = got - committed
    // mem_cgroup_charge() after the folio is allocated and before it is mapped.
    const { charged, status: chargeStatus } = chargeAnon(w, p, got, charge, hooks)
    // Map what was charged; free what was not (the uncommitted pages first).
    const keepRest = Math.max(0, Math.min(rest, charged - committed))
    const drop = proportional(r.placed, rest - keepRest)
    if (rest - keepRest > 0) freePlaced(w, drop)
    account(
      r.placed.map((v, i) => v - (drop[i] ?? 0)),
      keepRest
    )
    if (charged < committed - keepRest) {
      const excess = committed - charged
      releaseAnonPlaced(w, mm, placementOf(w, mm.id).anonZones, excess)
      mm.anon -= excess
      vma.anon -= excess
    }
    usageOf(w, p.memcg).anon += charged
    rssFaulted(w, p, mm, 'anon', charged)
    touched += charged
    done += charged
    vmaTouched.set(vma, touched)
    if (chargeStatus !== 'ok') return { status: chargeStatus, done, gfpMask: anonGfp }
    if (r.status !== 'ok') {
      return withWait(
        { status: r.status === 'failed' ? 'oom' : r.status, done, gfpMask: anonGfp },
        r.waitFor
      )
    }
  }
  return { status: 'ok', done }
}

/**
 * Write `pages` of the pages an mm shares copy-on-write (do_wp_page -> wp_page_copy): the ones
 * another sharer still maps are copied into new private pages, allocated and charged to the
 * writer's memcg now; the rest are reused. `mm.anon` does not change (shared become private).
 */
export function cowWrite(
  w: World,
  p: Process,
  mm: Mm,
  pages: number,
  hooks: FaultHooks
): FaultResult {
  const anonGfp = gfpFromNames(w.profile.alloc.anonFaultGfp, w.profile)
  const charge = anonChargeGfp(w)
  const total = cowCopiesNeeded(w, mm.id, pages)
  let copied = 0
  while (copied < total) {
    if (p.sigkillPending) return { status: 'killed', done: copied }
    let n = Math.min(total - copied, PTRS_PER_PTE)
    const margin = chargeMargin(w, p.memcg).margin
    if (margin < n) n = Math.max(1, margin)
    const r = allocPages(
      w,
      { site: 'anon-fault', gfp: anonGfp, order: 0, count: n, task: taskOf(p) },
      hooks
    )
    let charged = r.got
    let chargeStatus: FaultStatus = 'ok'
    if (r.got > 0) {
      const c = tryCharge(w, p.memcg, r.got, { ...charge, order: 0 }, hooks, {
        inUserFault: true,
        oomVictim: p.oomVictimMmId !== null
      })
      if (c.status !== 'ok') {
        charged = c.charged
        chargeStatus = c.status === 'nomem' ? 'oom' : c.status
      }
    }
    const drop = proportional(r.placed, r.got - charged)
    freePlaced(w, drop)
    addPlaced(
      w,
      r.placed.map((v, i) => v - (drop[i] ?? 0)),
      'anon',
      mm,
      null,
      false
    )
    usageOf(w, p.memcg).anon += charged
    cowBroken(w, mm.id, charged)
    copied += charged
    if (chargeStatus !== 'ok') return { status: chargeStatus, done: copied, gfpMask: anonGfp }
    if (r.status !== 'ok')
      return withWait(
        { status: r.status === 'failed' ? 'oom' : r.status, done: copied, gfpMask: anonGfp },
        r.waitFor
      )
  }
  return { status: 'ok', done: pages }
}

/** Give never-mapped pages back to their zones. */
function freePlaced(w: World, placed: readonly number[]): void {
  placed.forEach((n, i) => {
    const z = w.zones[i]
    if (z !== undefined && n > 0) freePages(w, z, n, 'M')
  })
}

function releaseAnonPlaced(w: World, mm: Mm, placed: readonly number[], pages: number): void {
  const pl = placementOf(w, mm.id)
  const take = proportional(placed, pages)
  for (let i = 0; i < take.length; i++) {
    const n = take[i] ?? 0
    if (n === 0) continue
    const z = w.zones[i]
    if (z === undefined) continue
    z.stats.activeAnon = Math.max(0, z.stats.activeAnon - n)
    pl.anonZones[i] = (pl.anonZones[i] ?? 0) - n
    freePages(w, z, n, 'M')
  }
}

/** After a read: mark the pages written dirty (disk files) and map them into `mm`. */
function finishRead(
  w: World,
  mm: Mm | null,
  file: CachedFile,
  pages: number,
  opts: { map: boolean; dirty: boolean }
): void {
  const touchedPages = Math.min(pages, file.cached)
  if (opts.dirty && file.kind === 'disk') {
    const newDirty = Math.min(touchedPages, file.cached - file.dirty - file.writeback)
    file.dirty += newDirty
    const node = w.mem.nodes[0]
    if (node !== undefined) node.counters.dirty += newDirty
    const share = proportional(file.zones, newDirty)
    share.forEach((n, i) => {
      const z = w.zones[i]
      if (z !== undefined) z.stats.writePending += n
    })
  }
  if (opts.map && mm !== null) {
    const before = file.mappedBy.get(mm.id) ?? 0
    const after = Math.max(before, touchedPages)
    file.mappedBy.set(mm.id, after)
    const delta = after - before
    if (file.kind === 'tmpfs') mm.shmem += delta
    else mm.file += delta
    const node = w.mem.nodes[0]
    if (node !== undefined) node.counters.mapped += delta
    const v = mm.vmas.find(x => !x.anonymous && x.pages >= after)
    if (v !== undefined) {
      if (file.kind === 'tmpfs') v.shmem += delta
      else v.file += delta
    }
  }
}

/**
 * Read (and optionally map, or dirty) `pages` of a file into the page cache on behalf of a
 * process. Page cache uses the mapping's gfp (GFP_HIGHUSER_MOVABLE); ramfs pages are
 * unevictable, tmpfs pages are shmem.
 */
export function readFile(
  w: World,
  p: Process,
  mm: Mm | null,
  file: CachedFile,
  pages: number,
  opts: { map: boolean; dirty: boolean },
  hooks: FaultHooks
): FaultResult {
  const want = Math.max(0, Math.min(pages, file.sizePages - file.cached - file.swapped))
  const gfp = gfpFromNames(['GFP_HIGHUSER_MOVABLE'], w.profile)
  const g = decodeGfp(gfp, w.profile)
  const kind =
    file.kind === 'ramfs' || file.mlocked ? 'unevictable' : file.kind === 'tmpfs' ? 'shmem' : 'file'
  let got = 0
  // Read in readahead-sized chunks, each added to the page cache (and reclaimable) before the
  // next is allocated, so a streaming read larger than RAM recycles its own cache.
  while (got < want) {
    const chunk = Math.min(READ_CHUNK, want - got)
    const r = allocPages(
      w,
      { site: 'pagecache', gfp, order: 0, count: chunk, task: taskOf(p) },
      hooks
    )
    addPlaced(w, r.placed, kind, null, file, false)
    got += r.got
    file.cached += r.got
    const node = w.mem.nodes[0]
    if (node !== undefined) {
      node.counters.filePages += r.got
      if (file.kind === 'tmpfs') node.counters.shmem += r.got
    }
    const u = usageOf(w, file.memcg)
    if (file.kind === 'tmpfs') u.shmem += r.got
    else u.file += r.got
    if (r.got > 0)
      tryCharge(w, file.memcg, r.got, { ...g, order: 0 }, hooks, {
        inUserFault: true,
        oomVictim: false
      })
    if (r.status !== 'ok') {
      finishRead(w, mm, file, pages, opts)
      return withWait(
        { status: r.status === 'failed' ? 'oom' : r.status, done: got, gfpMask: gfp },
        r.waitFor
      )
    }
    if (p.sigkillPending) {
      finishRead(w, mm, file, pages, opts)
      return { status: 'killed', done: got }
    }
  }
  finishRead(w, mm, file, pages, opts)
  return { status: 'ok', done: got }
}
