/**
 * @module The guest's file-rss that is no page cache: the vDSO.
 *
 * Every process in the guest shows `RssFile: 4 kB` while the guest's meminfo shows
 * `Active(file): 0 kB` and `Inactive(file): 0 kB` (the initramfs, the hog binary included, is
 * shmem). That page is the vDSO text: its fault handler (6.1 arch/x86/entry/vdso/vma.c,
 * vdso_fault()) hands the generic fault path a page of the kernel image, and do_set_pte()
 * (6.1 mm/memory.c) counts any mapped page that is neither anon nor swap-backed in MM_FILEPAGES.
 * The page is on no LRU, so reclaim can never take it; one page shared by every process.
 *
 * The snapshot format reads `rss.file` as the process's own page cache (reclaimable once
 * unmapped). Left so, the simulator finds a dead victim's text page reclaimable, and that one
 * page of direct-reclaim progress resets kswapd_failures (shrink_node(), 6.1 mm/vmscan.c): the
 * revived kswapd takes the zone's watermark boost off (balance_pgdat()) and the simulated
 * machine gains ~900 pages the guest never had (seed 59 of a full run: the grower reached its
 * second OOM at rss 39345 against the kernel's 38473, the simulator's DMA32 `boost:0kB` against
 * the kernel's `boost:3832kB`).
 *
 * When the guest's file LRUs are empty, the file-rss pages are therefore booted as mappings of
 * one shared unevictable file (`fs: ramfs`: never reclaimed) of the largest file-rss, charged to
 * the root, not as each process's own page cache.
 */
import type { HostReading } from '../../src/host/scan.ts'
import type { ScenarioFile as Scenario } from '../../src/sim/schema.ts'

/** The shared file the vDSO pages are booted from. */
export const VDSO_FILE = '/[vdso]'

/** Are the guest's file LRUs empty at the snapshot (meminfo Active(file) + Inactive(file))? */
export function fileLruEmpty(reading: HostReading): boolean {
  const m = reading.meminfo as Record<string, number | undefined>
  const active = m['Active(file)']
  const inactive = m['Inactive(file)']
  return active !== undefined && inactive !== undefined && active + inactive === 0
}

/**
 * Rewrite each process's `rss.file` as a mapping of the shared unevictable vDSO file when the
 * guest's file LRUs are empty; returns the number of processes rewritten.
 */
export function vdsoFilePages(s: Scenario, reading: HostReading): number {
  if (!fileLruEmpty(reading)) return 0
  const mapped = s.processes.filter(p => Number(p.rss?.file ?? 0) > 0)
  if (mapped.length === 0) return 0
  const pages = Math.max(...mapped.map(p => Number(p.rss!.file)))
  s.files = [...(s.files ?? []), { path: VDSO_FILE, size: pages, cached: pages, fs: 'ramfs' }]
  for (const p of mapped) {
    const file = Number(p.rss!.file)
    const { file: _drop, ...rest } = p.rss!
    p.rss = rest
    p.vmas = [
      ...(p.vmas ?? []),
      { name: '[vdso]', kind: 'file', file: VDSO_FILE, size: file, resident: file }
    ]
  }
  return mapped.length
}
