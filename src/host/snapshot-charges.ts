/**
 * @module Where the file and shmem pages a group's processes map are charged. The kernel charges a
 * page cache or tmpfs folio once, to the memcg of the task that brought it in (6.18
 * filemap_add_folio() / shmem_add_to_page_cache() -> mem_cgroup_charge()), and a later mapper in
 * another group does not move it: a binary on the initramfs tmpfs was charged to the root when
 * the initramfs was unpacked, so the processes of a group show it as rss_shmem while the group's
 * memory.stat holds none of it (the QEMU 6.1 guest's seed 31: ~210 pages per process). So what a
 * group's processes map beyond what its own memory.stat counts belongs to an ancestor: the root.
 *
 * The split per process: every process maps the first R pages of its rss_file (rss_shmem) from
 * one root-charged file, the rest is its own page cache charged to its group, with R the
 * smallest value that keeps the group's charge, summed over its processes, within what its
 * memory.stat holds mapped. A group without memory.stat keeps everything (R = 0).
 *
 * Units: pages.
 */
import type { MemcgReading, MemcgStatReading } from '../adapters/proc/host-source.ts'
import type { ProcessSample } from './scan.ts'
import { kbToPages } from './host-state.ts'

/** One process's mapped pages of one kind (file or shmem). */
export interface MappedSplit {
  /** Mapped from the root-charged file. */
  root: number
  /** Its own page cache, charged to its group. */
  group: number
}

const pages = (bytes: number): number => Math.floor(bytes / 4096)

/** The root-charged files the root shares map. */
export const ROOT_FILE = '/host/root-mapped/file'
export const ROOT_SHMEM = '/host/root-mapped/shmem'

/** A group's root shares (pages of each process's rss_file / rss_shmem). */
export interface RootShare {
  file: number
  shmem: number
}

/** The smallest R with sum(max(0, m - R)) <= hold. */
export function rootShare(mapped: readonly number[], hold: number): number {
  const over = (r: number): number => mapped.reduce((n, m) => n + Math.max(0, m - r), 0)
  if (over(0) <= hold) return 0
  let lo = 0
  let hi = Math.max(...mapped)
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (over(mid) <= hold) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** What a group's memory.stat holds mapped: shmem (at most what is mapped at all), then disk
 * pages (mapped_file / file_mapped counts shmem too, 6.18 NR_FILE_MAPPED). */
function heldMapped(st: MemcgStatReading, groupShmem: number): { shmem: number; file: number } {
  const mapped = pages(st.fileMappedBytes)
  const shmem = Math.min(pages(st.shmemBytes), mapped)
  return { shmem, file: Math.max(0, mapped - Math.min(groupShmem, shmem)) }
}

/** The root share of rss_file and rss_shmem for a group whose processes map `file`/`shmem`. */
export function groupRootShares(
  st: MemcgStatReading | null,
  file: readonly number[],
  shmem: readonly number[]
): { file: number; shmem: number } {
  if (st === null) return { file: 0, shmem: 0 }
  const rShmem = rootShare(shmem, Math.min(pages(st.shmemBytes), pages(st.fileMappedBytes)))
  const inGroup = shmem.reduce((n, m) => n + Math.max(0, m - rShmem), 0)
  return { file: rootShare(file, heldMapped(st, inGroup).file), shmem: rShmem }
}

/** One process's split under a group's root share. */
export const split = (mapped: number, root: number): MappedSplit => ({
  root: Math.min(mapped, root),
  group: Math.max(0, mapped - root)
})

/** The root share of each written group (by host path) that has a memory.stat. */
export function rootShares(
  groups: readonly MemcgReading[],
  procs: readonly ProcessSample[]
): Map<string, { file: number; shmem: number }> {
  const out = new Map<string, { file: number; shmem: number }>()
  for (const g of groups) {
    const members = procs.filter(p => p.memcg === g.path && p.vforkParent === null)
    if (g.stat === null || members.length === 0) continue
    const file = members.map(p => kbToPages(p.rssFileKb))
    const shmem = members.map(p => kbToPages(p.rssShmemKb))
    const r = groupRootShares(g.stat, file, shmem)
    if (r.file > 0 || r.shmem > 0) out.set(g.path, r)
  }
  return out
}
