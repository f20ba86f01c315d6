/**
 * @module The mapping actions: `mmap` (anonymous, shmem or file, optionally populated or
 * locked), `munmap` and `free` (of a VMA's pages), `mlock`, and `read` (page cache, optionally
 * mapped or dirtied).
 */
import type { Vma } from '../../kernel/types.ts'
import { faultAnon, readFile } from '../../kernel/mm/fault.ts'
import { mlockVma } from '../../kernel/mm/mlock.ts'
import { mapFile, mmapRegion } from '../../kernel/mm/mmap.ts'
import { munmapVma, zapVmaAnon } from '../../kernel/mm/unmap.ts'
import { sizeToPages } from '../size.ts'
import { emitSim } from '../effects.ts'
import { afterFault, dead, DONE, hooks, one, pickVma, proc, type ActionHandler } from './common.ts'

export const mmap: ActionHandler<'mmap'> = (sim, a) => {
  const w = sim.w
  const p = proc(sim, a.pid)
  if (p === undefined || dead(sim, p) || p.mmId === null) return DONE
  const mm = w.oom.mms.get(p.mmId)
  if (mm === undefined) return DONE
  const size = sizeToPages(a.size)
  const kind = a.kind ?? (a.file !== undefined ? 'file' : 'anon')
  const vma = mmapRegion(w, p, mm, { pages: size, kind, locked: a.locked ?? false })
  if (vma === null) return DONE
  if (a.name !== undefined) {
    let names = sim.vmaByName.get(p.pid)
    if (names === undefined) sim.vmaByName.set(p.pid, (names = new Map<string, Vma>()))
    names.set(a.name, vma)
  }
  if (a.populate !== true) return DONE
  if (kind === 'anon')
    return one(afterFault(sim, p, faultAnon(w, p, mm, vma, size, hooks(sim, p)), size))
  const f = a.file === undefined ? undefined : w.files.get(a.file)
  if (kind !== 'file' || f === undefined) return DONE
  const r = readFile(w, p, mm, f, size, { map: true, dirty: false }, hooks(sim, p))
  return one(afterFault(sim, p, r, size))
}

/** `munmap` drops the VMA; `free` gives back `size` of its pages. */
export const unmap: ActionHandler<'munmap' | 'free'> = (sim, a) => {
  const w = sim.w
  const p = proc(sim, a.pid)
  if (p === undefined || p.mmId === null) return DONE
  const mm = w.oom.mms.get(p.mmId)
  const vma = pickVma(sim, p, a.vma, false)
  if (mm === undefined || vma === undefined) return DONE
  let n: number
  if (a.do === 'free') {
    n = Math.min(sizeToPages(a.size), vma.anon)
    zapVmaAnon(w, mm, vma, n, p.memcg)
  } else n = munmapVma(w, mm, vma, p.memcg)
  sim.worldChanged = true
  emitSim(sim, 'task.free', { pid: p.pid, pages: n })
  return DONE
}

export const mlock: ActionHandler<'mlock'> = (sim, a) => {
  const p = proc(sim, a.pid)
  const vma = p === undefined ? undefined : pickVma(sim, p, a.vma, false)
  if (p === undefined || vma === undefined || vma.locked) return DONE
  const pages = mlockVma(sim.w, p, vma)
  emitSim(sim, 'task.mlock', { pid: p.pid, pages })
  return DONE
}

export const read: ActionHandler<'read'> = (sim, a, call) => {
  const w = sim.w
  const p = proc(sim, a.pid)
  const f = w.files.get(a.file)
  if (p === undefined || dead(sim, p) || f === undefined) return DONE
  const mm = p.mmId === null ? null : (w.oom.mms.get(p.mmId) ?? null)
  if (a.map === true && mm !== null) mapFile(mm, f.sizePages, f.kind === 'tmpfs')
  const want = call.resumeRemaining ?? (a.size !== undefined ? sizeToPages(a.size) : f.sizePages)
  const opts = { map: a.map ?? false, dirty: a.dirty ?? false }
  return one(afterFault(sim, p, readFile(w, p, mm, f, want, opts, hooks(sim, p)), want))
}
