/** @module System-wide actions: `sysctl` writes, `sysrq` f (a manual OOM) and `wait`. */
import { gfpFromNames } from '../../kernel/mm/gfp-bits.ts'
import { invokeOom } from '../../kernel/mm/oom-entry.ts'
import { sysctlWrite } from '../../kernel/mm/sysctl.ts'
import { printk } from '../../kernel/mm/world.ts'
import { DONE, type ActionHandler } from './common.ts'

export const sysctl: ActionHandler<'sysctl'> = (sim, a) => {
  sysctlWrite(sim.w, a.name, a.value)
  return DONE
}

/** sysrq-f: moom_callback() runs out_of_memory() from a kworker, order -1. */
export const sysrq: ActionHandler<'sysrq'> = sim => {
  printk(sim.w, 6, 'sysrq: Manual OOM execution')
  invokeOom(sim.w, {
    kind: 'sysrq',
    memcg: null,
    gfpMask: gfpFromNames(['GFP_KERNEL'], sim.profile),
    order: -1,
    nodemask: null,
    currentPid: null
  })
  return DONE
}

export const wait: ActionHandler<'wait'> = () => DONE
