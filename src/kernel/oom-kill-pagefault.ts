/**
 * @module pagefault_out_of_memory() (mm/oom_kill.c): what a VM_FAULT_OOM that reaches the #PF
 * handler does, per profile.
 */
import { invokeOom } from './mm/oom-entry.ts'
import { emit, envOf, printk, type World } from './mm/world.ts'
import { ratelimitCheck } from './ratelimit.ts'
import type { Process } from './types.ts'

/**
 * pagefault_out_of_memory(): >= 5.16 retries the fault without a global OOM (printing the
 * ratelimited "Huh" line); <= 5.15 runs a global OOM with gfp 0, order 0. Returns whether
 * the faulting task retries later or is done (killed).
 */
export function pagefaultOutOfMemory(w: World, p: Process): 'retry-later' | 'done' {
  if (p.sigkillPending) return 'done'
  if (w.profile.alloc.pagefaultOom === 'retryFault') {
    if (ratelimitCheck(envOf(w).pfRatelimit, w.nowNs).allowed)
      printk(w, 4, 'Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF')
    emit(w, 'alloc.pagefault_retry', { pid: p.pid })
    return 'retry-later'
  }
  emit(w, 'alloc.pagefault_oom', { pid: p.pid })
  invokeOom(w, {
    kind: 'global',
    memcg: null,
    gfpMask: 0,
    order: 0,
    nodemask: null,
    currentPid: p.pid
  })
  return p.sigkillPending ? 'done' : 'retry-later'
}
