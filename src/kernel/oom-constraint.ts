/**
 * @module constrained_alloc() and the OOM domain: constraint, totalpages (pages), cpuset and
 * mempolicy eligibility, mem_cgroup_get_max(), and memcg hierarchy walks.
 */
import { gfpFlags } from './gfp.ts'
import type { KernelProfile } from './profiles.ts'
import type { Constraint, Memcg, OomState, Process } from './types.ts'

/** PAGE_COUNTER_MAX on 64-bit (LONG_MAX / PAGE_SIZE): an unlimited page counter, in pages. */
export const PAGE_COUNTER_MAX = 2251799813685247

/** __GFP_FS: 0x80 in every layout we model. */
export const GFP_FS = 0x80

const thisNodeByProfile = new WeakMap<KernelProfile, number>()

/** __GFP_THISNODE in the profile's gfp layout (0x40000 up to 5.0, 0x200000 from 5.2). */
export function gfpThisNode(profile: KernelProfile): number {
  let bit = thisNodeByProfile.get(profile)
  if (bit === undefined) {
    bit = gfpFlags(profile)['__GFP_THISNODE'] ?? 0
    thisNodeByProfile.set(profile, bit)
  }
  return bit
}

const hardwallByProfile = new WeakMap<KernelProfile, number>()

/** __GFP_HARDWALL in the profile's gfp layout. */
export function gfpHardwall(profile: KernelProfile): number {
  let bit = hardwallByProfile.get(profile)
  if (bit === undefined) {
    bit = gfpFlags(profile)['__GFP_HARDWALL'] ?? 0
    hardwallByProfile.set(profile, bit)
  }
  return bit
}

/** True when `a` and `b` share a node. */
export function nodesIntersect(a: readonly number[], b: readonly number[]): boolean {
  for (const x of a) if (b.includes(x)) return true
  return false
}

/** True when `path` is `ancestor` or below it (mem_cgroup_is_descendant). */
export function isMemcgDescendant(path: string, ancestor: string): boolean {
  if (ancestor === '/' || path === ancestor) return true
  return path.startsWith(ancestor.endsWith('/') ? ancestor : ancestor + '/')
}

/** parent_mem_cgroup() by path; null for the root. */
export function parentMemcgPath(path: string): string | null {
  if (path === '/') return null
  const i = path.lastIndexOf('/')
  return i <= 0 ? '/' : path.slice(0, i)
}

/**
 * The memcgs of the subtree rooted at `root` in for_each_mem_cgroup_tree() order: pre-order,
 * siblings in creation order (the order of `state.memcgs`). Paths of processes whose memcg is
 * not in the map are included under their nearest listed parent.
 */
export function memcgSubtreePreorder(state: OomState, root: string): string[] {
  const all = new Set<string>()
  for (const path of state.memcgs.keys()) if (isMemcgDescendant(path, root)) all.add(path)
  for (const p of state.processes) if (isMemcgDescendant(p.memcg, root)) all.add(p.memcg)
  all.add(root)
  const children = new Map<string, string[]>()
  for (const path of all) {
    if (path === root) continue
    let parent = parentMemcgPath(path)
    while (parent !== null && !all.has(parent)) parent = parentMemcgPath(parent)
    const key = parent ?? root
    const list = children.get(key)
    if (list === undefined) children.set(key, [path])
    else list.push(path)
  }
  const out: string[] = []
  const visit = (path: string): void => {
    out.push(path)
    for (const c of children.get(path) ?? []) visit(c)
  }
  visit(root)
  return out
}

/**
 * The processes mem_cgroup_scan_tasks() visits for `root`: memcgs in pre-order, each memcg's
 * processes in task-list order.
 */
export function memcgScanOrder(state: OomState, root: string): Process[] {
  const order = memcgSubtreePreorder(state, root)
  const byMemcg = new Map<string, Process[]>()
  for (const p of state.processes) {
    if (!isMemcgDescendant(p.memcg, root)) continue
    const list = byMemcg.get(p.memcg)
    if (list === undefined) byMemcg.set(p.memcg, [p])
    else list.push(p)
  }
  const out: Process[] = []
  for (const path of order) for (const p of byMemcg.get(path) ?? []) out.push(p)
  return out
}

/**
 * mem_cgroup_get_max() (pages): memory.max plus, when swappiness is non-zero, the swap allowance
 * capped at total_swap_pages. v1 (memsw accounting): allowance = memsw.max - memory.max;
 * v2: memory.swap.max. Unlimited counters are PAGE_COUNTER_MAX.
 */
export function memcgMax(state: OomState, memcg: Memcg): number {
  const max = memcg.limit ?? PAGE_COUNTER_MAX
  if (memcg.swappiness === 0) return max
  const swapLimit = memcg.swapLimit ?? PAGE_COUNTER_MAX
  const allowance = state.cgroupVersion === 1 ? Math.max(0, swapLimit - max) : swapLimit
  return max + Math.min(allowance, state.totalSwapPages)
}

/** Pages of one node as constrained_alloc() counts them (spanned <= 5.3, present >= 5.7). */
function nodePages(state: OomState, nid: number, profile: KernelProfile): number {
  const node = state.nodes.find(n => n.id === nid)
  if (node === undefined) return 0
  return profile.select.nodePages === 'spanned' ? node.spannedPages : node.presentPages
}

/** The result of constrained_alloc(). */
export interface ConstraintResult {
  constraint: Constraint
  /** oc->totalpages: the OOM domain size in pages. */
  totalPages: number
  /** oc->nodemask after out_of_memory() clears it for every constraint but MEMORY_POLICY. */
  nodemask: readonly number[] | null
}

/**
 * constrained_alloc(): memcg => memcg max (or 1); no NUMA, __GFP_THISNODE => none; a nodemask
 * not covering every memory node => mempolicy; current's cpuset not covering the allowed nodes =>
 * cpuset; else none with totalram + totalswap. `current` is null for a kernel worker.
 */
export function constrainedAlloc(
  state: OomState,
  kind: 'global' | 'memcg' | 'sysrq',
  memcgPath: string | null,
  gfpMask: number,
  nodemask: readonly number[] | null,
  current: Process | null,
  profile: KernelProfile
): ConstraintResult {
  if (kind === 'memcg') {
    const memcg = memcgPath === null ? undefined : state.memcgs.get(memcgPath)
    const max = memcg === undefined ? PAGE_COUNTER_MAX : memcgMax(state, memcg)
    // constrained_alloc(): mem_cgroup_get_max(memcg) ?: 1
    return { constraint: 'CONSTRAINT_MEMCG', totalPages: max > 0 ? max : 1, nodemask: null }
  }
  const total = state.totalRamPages + state.totalSwapPages
  const none: ConstraintResult = {
    constraint: 'CONSTRAINT_NONE',
    totalPages: total,
    nodemask: null
  }
  // !CONFIG_NUMA (one node) or __GFP_THISNODE: no constraint.
  if (state.nodes.length <= 1) return none
  if ((gfpMask & gfpThisNode(profile)) !== 0) return none
  const memoryNodes = state.nodes.map(n => n.id)
  if (nodemask !== null && !memoryNodes.every(n => nodemask.includes(n))) {
    let pages = state.totalSwapPages
    for (const nid of nodemask) pages += nodePages(state, nid, profile)
    return { constraint: 'CONSTRAINT_MEMORY_POLICY', totalPages: pages, nodemask }
  }
  // The cpuset wall: cpuset_zone_allowed() (cpuset_zone_allowed_softwall() in 3.x) fails for
  // some usable node outside current's mems_allowed. Only a __GFP_HARDWALL request (GFP_USER,
  // GFP_HIGHUSER*) meets the wall: others fall back to the nearest hardwall ancestor cpuset,
  // taken here to be the root (no mem_exclusive/mem_hardwall cpusets are modelled), which allows
  // every node. An OOM victim (TIF_MEMDIE in 3.x, tsk_is_oom_victim() later) passes any wall.
  const hardwall = (gfpMask & gfpHardwall(profile)) !== 0
  const victim = current !== null && (current.memdie || current.oomVictimMmId !== null)
  if (current !== null && !current.kthread && hardwall && !victim) {
    const usable = nodemask ?? memoryNodes
    if (usable.some(n => !current.memsAllowed.includes(n))) {
      let pages = state.totalSwapPages
      for (const nid of current.memsAllowed) pages += nodePages(state, nid, profile)
      return { constraint: 'CONSTRAINT_CPUSET', totalPages: pages, nodemask: null }
    }
  }
  return none
}

/**
 * oom_cpuset_eligible() (>= 5.3; has_intersects_mems_allowed() before): with a mempolicy
 * nodemask, some thread's bind policy must intersect it (default policy always does); otherwise
 * some thread's cpuset mems must intersect current's. Always true without NUMA.
 */
export function cpusetEligible(
  p: Process,
  state: OomState,
  nodemask: readonly number[] | null,
  current: Process | null
): boolean {
  if (state.nodes.length <= 1) return true
  if (nodemask !== null) {
    if (p.threads.length === 0) return true
    for (const t of p.threads) {
      if (t.mempolicyNodes === null || nodesIntersect(t.mempolicyNodes, nodemask)) return true
    }
    return false
  }
  if (current === null || current.kthread) return true
  return nodesIntersect(current.memsAllowed, p.memsAllowed)
}

/** The cpuset *name* as the kernel prints it: the last path component, '/' for the root. */
export function cpusetName(path: string): string {
  if (path === '/' || path === '') return '/'
  const parts = path.split('/').filter(x => x !== '')
  return parts[parts.length - 1] ?? '/'
}
