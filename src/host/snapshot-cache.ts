/**
 * @module The page cache and tmpfs pages a memory cgroup is charged for that no written process
 * accounts for, from the group's own memory.stat, as scenario files owned by the group: the
 * kernel charges page cache to the memcg of the task that read it in (filemap_add_folio() ->
 * mem_cgroup_charge()) and shmem/tmpfs pages to the memcg of the task that wrote them
 * (shmem_add_to_page_cache()), mapped or not; the simulator must charge them too, or a grower
 * gets room the kernel did not give it. What the listed processes show as rss_file/rss_shmem is
 * already written (and charged) with them, so only the remainder goes here; the active list's
 * share of the remainder starts active.
 *
 * Units: memory.stat is bytes; the scenario gets page counts.
 */
import type { ScenarioFile as Scenario } from '../sim/schema.ts'
import type { MemcgReading } from '../adapters/proc/host-source.ts'
import type { ProcessSample } from './scan.ts'
import { kbToPages } from './host-state.ts'
import { split, type RootShare } from './snapshot-charges.ts'

type FileSpec = NonNullable<Scenario['files']>[number]

const pages = (bytes: number): number => Math.floor(bytes / 4096)

/** What the processes of one group map and the group holds (less the root share of each,
 * snapshot-charges.ts): rss_file and rss_shmem pages. */
export function mappedInGroup(procs: readonly ProcessSample[], root: RootShare): RootShare {
  let file = 0
  let shmem = 0
  for (const p of procs) {
    if (p.vforkParent !== null) continue // the parent's mm, counted with the parent
    file += split(kbToPages(p.rssFileKb), root.file).group
    shmem += split(kbToPages(p.rssShmemKb), root.shmem).group
  }
  return { file, shmem }
}

/**
 * The files for group `g` (scenario path `path`) whose written processes are `procs`: its page
 * cache and its tmpfs/shmem pages beyond what those processes map. None without memory.stat.
 */
export function cgroupCacheFiles(
  g: MemcgReading,
  path: string,
  procs: readonly ProcessSample[],
  root: RootShare = { file: 0, shmem: 0 }
): FileSpec[] {
  if (g.stat === null) return []
  const st = g.stat
  const mapped = mappedInGroup(procs, root)
  const out: FileSpec[] = []
  const cache = Math.max(0, pages(st.fileBytes - st.shmemBytes) - mapped.file)
  if (cache > 0) {
    const file: FileSpec = { path: `/host/memcg${path}/page-cache`, size: cache, cached: cache }
    const active = Math.min(cache, pages(st.activeFileBytes))
    if (active > 0) file.active = active
    file.memcg = path
    out.push(file)
  }
  const tmpfs = Math.max(0, pages(st.shmemBytes) - mapped.shmem)
  if (tmpfs > 0) {
    out.push({ path: `/host/memcg${path}/tmpfs`, size: tmpfs, fs: 'tmpfs', memcg: path })
  }
  return out
}
