/**
 * @module The data of one OOM report as the kernel prints it: what dump_header, show_mem,
 * the memcg block, dump_tasks, the oom-kill summary line and the kill lines carry.
 *
 * It is the contract between the engine (which fills it), the printer (which renders it per
 * profile) and the report parser (which recovers it from text), so `render(parse(text))`
 * reproduces the kernel's lines. Types only. Memory is in pages unless a name ends in Kb or
 * Bytes.
 */
import type { UserRegs } from './printk/stack-regs.ts'
import type { Constraint } from './types.ts'

/** One row of dump_tasks, in pages (pgtables in bytes), as printed. */
export interface TaskRow {
  pid: number
  uid: number
  tgid: number
  totalVm: number
  /** get_mm_rss = anon + file + shmem. */
  rss: number
  rssAnon: number
  rssFile: number
  rssShmem: number
  pgtablesBytes: number
  /** nr_ptes / nr_pmds for the 3.x and 4.0–4.14 layouts. */
  nrPtes: number
  nrPmds: number
  swapEnts: number
  oomScoreAdj: number
  comm: string
  /** RHEL6 layout only: the cpu and oom_adj columns. */
  cpu?: number
  oomAdj?: number
}

/** The "invoked oom-killer" line and the stack banner. */
export interface OomTrigger {
  comm: string
  pid: number
  uid: number
  gfpMask: number
  /** -1 for sysrq. */
  order: number
  oomScoreAdj: number
  /** RHEL 6 header only: current's legacy oom_adj (`oom_adj=%d`). */
  oomAdj?: number
  /** Header nodemask (4.9–4.20 forms); null prints "(null)". */
  nodemask: readonly number[] | null
  /** cpuset name of current and its mems_allowed. */
  cpuset: string
  memsAllowed: readonly number[]
}

/** One zone as show_mem prints it (kB unless noted). */
export interface ZoneInfo {
  node: number
  name: string
  freeKb: number
  boostKb: number
  minKb: number
  lowKb: number
  highKb: number
  reservedHighatomicKb: number
  freeHighatomicKb: number
  activeAnonKb: number
  inactiveAnonKb: number
  activeFileKb: number
  inactiveFileKb: number
  unevictableKb: number
  writependingKb: number
  zspagesKb: number
  presentKb: number
  managedKb: number
  mlockedKb: number
  bounceKb: number
  freePcpKb: number
  localPcpKb: number
  freeCmaKb: number
  /** 4.19 zone line carries these two. */
  kernelStackKb: number
  pagetablesKb: number
  /** lowmem_reserve[] in pages, one per zone index. */
  lowmemReserve: number[]
  /** Buddy free lists: count of free blocks per order 0..10 and the migratetype letters. */
  buddy: { count: number; types: string }[]
  /** 3.x zone line extras (kB unless noted) and the per-cpu pageset lines. */
  legacy?: ZoneLegacyInfo
}

/** Fields only the 3.x show_mem zone line and its "per-cpu:" block print. */
export interface ZoneLegacyInfo {
  isolatedAnonKb: number
  isolatedFileKb: number
  dirtyKb: number
  writebackKb: number
  mappedKb: number
  shmemKb: number
  slabReclaimableKb: number
  slabUnreclaimableKb: number
  unstableKb: number
  writebackTmpKb: number
  /** pages_scanned (a page count). */
  pagesScanned: number
  allUnreclaimable: boolean
  /** "CPU %4d: hi:%5d, btch:%4d usd:%4d" rows under "Node %d %s per-cpu:". */
  pcp: { cpu: number; high: number; batch: number; count: number }[]
}

/** Per-node line of show_mem (kB). */
export interface NodeMemInfo {
  node: number
  activeAnonKb: number
  inactiveAnonKb: number
  activeFileKb: number
  inactiveFileKb: number
  unevictableKb: number
  isolatedAnonKb: number
  isolatedFileKb: number
  mappedKb: number
  dirtyKb: number
  writebackKb: number
  shmemKb: number
  shmemThpKb: number
  shmemPmdmappedKb: number
  anonThpKb: number
  writebackTmpKb: number
  kernelStackKb: number
  pagetablesKb: number
  secPagetablesKb: number
  allUnreclaimable: boolean
  hugepages: { total: number; free: number; surp: number; sizeKb: number }[]
}

/** The whole Mem-Info block (global OOMs). Global counters in pages. */
export interface ShowMem {
  activeAnon: number
  inactiveAnon: number
  isolatedAnon: number
  activeFile: number
  inactiveFile: number
  isolatedFile: number
  unevictable: number
  dirty: number
  writeback: number
  slabReclaimable: number
  slabUnreclaimable: number
  mapped: number
  shmem: number
  pagetables: number
  secPagetables: number
  bounce: number
  kernelMiscReclaimable: number
  free: number
  freePcp: number
  freeCma: number
  nodes: NodeMemInfo[]
  zones: ZoneInfo[]
  totalPagecache: number
  swapCache: number
  freeSwapKb: number
  totalSwapKb: number
  pagesRam: number
  pagesHighmemMovable: number
  pagesReserved: number
  /** 2.6.32–3.11 show_mem() pfn walk: extra references of shared pages, pages with one. */
  pagesShared?: number
  pagesNonShared?: number
  pagesCmaReserved: number
  pagesHwpoisoned: number
  /** Build switches (THP, hugetlb, CMA, ...); defaults: all on except the swap cache stats. */
  config?: ShowMemConfig
  /** NR_UNSTABLE_NFS pages: the "unstable:" field of the <= 5.7 global line. */
  unstable?: number
  /** 6.12+: NR_BALLOON_PAGES in the node line (kB). */
  balloonKb?: number
}

/** The memcg block (memcg OOMs), in kB except the stat values (as memory.stat prints them). */
export interface MemcgInfo {
  /** The OOMing memcg and the victim's memcg (<= 4.20 "Task in ... killed as a result of"). */
  oomMemcg: string
  taskMemcg: string | null
  memory: MemcgCounter
  /** v1: memory+swap and kmem lines; v2: swap line. */
  memsw?: MemcgCounter
  kmem?: MemcgCounter
  swap?: MemcgCounter
  /** "Memory cgroup stats for <path>:" blocks, each key value in print order. Values above
   * 2^53 (hierarchical_memsw_limit 9223372036854771712) may be bigint to print exactly. */
  stats: { path: string; entries: [string, number | bigint][] }[]
}

/** One `%s: usage %llukB, limit %llukB, failcnt %lu` counter. "Unlimited" limits can exceed
 * 2^53 (3.x res_counter: 18014398509481983 kB), so usage/limit may be bigint to print exactly. */
export interface MemcgCounter {
  usageKb: number | bigint
  limitKb: number | bigint
  failcnt: number
}

/** The "Killed process" line and its victim. */
export interface KilledInfo {
  /** Message prefix passed to oom_kill_process ("Out of memory", "Memory cgroup out of memory",
   * "Out of memory (oom_kill_allocating_task)"). */
  message: string
  pid: number
  comm: string
  totalVmKb: number
  anonRssKb: number
  fileRssKb: number
  shmemRssKb: number
  uid: number
  pgtablesKb: number
  oomScoreAdj: number
}

/** Everything one OOM invocation printed, in print order when rendered. */
export interface OomReportData {
  trigger: OomTrigger
  /** Kernel release for the stack banner ("6.11.0-...") and the hardware name, if known. */
  kernelRelease: string
  hardware: string | null
  cpu: number
  constraint: Constraint
  /** Summary-line nodemask (null unless CONSTRAINT_MEMORY_POLICY). */
  nodemask: readonly number[] | null
  /** Global OOM memory state, or the memcg block for memcg OOMs. */
  showMem: ShowMem | null
  memcgInfo: MemcgInfo | null
  /** dump_tasks rows, or null when oom_dump_tasks = 0. */
  tasks: TaskRow[] | null
  /** The OOMing memcg path for memcg OOMs ("oom_memcg="), null for global. */
  oomMemcg: string | null
  /** The chosen task (summary line), null when none was killable. */
  victim: { pid: number; comm: string; uid: number; memcg: string } | null
  /** "Kill process %d (%s) score %u or sacrifice child" (<= 5.0). */
  sacrifice: { pid: number; comm: string; score: number } | null
  killed: KilledInfo | null
  /** dump_stack() details; the printer picks a plausible default per path when absent. */
  stack?: StackInfo
  /** dump_unreclaimable_slab() rows (>= 4.15, global OOMs whose unreclaimable slab exceeds the
   * LRU pages), printed after show_mem; absent or empty prints nothing. */
  unreclaimableSlab?: { name: string; usedKb: number; totalKb: number }[]
  /** memory.oom.group (>= 4.19): the group path and every "Killed process" printed for it
   * after the victim's own line (the victim may appear again, as real kernels print it). */
  oomGroup?: { path: string; kills: KilledInfo[] }
  /** The report ends in panic(): panic_on_oom (1 system-wide, 2 compulsory) after dump_header,
   * or nothing killable on a global non-sysrq OOM. */
  panic?: { reason: 'panicOnOom'; value: 1 | 2 } | { reason: 'noKillable' }
  /** False for a sysrq/memcg OOM with no victim where <= 4.18 prints nothing after the table;
   * default true: with no victim, >= 4.19 warns "Out of memory and no killable processes...". */
  warnNoKillable?: boolean
}

/** What dump_stack() shows: banner details and the call chain (innermost first). */
export interface StackInfo {
  /** Which path reached the OOM killer; picks the default call chain. */
  path?: 'alloc' | 'memcg' | 'pagefault' | 'sysrq'
  /** Function names, innermost first (dump_stack_lvl ... asm_exc_page_fault). */
  calls?: readonly string[]
  /** "Not tainted" (default) or e.g. "Tainted: G           O". */
  taint?: string
  /** utsname version after the release: "#1" (default), "#1 PREEMPT(none) ", "#72-Ubuntu". */
  build?: string
  /** User registers saved at the faulting instruction, when the scenario recorded them. */
  regs?: UserRegs
}

/** Build-configuration switches that decide which show_mem lines/fields exist. */
export interface ShowMemConfig {
  /** CONFIG_TRANSPARENT_HUGEPAGE: shmem_thp/shmem_pmdmapped/anon_thp in the node line. */
  thp?: boolean
  /** CONFIG_HUGETLB_PAGE: the per-node hugepages lines (from `NodeMemInfo.hugepages`). */
  hugetlb?: boolean
  /** CONFIG_CMA: "%lu pages cma reserved". */
  cma?: boolean
  /** CONFIG_MEMORY_FAILURE: "%lu pages hwpoisoned". */
  memoryFailure?: boolean
  /** CONFIG_NUMA: zone lines prefixed "Node %d " (default true). */
  numa?: boolean
  /** "Swap cache stats: add %lu, delete %lu, find %lu/%lu" values (<= 5.17 layouts). */
  swapCacheStats?: { add: number; delete: number; findSuccess: number; findTotal: number }
}
