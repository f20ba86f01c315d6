/** @module System-wide actions: `sysctl` writes, `sysrq` f (a manual OOM) and `wait`. */
import { gfpFromNames } from '../../kernel/mm/gfp-bits.ts'
import { invokeOom } from '../../kernel/mm/oom-entry.ts'
import { sysctlWrite } from '../../kernel/mm/sysctl.ts'
import { printk } from '../../kernel/mm/world.ts'
import { DONE, type ActionHandler } from './common.ts'

export const sysctl: ActionHandler<'sysctl'> = (sim, a) => {
  const p = a.pid === undefined ? undefined : sim.w.oom.processes.find(q => q.pid === a.pid)
  // Without a pid: the sysctl(8) tool, a task the scenario does not list.
  const pid = Math.max(...sim.w.oom.processes.map(q => q.pid), 100) + 2000
  sysctlWrite(sim.w, a.name, a.value, p ?? { pid, comm: 'sysctl' })
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
