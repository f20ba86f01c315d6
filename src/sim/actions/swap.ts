/** @module The swap actions: `swapon` and `swapoff` of a configured device. */
import { swapoff as kernelSwapoff, swapon as kernelSwapon } from '../../kernel/mm/swapfile.ts'
import { DONE, hooks, proc, type ActionHandler } from './common.ts'

export const swapon: ActionHandler<'swapon'> = (sim, a) => {
  kernelSwapon(sim.w, a.name)
  return DONE
}

export const swapoff: ActionHandler<'swapoff'> = (sim, a) => {
  const caller = a.pid !== undefined ? proc(sim, a.pid) : undefined
  kernelSwapoff(sim.w, a.name, { caller, hooksOf: p => hooks(sim, p) })
  return DONE
}
