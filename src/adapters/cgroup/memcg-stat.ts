/**
 * @module memory.stat of one memory cgroup, the counters of what it charges by kind, for the
 * group's own pages (not its descendants'). v1 prints the group's own counters (`cache`,
 * `shmem`, `mapped_file`, the LRU lists; `total_*` are hierarchical); v2 prints hierarchical
 * counters only (`file`, `shmem`, `file_mapped`, the LRU lists), so a group's own are its value
 * less its children's (`ownStats`).
 *
 * Units: bytes (both versions print bytes).
 */
import type { MemcgStatReading } from '../proc/host-source.ts'
import { parseKeyed } from './parse-cgroup-files.ts'

/** The counters kept, with their v1 and v2 names. */
const KEYS: readonly (readonly [keyof MemcgStatReading, string, string])[] = [
  ['anonBytes', 'rss', 'anon'],
  ['fileBytes', 'cache', 'file'],
  ['shmemBytes', 'shmem', 'shmem'],
  ['fileMappedBytes', 'mapped_file', 'file_mapped'],
  ['activeAnonBytes', 'active_anon', 'active_anon'],
  ['inactiveAnonBytes', 'inactive_anon', 'inactive_anon'],
  ['activeFileBytes', 'active_file', 'active_file'],
  ['inactiveFileBytes', 'inactive_file', 'inactive_file'],
  ['unevictableBytes', 'unevictable', 'unevictable']
]

/** memory.stat text as printed: v1 the group's own counters, v2 the subtree's. */
export function parseMemcgStat(text: string, version: 1 | 2): MemcgStatReading | null {
  const kv = parseKeyed(text)
  const out = {} as Record<keyof MemcgStatReading, number>
  let found = false
  for (const [key, v1, v2] of KEYS) {
    const n = kv[version === 1 ? v1 : v2]
    if (n !== undefined) found = true
    out[key] = n ?? 0
  }
  return found ? out : null
}

/** v2: a group's own counters, its (hierarchical) ones less its direct children's. */
export function ownStats(
  stat: MemcgStatReading,
  children: readonly (MemcgStatReading | null)[]
): MemcgStatReading {
  const out = { ...stat }
  for (const c of children) {
    if (c === null) continue
    for (const [key] of KEYS) out[key] = Math.max(0, out[key] - c[key])
  }
  return out
}
