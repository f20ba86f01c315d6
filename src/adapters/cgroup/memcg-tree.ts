/**
 * @module Reading the memory cgroup hierarchy of a host (under a root directory): find where the
 * memory controller is mounted (v1 `memory` hierarchy, or a cgroup2 mount whose
 * cgroup.controllers lists `memory`), walk every group, and read its limits and counters.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { MemcgReading, MemcgStatReading, MemcgTree, Read } from '../proc/host-source.ts'
import { failureOf, readText } from '../proc/read-text.ts'
import {
  parseCgroupMounts,
  parseKeyed,
  parseNumber,
  parseV1Limit,
  parseV2Limit
} from './parse-cgroup-files.ts'
import { ownStats, parseMemcgStat } from './memcg-stat.ts'

/** The memory controller's mount under `root`: version and mount point. */
export function findMemoryMount(root: string): { version: 1 | 2; mount: string } | null {
  const mounts = readText(join(root, 'proc/mounts'))
  const candidates: { version: 1 | 2; mount: string }[] = []
  if (mounts.ok) {
    for (const m of parseCgroupMounts(mounts.value)) {
      if (m.version === 1 && m.controllers.includes('memory')) {
        candidates.push({ version: 1, mount: m.mountPoint })
      } else if (m.version === 2) candidates.push({ version: 2, mount: m.mountPoint })
    }
  } else {
    candidates.push({ version: 1, mount: '/sys/fs/cgroup/memory' })
    candidates.push({ version: 2, mount: '/sys/fs/cgroup' })
  }
  for (const c of candidates) {
    const dir = join(root, c.mount)
    if (c.version === 1) {
      if (readText(join(dir, 'memory.usage_in_bytes')).ok) return c
    } else {
      const ctl = readText(join(dir, 'cgroup.controllers'))
      if (ctl.ok && ctl.value.split(/\s+/).includes('memory')) return c
    }
  }
  return null
}

function text(dir: string, file: string): string | null {
  const r = readText(join(dir, file))
  return r.ok ? r.value : null
}

/** One v1 memory cgroup directory. */
export function readV1Group(dir: string, path: string): MemcgReading {
  const usage = parseNumber(text(dir, 'memory.usage_in_bytes') ?? '0')
  const memswUsage = text(dir, 'memory.memsw.usage_in_bytes')
  const oomControl = parseKeyed(text(dir, 'memory.oom_control') ?? '')
  const limit = text(dir, 'memory.limit_in_bytes')
  const memsw = text(dir, 'memory.memsw.limit_in_bytes')
  const swappiness = text(dir, 'memory.swappiness')
  return {
    path,
    limitBytes: limit === null ? null : parseV1Limit(limit),
    memswLimitBytes: memsw === null ? null : parseV1Limit(memsw),
    swapMaxBytes: null,
    highBytes: null,
    lowBytes: null,
    minBytes: null,
    usageBytes: usage,
    swapUsageBytes: memswUsage === null ? 0 : Math.max(0, parseNumber(memswUsage) - usage),
    failcnt: parseNumber(text(dir, 'memory.failcnt') ?? '0'),
    oomKillDisable: oomControl.oom_kill_disable === 1,
    underOom: oomControl.under_oom === 1,
    oomKills: oomControl.oom_kill ?? 0,
    oomGroup: false,
    swappiness: swappiness === null ? null : parseNumber(swappiness),
    events: {},
    eventsLocal: {},
    stat: parseMemcgStat(text(dir, 'memory.stat') ?? '', 1)
  }
}

/** One v2 cgroup directory (the root has no memory.max/current: treated as unlimited, 0). */
export function readV2Group(dir: string, path: string): MemcgReading {
  const limit = (f: string): number | null => {
    const t = text(dir, f)
    return t === null ? null : parseV2Limit(t)
  }
  const events = parseKeyed(text(dir, 'memory.events') ?? '')
  return {
    path,
    limitBytes: limit('memory.max'),
    memswLimitBytes: null,
    swapMaxBytes: limit('memory.swap.max'),
    highBytes: limit('memory.high'),
    lowBytes: limit('memory.low'),
    minBytes: limit('memory.min'),
    usageBytes: parseNumber(text(dir, 'memory.current') ?? '0'),
    swapUsageBytes: parseNumber(text(dir, 'memory.swap.current') ?? '0'),
    failcnt: events.max ?? 0,
    oomKillDisable: false,
    underOom: false,
    oomKills: events.oom_kill ?? 0,
    oomGroup: parseNumber(text(dir, 'memory.oom.group') ?? '0') === 1,
    swappiness: null,
    events,
    eventsLocal: parseKeyed(text(dir, 'memory.events.local') ?? ''),
    // Hierarchical here; made the group's own once its children are read (readMemcgTree).
    stat: parseMemcgStat(text(dir, 'memory.stat') ?? '', 2)
  }
}

/** v2 memory.stat counts a group's subtree: keep each group's own pages. */
function ownV2Stats(groups: MemcgReading[]): void {
  const children = new Map<string, (MemcgStatReading | null)[]>()
  for (const g of groups) {
    if (g.path === '/') continue
    const cut = g.path.lastIndexOf('/')
    const parent = cut <= 0 ? '/' : g.path.slice(0, cut)
    children.set(parent, [...(children.get(parent) ?? []), g.stat])
  }
  for (const g of groups) if (g.stat !== null) g.stat = ownStats(g.stat, children.get(g.path) ?? [])
}

/** Walk the memory hierarchy under `root` (parents first, children sorted by name). */
export function readMemcgTree(root: string): Read<MemcgTree> {
  const found = findMemoryMount(root)
  if (found === null) return { ok: false, why: 'absent' }
  const base = join(root, found.mount)
  const groups: MemcgReading[] = []
  const visit = (rel: string): void => {
    const dir = rel === '/' ? base : join(base, rel)
    // v2: a group whose parent does not enable the memory controller has no memory.* files;
    // its tasks are charged to the nearest ancestor that has them (and so are its children).
    if (found.version === 2 && rel !== '/' && !readText(join(dir, 'memory.current')).ok) return
    groups.push(found.version === 1 ? readV1Group(dir, rel) : readV2Group(dir, rel))
    let entries: string[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
        .filter(e => e.isDirectory())
        .map(e => e.name)
        .sort()
    } catch (error) {
      failureOf(error) // a group removed mid-walk (or unreadable) is skipped
      return
    }
    for (const name of entries) visit(rel === '/' ? `/${name}` : `${rel}/${name}`)
  }
  visit('/')
  if (found.version === 2) ownV2Stats(groups)
  return { ok: true, value: { version: found.version, mount: found.mount, groups } }
}
