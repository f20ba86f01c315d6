/**
 * @module The cgroup actions: `cgroup-set` (a write to a memory controller file) and
 * `cgroup-move` (a task moves to another memcg).
 */
import { memcgWrite, type MemcgValue } from '../../kernel/mm/memcontrol.ts'
import { sizeToPages } from '../size.ts'
import { emitSim } from '../effects.ts'
import { DONE, proc, type ActionHandler } from './common.ts'

export const cgroupSet: ActionHandler<'cgroup-set'> = (sim, a) => {
  const v = a.value
  const value: MemcgValue = typeof v === 'boolean' ? v : v === 'max' ? null : sizeToPages(v)
  if (memcgWrite(sim.w, a.path, a.key, value, v)) sim.worldChanged = true
  return DONE
}

export const cgroupMove: ActionHandler<'cgroup-move'> = (sim, a) => {
  const p = proc(sim, a.pid)
  if (p !== undefined) p.memcg = a.path
  emitSim(sim, 'memcg.move', { pid: a.pid, memcg: a.path })
  return DONE
}
