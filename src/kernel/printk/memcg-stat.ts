/**
 * @module The key lists of the memcg OOM stat block, so a simulated memcg prints the keys its
 * kernel would: the <= 5.2 ` key:%luKB` pairs, the >= 5.3 memory.stat text in the cgroup v2
 * format, and (>= 6.6 on v1 hierarchies) the v1 memory.stat format (memcg1_stat_format).
 *
 * Values are given by their cgroup v2 memory.stat names (bytes for memory, counts for events);
 * the v1 names are mapped from them. Missing values print as 0.
 */
import type { KernelProfile } from '../profiles.ts'

/** Values by v2 memory.stat name (plus v1-only `swap`, `pgpgin`, `pgpgout`, and
 * `hierarchical_memory_limit` / `hierarchical_memsw_limit` in bytes). */
export type MemcgStatValues = Readonly<Record<string, number | bigint>>

/** <= 5.2 mem_cgroup_print_oom_info(): v1 name and the v2 name it is read from (kB). */
const oldPairs: [string, string][] = [
  ['cache', 'file'],
  ['rss', 'anon'],
  ['rss_huge', 'anon_thp'],
  ['shmem', 'shmem'],
  ['mapped_file', 'file_mapped'],
  ['dirty', 'file_dirty'],
  ['writeback', 'file_writeback'],
  ['swap', 'swap'],
  ['inactive_anon', 'inactive_anon'],
  ['active_anon', 'active_anon'],
  ['inactive_file', 'inactive_file'],
  ['active_file', 'active_file'],
  ['unevictable', 'unevictable']
]

/** 3.11–3.x mem_cgroup_stat_names: no shmem/dirty yet (3.13, seen in cadvisor_1). */
const oldPairs3x: [string, string][] = [
  ['cache', 'file'],
  ['rss', 'anon'],
  ['rss_huge', 'anon_thp'],
  ['mapped_file', 'file_mapped'],
  ['writeback', 'file_writeback'],
  ['swap', 'swap'],
  ['inactive_anon', 'inactive_anon'],
  ['active_anon', 'active_anon'],
  ['inactive_file', 'inactive_file'],
  ['active_file', 'active_file'],
  ['unevictable', 'unevictable']
]

/** memcg1_stat_format() (seen on this machine's 6.18): local keys, then limits, then total_*. */
const v1Pairs: [string, string][] = [
  ['cache', 'file'],
  ['rss', 'anon'],
  ['rss_huge', 'anon_thp'],
  ['shmem', 'shmem'],
  ['mapped_file', 'file_mapped'],
  ['dirty', 'file_dirty'],
  ['writeback', 'file_writeback'],
  ['workingset_refault_anon', 'workingset_refault_anon'],
  ['workingset_refault_file', 'workingset_refault_file'],
  ['swap', 'swap'],
  ['swapcached', 'swapcached'],
  ['pgpgin', 'pgpgin'],
  ['pgpgout', 'pgpgout'],
  ['pgfault', 'pgfault'],
  ['pgmajfault', 'pgmajfault'],
  ['inactive_anon', 'inactive_anon'],
  ['active_anon', 'active_anon'],
  ['inactive_file', 'inactive_file'],
  ['active_file', 'active_file'],
  ['unevictable', 'unevictable']
]

/** memory_stat_format() order (6.x memory_stats[] then the events; config-dependent keys
 * such as zswap are left out). */
const v2Keys = [
  'anon',
  'file',
  'kernel',
  'kernel_stack',
  'pagetables',
  'sec_pagetables',
  'percpu',
  'sock',
  'vmalloc',
  'shmem',
  'file_mapped',
  'file_dirty',
  'file_writeback',
  'swapcached',
  'anon_thp',
  'file_thp',
  'shmem_thp',
  'inactive_anon',
  'active_anon',
  'inactive_file',
  'active_file',
  'unevictable',
  'slab_reclaimable',
  'slab_unreclaimable',
  'slab',
  'workingset_refault_anon',
  'workingset_refault_file',
  'workingset_activate_anon',
  'workingset_activate_file',
  'workingset_restore_anon',
  'workingset_restore_file',
  'workingset_nodereclaim',
  'pgscan',
  'pgsteal',
  'pgfault',
  'pgmajfault',
  'pgrefill',
  'pgactivate',
  'pgdeactivate',
  'pglazyfree',
  'pglazyfreed',
  'thp_fault_alloc',
  'thp_collapse_alloc'
]

/** The <= 5.2 key set of the profile (format.memcgStatKeys). */
function oldPairsFor(profile: KernelProfile): [string, string][] {
  switch (profile.format.memcgStatKeys) {
    case 'none':
      return []
    case '3.10':
      // mem_cgroup_stat_names, 3.10.4: no "writeback" yet.
      return oldPairs3x.filter(([name]) => name !== 'writeback')
    case '3.13':
      return oldPairs3x
    case 'full':
      return oldPairs
  }
}

function get(v: MemcgStatValues, key: string): number | bigint {
  if (key === 'slab' && v['slab'] === undefined) {
    const r = v['slab_reclaimable'] ?? 0
    const u = v['slab_unreclaimable'] ?? 0
    return typeof r === 'bigint' || typeof u === 'bigint' ? BigInt(r) + BigInt(u) : r + u
  }
  return v[key] ?? 0
}

function kb(x: number | bigint): number | bigint {
  return typeof x === 'bigint' ? x / 1024n : Math.floor(x / 1024)
}

/**
 * The entries of one "Memory cgroup stats for" block as the profile's kernel prints them for a
 * memcg on the given hierarchy. `totals` (v1 only) are the hierarchical sums for the total_*
 * keys; they default to the local values (a memcg without children).
 */
export function memcgStatEntries(
  values: MemcgStatValues,
  hierarchy: 'v1' | 'v2',
  profile: KernelProfile,
  totals: MemcgStatValues = values
): [string, number | bigint][] {
  const form = profile.format.memcgInfo
  if (form === 'taskIn' || form === 'v5.0') {
    // Values in kB; "swap" only with swap accounting, i.e. when the caller gives a swap value.
    // 3.x (the zone-LRU show_free_areas() era) prints the older key set.
    return oldPairsFor(profile)
      .filter(([name]) => name !== 'swap' || values['swap'] !== undefined)
      .map(([name, src]) => [name, kb(get(values, src))])
  }
  if (hierarchy === 'v1' && profile.format.memcgV1Stat === 'v1keys') {
    return [
      ...v1Pairs.map(([name, src]): [string, number | bigint] => [name, get(values, src)]),
      ['hierarchical_memory_limit', get(values, 'hierarchical_memory_limit')],
      ['hierarchical_memsw_limit', get(values, 'hierarchical_memsw_limit')],
      ...v1Pairs.map(([name, src]): [string, number | bigint] => [
        `total_${name}`,
        get(totals, src)
      ])
    ]
  }
  return v2Keys.map(k => [k, get(values, k)])
}
