/**
 * @module The file-backed and tmpfs memory of a case as scenario files and mappings, from each
 * case group's own memory.stat at the snapshot (bytes; the scenario gets pages). The kernel
 * charges a page cache folio to the memcg of the task that brought it in (6.18
 * filemap_add_folio() -> mem_cgroup_charge()) and a tmpfs folio to the writer's
 * (shmem_add_to_page_cache()), mapped or not; a page cached before the hog joined the group (the
 * hog binary and libc, read by earlier runs) stays charged where it was, usually the root, where
 * the case's reclaim cannot take it. So:
 * - a group's mapped disk pages (`mapped_file` less the shmem its hogs map) are its hogs' mapped
 *   data files (`hog -F`) and the part of the hog text they faulted in after the move; the text
 *   pages beyond that map one root-charged file;
 * - its unmapped page cache (`cache` less `shmem` less the mapped disk pages: `hog -R`) is a file
 *   charged to it, nobody's mapping;
 * - its shmem beyond the shared segments its hogs map (`hog -K`) is a tmpfs file charged to it.
 * Mapped pages the group holds were touched once (populated at start, never run or read again):
 * `referenced: false`, so reclaim may unmap them as 6.18 did (the kernel's rows show the text
 * rss_file fall from the snapshot's to the root-charged part).
 */
import { ownStats, parseMemcgStat } from '../src/adapters/cgroup/memcg-stat.ts'
import { parseKeyed } from '../src/adapters/cgroup/parse-cgroup-files.ts'
import type { MemcgStatReading } from '../src/adapters/proc/host-source.ts'
import type { ScenarioFile as Scenario } from '../src/sim/schema.ts'
import type { CaseRun } from './case-run.ts'

type FileSpec = NonNullable<Scenario['files']>[number]
type VmaSpec = NonNullable<Scenario['processes'][number]['vmas']>[number]

const pages = (bytes: number): number => Math.floor(bytes / 4096)

/** One process with its own mm: its group, rss_file and the part of it that is a data file. */
export interface FileUser {
  pid: number
  group: string
  rssFile: number
  /** Resident pages of its mapped data file (`hog -F`), part of rssFile. */
  data: number
}

/** What the files add to a scenario. */
export interface FilePlan {
  files: FileSpec[]
  /** The file mappings of each pid. */
  vmas: Map<number, VmaSpec[]>
  /** Pages these files charge to the case's groups. */
  charged: number
}

/** Each group's own counters: v1 prints them; v2's are the subtree's, less the children's. */
export function ownGroupStats(run: CaseRun): Map<string, MemcgStatReading> {
  const v = run.snapshot.cgroupVersion
  const parsed = Object.entries(run.snapshot.memcgStats ?? {}).map(
    ([p, t]) => [p, parseMemcgStat(t, v)] as const
  )
  const out = new Map<string, MemcgStatReading>()
  for (const [p, st] of parsed) {
    if (st === null) continue
    const children = parsed
      .filter(([c]) => c.startsWith(`${p}/`) && !c.slice(p.length + 1).includes('/'))
      .map(([, s]) => s)
    out.set(p, v === 1 ? st : ownStats(st, children))
  }
  return out
}

/** The files of group `g` (own counters `st`); `shmMapped`: shmem pages its hogs map. */
function groupFiles(
  g: string,
  st: MemcgStatReading,
  users: readonly FileUser[],
  shmMapped: number
): { files: FileSpec[]; text: number } {
  const files: FileSpec[] = []
  const mappedDisk = Math.max(0, pages(st.fileMappedBytes) - shmMapped)
  for (const u of users) {
    if (u.data > 0) files.push({ path: `/data/${u.pid}`, size: u.data, cached: u.data, memcg: g })
  }
  const data = users.reduce((n, u) => n + u.data, 0)
  const text = Math.max(0, mappedDisk - data)
  if (text > 0) files.push({ path: `/usr/lib/hog-text${g}`, size: text, cached: text, memcg: g })
  const cache = Math.max(0, pages(st.fileBytes - st.shmemBytes) - mappedDisk)
  if (cache > 0) {
    const f: FileSpec = { path: `/cache${g}`, size: cache, cached: cache, memcg: g }
    const active = Math.min(cache, pages(st.activeFileBytes))
    if (active > 0) f.active = active
    files.push(f)
  }
  const tmpfs = Math.max(0, pages(st.shmemBytes) - shmMapped)
  if (tmpfs > 0) files.push({ path: `/tmpfs${g}`, size: tmpfs, fs: 'tmpfs', memcg: g })
  return { files, text }
}

/** The files and file mappings of a case; `shmMapped(g)`: shmem pages group g's hogs map. */
export function filePlan(
  run: CaseRun,
  users: readonly FileUser[],
  shmMapped: (g: string) => number
): FilePlan {
  const stats = ownGroupStats(run)
  const files: FileSpec[] = []
  const textIn = new Map<string, number>()
  let charged = 0
  for (const [g, st] of stats) {
    const own = groupFiles(
      g,
      st,
      users.filter(u => u.group === g),
      shmMapped(g)
    )
    files.push(...own.files)
    charged += own.files.reduce((n, f) => n + Number(f.size), 0)
    if (own.text > 0) textIn.set(g, own.text)
  }
  const maxText = Math.max(1, ...users.map(u => u.rssFile - u.data))
  const inGroups = [...textIn.values()].reduce((a, b) => a + b, 0)
  const rootText = Math.max(1, maxText - inGroups)
  files.unshift({ path: '/usr/lib/hog-text', size: rootText, cached: rootText, memcg: '/' })
  const vmas = new Map<number, VmaSpec[]>()
  for (const u of users) vmas.set(u.pid, userVmas(u, rootText, textIn))
  return { files, vmas, charged }
}

/** A process's text (root part first, then a group's) and data mappings. */
function userVmas(u: FileUser, rootText: number, textIn: ReadonlyMap<string, number>): VmaSpec[] {
  const out: VmaSpec[] = []
  const text = u.rssFile - u.data
  const fromRoot = Math.min(text, rootText)
  const map = (name: string, file: string, n: number, referenced: boolean): void => {
    if (n <= 0) return
    const v: VmaSpec = { name, size: n, resident: n, kind: 'file', file }
    if (!referenced) v.referenced = false
    out.push(v)
  }
  map('text', '/usr/lib/hog-text', fromRoot, true)
  const group = textIn.has(u.group) ? u.group : [...textIn.keys()][0]
  if (group !== undefined) map('text-memcg', `/usr/lib/hog-text${group}`, text - fromRoot, false)
  map('data', `/data/${u.pid}`, u.data, false)
  return out
}

/**
 * What the case cgroup had charged at the snapshot for memory in use, in pages: its usage less
 * the per-CPU precharge ("stock", up to MEMCG_CHARGE_BATCH = 64 pages per CPU), which 6.18
 * try_charge_memcg() hands back (drain_all_stock()) before it reclaims or OOMs, so it never
 * stands in a grower's way. v1: total_rss + total_cache + memory.kmem.usage_in_bytes; v2: the
 * subtree's anon + file + kernel. Null when the files do not say it.
 */
export function chargedPages(run: CaseRun): number | null {
  const text = run.snapshot.memcgStats?.[run.memcgPath]
  if (text === undefined) return null
  const kv = parseKeyed(text)
  const v1 = run.snapshot.cgroupVersion === 1
  const parts = v1 ? [kv.total_rss, kv.total_cache] : [kv.anon, kv.file, kv.kernel]
  if (parts.some(n => n === undefined)) return null
  const kmem = v1 ? run.snapshot.kmemPages : 0
  if (kmem === undefined) return null
  return parts.reduce((n: number, b) => n + pages(b!), 0) + kmem
}
