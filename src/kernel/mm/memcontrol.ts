/**
 * @module Writes to a memory cgroup's control files (mm/memcontrol.c): memory.max /
 * memory.limit_in_bytes (memory_max_write(), mem_cgroup_resize_max()), the swap limits,
 * memory.high/low/min, memory.oom.group and v1's oom_control (with 6.12+'s one-time deprecation
 * warning: memcg1-deprecated.ts).
 *
 * Units: pages.
 */
import type { Memcg } from '../types.ts'
import { gfpFromNames } from './gfp-bits.ts'
import { extraOf } from './memcg-extras.ts'
import { invokeOom } from './oom-entry.ts'
import { shrinkZones } from './reclaim.ts'
import { deprecationWarning } from './memcg1-deprecated.ts'
import { emit, printk, type World } from './world.ts'

/** A value written: pages (null = "max") or a flag. */
export type MemcgValue = number | null | boolean

/** Store a knob; returns true when tasks waiting on the memcg may go on (oom_kill_disable off). */
function storeKnob(w: World, m: Memcg, key: string, value: MemcgValue): boolean {
  const pages = typeof value === 'boolean' ? null : value
  switch (key) {
    case 'memory.max':
    case 'memory.limit_in_bytes':
      m.limit = pages
      break
    case 'memory.swap.max':
      m.swapLimit = pages
      break
    case 'memory.memsw.limit_in_bytes':
      m.swapLimit = pages === null ? null : Math.max(0, pages - (m.limit ?? 0))
      break
    case 'memory.high':
      extraOf(w, m.path).high = pages
      break
    case 'memory.low':
      extraOf(w, m.path).low = pages ?? 0
      break
    case 'memory.min':
      extraOf(w, m.path).min = pages ?? 0
      break
    case 'memory.oom.group':
      m.oomGroup = value === true
      break
    case 'memory.oom_control.oom_kill_disable':
      m.oomKillDisable = value === true
      return value !== true && m.underOom
  }
  return false
}

/**
 * Write `key` of the memcg at `path`. A limit below the usage reclaims down to it and, on
 * cgroup v2 when that fails, OOM-kills in the memcg (memory_max_write()). Returns true when
 * tasks waiting on the memcg may go on.
 */
export function memcgWrite(
  w: World,
  path: string,
  key: string,
  value: MemcgValue,
  written: unknown
): boolean {
  const m = w.oom.memcgs.get(path)
  if (m === undefined) return false
  const warning = deprecationWarning(w, key)
  if (warning !== null) printk(w, warning.level, warning.text)
  const wake = storeKnob(w, m, key, value)
  emit(w, 'memcg.set', { memcg: path, key, value: written })
  if (m.limit !== null && m.usage > m.limit) memoryMaxReclaim(w, m, m.limit)
  return wake
}

/** Reclaim a memcg down to `limit`; then, on v2, mem_cgroup_out_of_memory() if still over. */
function memoryMaxReclaim(w: World, m: Memcg, limit: number): void {
  shrinkZones(w, {
    zones: w.zones.map((_, i) => i),
    nrToReclaim: m.usage - limit,
    mayIo: true,
    memcg: m.path,
    reason: 'memcg',
    swappiness: m.swappiness
  })
  if (m.usage <= limit || w.oom.cgroupVersion !== 2) return
  const member = w.oom.processes.find(p => p.memcg === m.path || p.memcg.startsWith(`${m.path}/`))
  invokeOom(w, {
    kind: 'memcg',
    memcg: m.path,
    gfpMask: gfpFromNames(['GFP_KERNEL'], w.profile),
    order: 0,
    nodemask: null,
    currentPid: member?.pid ?? null
  })
}
