/**
 * @module The multi-gen LRU's min_ttl_ms OOM (mm/vmscan.c lru_gen_age_node(), 6.1+; seed 003):
 * kswapd ages every memcg's lruvec at the start of a balance_pgdat() pass, and when none could
 * be aged because each one's oldest generation is younger than
 * /sys/kernel/mm/lru_gen/min_ttl_ms (the working set would be evicted within that time), it
 * calls out_of_memory() itself, from kswapd, with `.gfp_mask = sc->gfp_mask` (GFP_KERNEL) and
 * order 0 (the oom_control's other fields stay zero). Behind `alloc.lruGenMinTtl` and the
 * machine's lru_gen (machine.config.lruGen).
 *
 * Simplified: one lruvec per node (memcgs are not aged apart). Generations are born when a
 * kswapd pass ages (inc_max_seq) and die when eviction empties them: after each pass that
 * evicted pages, the oldest generation left is the one the previous evicting pass created, so
 * its birth is that pass's time (before any, the pages resident at the start count as old).
 * Units: ns and pages.
 */
import { gfpFromNames } from './gfp-bits.ts'
import type { MemNode } from './model.ts'
import { invokeOom } from './oom-entry.ts'
import { zoneReclaimablePages } from './reclaim.ts'
import { defaultCallChain } from '../printk/stack.ts'
import { emit, envOf, type World } from './world.ts'

/** Birth times (ns) of a node's generations, oldest first (lrugen->timestamps). */
const births = new WeakMap<MemNode, number[]>()

function birthsOf(n: MemNode): number[] {
  let b = births.get(n)
  if (b === undefined) {
    // What is resident when the scenario starts was born long before it.
    b = [-Infinity]
    births.set(n, b)
  }
  return b
}

/** Is the MGLRU min_ttl rule active: the profile has it, lru_gen is on, min_ttl_ms is set. */
export function lruGenMinTtlActive(w: World): boolean {
  return (
    w.profile.alloc.lruGenMinTtl && envOf(w).lruGen === true && (w.mem.vm.lruGenMinTtlMs ?? 0) > 0
  )
}

/** pgdat_balanced(): balance_pgdat() ages only a node below a high watermark (boost included). */
function balanced(n: MemNode): boolean {
  return n.zones.every(z => z.idx > n.kswapd.classZone || z.free >= z.wmarkHigh + z.boost)
}

/** Pages kswapd could evict from the node (file, and anon while swap is free). */
function nodeReclaimable(w: World, n: MemNode): number {
  return n.zones.reduce((a, z) => a + zoneReclaimablePages(w, z), 0)
}

/**
 * lru_gen_age_node(), 6.1.20 mm/vmscan.c (6.6.9 and 6.18.2: the same test through
 * lruvec_is_reclaimable()): true when it called out_of_memory(). Only for an order-0 kswapd
 * pass (`sc->order` excludes compaction-induced reclaim) on a node below its high watermarks.
 */
export function lruGenAgeNode(w: World, nodeId: number): boolean {
  const n = w.mem.nodes.find(x => x.id === nodeId)
  if (n === undefined || !n.kswapd.awake || n.kswapd.order !== 0) return false
  if (!lruGenMinTtlActive(w) || balanced(n)) return false
  const minTtlNs = (w.mem.vm.lruGenMinTtlMs ?? 0) * 1_000_000
  const oldest = birthsOf(n)[0] ?? 0
  // age_lruvec(): protected while the oldest generation is younger than min_ttl, or empty.
  const aged = w.nowNs - oldest >= minTtlNs && nodeReclaimable(w, n) > 0
  emit(w, 'reclaim.lru_gen_age', { node: nodeId, oldestBirthNs: oldest, minTtlNs, aged })
  if (aged) return false
  const chain = defaultCallChain('sysrq', w.profile)
  const cut = chain.indexOf('out_of_memory') + 1
  const tail = chain.slice(chain.indexOf('kthread'))
  invokeOom(
    w,
    {
      kind: 'global',
      memcg: null,
      gfpMask: gfpFromNames(['GFP_KERNEL'], w.profile),
      order: 0,
      nodemask: null,
      currentPid: null
    },
    {
      path: 'sysrq',
      calls: [...chain.slice(0, cut), 'lru_gen_age_node', 'balance_pgdat', 'kswapd', ...tail]
    },
    kswapdThread(w, nodeId)
  )
  return true
}

/** After a balance_pgdat() pass: an evicting pass ages (a new youngest generation now) and
 * evicts the oldest, so the previous pass's generation becomes the oldest. */
export function lruGenAfterPass(w: World, nodeId: number, evicted: boolean): void {
  const n = w.mem.nodes.find(x => x.id === nodeId)
  if (n === undefined || !evicted || !lruGenMinTtlActive(w)) return
  const b = birthsOf(n)
  const youngest = b[b.length - 1] ?? 0
  births.set(n, [youngest, w.nowNs])
}

/** kswapd<node>'s pid and comm: a listed kernel thread of that name, else one past the rest. */
export function kswapdThread(w: World, node: number): { pid: number; comm: string } {
  const comm = `kswapd${node}`
  const listed = w.oom.processes.find(p => p.comm === comm)
  const pid = listed?.pid ?? Math.max(...w.oom.processes.map(p => p.pid), 100) + 1001 + node
  return { pid, comm }
}
