/**
 * @module kswapd (mm/vmscan.c): wakeup_kswapd() and balance_pgdat() passes toward the high
 * watermark (boost included). A pass that reclaims nothing counts a kswapd_failure; kswapd()
 * does not sleep while the node is unbalanced, so failing passes run back to back until
 * MAX_RECLAIM_RETRIES (on one CPU all at once, with more CPUs one at a time:
 * kswapdPassesAtOnce()); then the node is hopeless (all_unreclaimable) and stays so until any
 * reclaim makes progress (shrink_node() resets the count, reclaim.ts).
 */
import { MAX_RECLAIM_RETRIES } from './alloc-context.ts'
import { shrinkZones } from './reclaim.ts'
import { clearBoostAfterPass, nodeBoosted } from './watermark-boost.ts'
import type { MemNode } from './model.ts'
import { emit, envOf, outOf, type World } from './world.ts'

/** How often an awake kswapd makes a balance_pgdat() pass (approximation). */
export const KSWAPD_PERIOD_NS = 100_000_000

/**
 * wakeup_kswapd(), 6.1: a no-op when kswapd is awake, or the node is hopeless
 * (kswapd_failures >= MAX_RECLAIM_RETRIES), or balanced and not boosted.
 */
export function wakeKswapd(w: World, node: number, order: number, classZone: number): void {
  const n = w.mem.nodes.find(x => x.id === node)
  if (n === undefined) return
  if (n.kswapd.failures >= MAX_RECLAIM_RETRIES) return
  if (n.kswapd.awake) return
  n.kswapd.awake = true
  n.kswapd.order = order
  n.kswapd.classZone = classZone
  emit(w, 'kswapd.wake', { node, order, classZone })
  outOf(w).effects.push({ type: 'kswapd-wake', node })
}

/** What one pass did: 'again' (reclaimed; run again after KSWAPD_PERIOD_NS), or it slept. */
export type KswapdPass = 'asleep' | 'balanced' | 'failed' | 'again'

/** Pages the zones up to classZone lack to their high watermarks (boost included). */
function deficitOf(n: MemNode): number {
  const zones = n.zones.filter(z => z.idx <= n.kswapd.classZone)
  return zones.reduce((a, z) => a + Math.max(0, z.wmarkHigh + z.boost - z.free), 0)
}

/** One balance_pgdat() reclaim pass; returns the pages it reclaimed. */
function reclaimPass(w: World, n: MemNode, deficit: number): number {
  return shrinkZones(w, {
    zones: n.zones.filter(z => z.idx <= n.kswapd.classZone).map(z => w.zones.indexOf(z)),
    nrToReclaim: Math.min(deficit, 4096),
    mayIo: true,
    memcg: null,
    reason: 'kswapd',
    swappiness: w.mem.vm.swappiness
  })
}

/**
 * balance_pgdat() (6.1 mm/vmscan.c): reclaim toward the high watermark of the zones up to
 * classZone. A pass that reclaims nothing bumps kswapd_failures; kswapd() then loops without
 * sleeping (prepare_kswapd_sleep() refuses while unbalanced and below MAX_RECLAIM_RETRIES),
 * and nothing changes between its passes, so they fail alike up to MAX_RECLAIM_RETRIES.
 * Boost the pass saw is taken off at its end (clearBoostAfterPass). `maxPasses` bounds the
 * failing passes made now (kswapd on its own CPU, kswapdRunsDuringRetry()); a kswapd stopped
 * short of MAX_RECLAIM_RETRIES stays awake.
 */
export function balancePgdat(w: World, node: number, maxPasses = MAX_RECLAIM_RETRIES): KswapdPass {
  const n = w.mem.nodes.find(x => x.id === node)
  if (n === undefined || !n.kswapd.awake) return 'asleep'
  const deficit = deficitOf(n)
  if (deficit === 0) {
    clearBoostAfterPass(n, n.kswapd.classZone)
    n.kswapd.awake = false
    emit(w, 'kswapd.sleep', { node })
    return 'balanced'
  }
  const boosted = nodeBoosted(n, n.kswapd.classZone)
  let got = reclaimPass(w, n, deficit)
  let passes = 1
  while (got === 0) {
    n.kswapd.failures++
    emit(w, 'kswapd.fail', { node, failures: n.kswapd.failures })
    if (n.kswapd.failures >= MAX_RECLAIM_RETRIES || passes >= maxPasses) break
    got = reclaimPass(w, n, deficit)
    passes++
  }
  if (boosted) clearBoostAfterPass(n, n.kswapd.classZone)
  if (got === 0) {
    n.kswapd.awake = n.kswapd.failures < MAX_RECLAIM_RETRIES
    return 'failed'
  }
  n.kswapd.failures = 0
  emit(w, 'kswapd.reclaim', { node, reclaimed: got })
  return 'again'
}

/**
 * How many failing balance_pgdat() passes kswapd makes at one instant of the simulated clock.
 * One CPU: all of them. kswapd() loops without sleeping while the node is unbalanced
 * (prepare_kswapd_sleep(), 6.11 mm/vmscan.c), and it gets the CPU while the allocating task
 * reschedules in its retry loop (should_reclaim_retry() → cond_resched()), so its failing
 * passes are done before the allocator gives up and calls the OOM killer. More CPUs: kswapd
 * runs on another CPU alongside the allocator, one pass (DEF_PRIORITY down to 1) at a time:
 * one for each of the allocator's do_try_to_free_pages() rounds (the same priorities), the
 * next a KSWAPD_PERIOD_NS later. should_reclaim_retry() (>= 4.7, 6.11 mm/page_alloc.c) ends
 * the retries after the first round when no zone would meet its min watermark with all its
 * reclaimable pages, so the OOM can come before kswapd_failures reaches MAX_RECLAIM_RETRIES
 * (seed 003, 2 CPUs: `all_unreclaimable? no`).
 */
export function kswapdPassesAtOnce(w: World): number {
  return envOf(w).cpus > 1 ? 1 : MAX_RECLAIM_RETRIES
}

/** An awake kswapd while the allocator's direct reclaim round made no progress. */
export function kswapdRunsDuringRetry(w: World): void {
  const passes = kswapdPassesAtOnce(w)
  for (const n of w.mem.nodes) if (n.kswapd.awake) balancePgdat(w, n.id, passes)
}
