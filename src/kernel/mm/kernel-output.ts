/**
 * @module What the kernel hands back to whoever runs it, as data: printk records and effects
 * (SIGKILL, reaper queueing, kswapd wakeups, allocation failures, panics), in the order they
 * happened. The mm code appends here; the simulator applies it in one place. Also the
 * machine facts the kernel's printing needs (release, hardware, taint) and its ratelimits.
 */
import type { UserRegs } from '../printk/stack-regs.ts'
import type { Effect, OomControl, PrintkRecord } from '../oom-control.ts'
import type { RatelimitState } from '../ratelimit.ts'

/** An effect the caller applies after a kernel call. */
export type KernelEffect =
  | Effect
  /** out_of_memory() was entered (counts OOM invocations). */
  | { type: 'oom-invoked' }
  /** out_of_memory() killed a victim. */
  | {
      type: 'oom-killed'
      kind: OomControl['kind']
      pid: number
      comm: string
      message: string
      constraint: string | null
    }
  /** warn_alloc() was reached (ratelimited or not). */
  | { type: 'alloc-failure'; pid: number; comm: string; gfp: number; order: number }
  /** __vm_enough_memory() refused a mapping. */
  | { type: 'enomem'; pid: number; pages: number }
  /** wakeup_kswapd(): kswapd of `node` runs now. */
  | { type: 'kswapd-wake'; node: number }

/** The output buffer of a world. */
export interface KernelOutput {
  log: PrintkRecord[]
  effects: KernelEffect[]
}

/** Machine facts and kernel-wide state the printing paths need. */
export interface KernelEnv {
  kernelRelease: string
  hardware: string | null
  cpus: number
  taint: string | null
  build: string | null
  /** Recorded user registers per pid, shown under a call trace that pid's fault started. */
  userRegs?: ReadonlyMap<number, UserRegs>
  showMemConfig: Record<string, boolean> | null
  /** CONFIG_LRU_GEN enabled at run time (multi-gen LRU): new anon pages count as active. */
  lruGen?: boolean
  /** oom_kill_process()'s dump_header ratelimit (oom_rs). */
  oomRatelimit: RatelimitState
  /** warn_alloc()'s nopage_rs. */
  nopageRatelimit: RatelimitState
  /** The #PF "Huh VM_FAULT_OOM leaked out" ratelimit. */
  pfRatelimit: RatelimitState
}

export function emptyOutput(): KernelOutput {
  return { log: [], effects: [] }
}

/**
 * Thrown when the simulated kernel panics: panic() never returns, so whatever the allocator,
 * fault or caller would have done after it never happens. The output holds the panic effect.
 */
export class KernelPanic extends Error {
  readonly panicMessage: string
  constructor(panicMessage: string) {
    super(`kernel panic: ${panicMessage}`)
    this.panicMessage = panicMessage
    this.name = 'KernelPanic'
  }
}
