/** @module Reference checks of the cgroup hierarchy and of the files' memcgs. */
import type { RefContext } from './context.ts'

const V1_KEYS = ['memory.limit_in_bytes', 'memory.memsw.limit_in_bytes', 'memory.oom_control']
const V2_KEYS = [
  'memory.max',
  'memory.high',
  'memory.low',
  'memory.min',
  'memory.swap.max',
  'memory.oom.group'
]

/** Files of the declared version only; parents declared first; cpuset nodes exist. */
export function checkCgroups({ s, fail, groups, nodeIds }: RefContext): void {
  const v = s.cgroups?.version ?? 2
  s.cgroups?.groups?.forEach((g, gi) => {
    const at = ['cgroups', 'groups', gi]
    for (const k of v === 1 ? V2_KEYS : V1_KEYS)
      if (k in g)
        throw fail(`${k} is a cgroup v${v === 1 ? 2 : 1} file but cgroups.version is ${v}`, [
          ...at,
          k
        ])
    const parent = g.path.slice(0, Math.max(1, g.path.lastIndexOf('/')))
    if (!groups.has(parent))
      throw fail(`parent cgroup '${parent}' of '${g.path}' is not declared`, [...at, 'path'])
    g['cpuset.mems']?.forEach((n, i) => {
      if (!nodeIds.has(n))
        throw fail(`cpuset.mems: node ${n} does not exist`, [...at, 'cpuset.mems', i])
    })
  })
}

/** A file's memcg is declared. */
export function checkFiles({ s, fail, groups }: RefContext): void {
  s.files?.forEach((f, fi) => {
    if (f.memcg !== undefined && !groups.has(f.memcg))
      throw fail(`unknown cgroup '${f.memcg}'`, ['files', fi, 'memcg'])
  })
}
