/**
 * @module kswapd (mm/vmscan.c): wakeup_kswapd() and one balance_pgdat() pass toward the high
 * watermark. After MAX_RECLAIM_RETRIES passes that reclaim nothing, kswapd_failures keeps
 * it asleep until direct reclaim makes progress again.
 */
import { MAX_RECLAIM_RETRIES } from './page-alloc.ts'
import { shrinkZones } from './reclaim.ts'
import { emit, outOf, type World } from './world.ts'

/** How often an awake kswapd makes a balance_pgdat() pass (approximation). */
export const KSWAPD_PERIOD_NS = 100_000_000

/** wakeup_kswapd(): a no-op when kswapd is awake or has failed MAX_RECLAIM_RETRIES times. */
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

/** One balance_pgdat() pass: reclaim toward the high watermark of the zones up to classZone. */
export function balancePgdat(w: World, node: number): KswapdPass {
  const n = w.mem.nodes.find(x => x.id === node)
  if (n === undefined || !n.kswapd.awake) return 'asleep'
  const zones = n.zones.filter(z => z.idx <= n.kswapd.classZone)
  const deficit = zones.reduce((a, z) => a + Math.max(0, z.wmarkHigh + z.boost - z.free), 0)
  if (deficit === 0) {
    n.kswapd.awake = false
    emit(w, 'kswapd.sleep', { node })
    return 'balanced'
  }
  const got = shrinkZones(w, {
    zones: zones.map(z => w.zones.indexOf(z)),
    nrToReclaim: Math.min(deficit, 4096),
    mayIo: true,
    memcg: null,
    reason: 'kswapd',
    swappiness: w.mem.vm.swappiness
  })
  if (got === 0) {
    n.kswapd.failures++
    emit(w, 'kswapd.fail', { node, failures: n.kswapd.failures })
    n.kswapd.awake = false
    return 'failed'
  }
  n.kswapd.failures = 0
  emit(w, 'kswapd.reclaim', { node, reclaimed: got })
  return 'again'
}
