/**
 * @module The shape of a kernel profile: named groups of behaviour flags (badness, oomScore,
 * select, outOfMemory, kill, reaper, alloc) and output formats, and `variant()` for a distro
 * kernel with backports. Each flag's comment names the kernel function and the versions it
 * follows (facts from ../shared/docs/kernel-oom-reference.md).
 */

/** oom_badness() shape. */
export interface BadnessRules {
  /**
   * 'scaled1000': 2.6.36–3.4, points normalised to 0..1000 and clamped (min 1).
   * 'pagesClamped': ~3.5–5.8, pages + adj*(totalpages/1000), result <= 0 becomes 1, 0 = ineligible.
   * 'pagesSigned': >= 5.9 (and 5.4.195+), no clamp, LONG_MIN = ineligible.
   * 'totalVm': <= 2.6.35 badness() (oom-badness-legacy.ts); explain only, not simulated.
   */
  form: 'totalVm' | 'scaled1000' | 'pagesClamped' | 'pagesSigned'
  /** Root bonus: 'minus30' (2.6.36–3.4, 0..1000 form), 'adjMinus30' (3.10.0–3.10.28, 3.13.0:
   * adj -= 30 before adj *= totalpages/1000), 'threePercent' (3.14 and 3.10.33+/3.13.y stable
   * to 4.18: 3% of the task's pages), 'none' (>= 4.19). */
  rootBonus: 'minus30' | 'adjMinus30' | 'threePercent' | 'none'
  /** Page-table term: 3.x nr_ptes; 4.0–4.14 nr_ptes + nr_pmds; >= 4.15 pgtables_bytes/PAGE_SIZE. */
  pgtableTerm: 'nrPtes' | 'nrPtesPmds' | 'pgtablesBytes'
  /** >= 4.9: MMF_OOM_SKIP or in_vfork() make a task ineligible. */
  skipOomSkipAndVfork: boolean
  /** MM_SHMEMPAGES exists (>= 4.5); before, shmem pages count as file pages. */
  shmemCounter: boolean
}

/** /proc/<pid>/oom_score. */
export interface OomScoreRules {
  /**
   * 'badness': prints the 0..1000 badness (2.6.36–3.4).
   * 'scaled': badness*1000/totalpages, unsigned (3.5–5.8).
   * 'signedTwoThirds': (1000 + badness*1000/totalpages) * 2 / 3, signed division (>= 5.9).
   */
  form: 'badness' | 'scaled' | 'signedTwoThirds'
  /** oom_score_adj writes propagate to other processes sharing the mm:
   * 'none' (3.x), 'usersGtThreads' (4.8–5.9), 'multiprocessFlag' (>= 5.10). */
  adjPropagation: 'none' | 'usersGtThreads' | 'multiprocessFlag'
  /** oom_adj_write() / oom_score_adj_write(), <= 4.6: a target whose task->mm is NULL (kernel
   * thread, leader past exit_mm) is refused with EINVAL; >= 4.7 the check is gone. */
  writeNeedsMm?: boolean
  /** oom_adj_read() caps the value at OOM_ADJUST_MAX (>= 5.10); before, oom_score_adj 942..999
   * reads 16. */
  oomAdjReadCapped?: boolean
}

/** select_bad_process() / oom_evaluate_task(). */
export interface SelectRules {
  /** 3.x oom_scan_process_thread walked every thread and aborted on an exiting task. */
  scan: 'threads' | 'processes'
  /** select_bad_process() on an equal score: 'firstWins' (rhel6, 3.10: strict '>'),
   * 'keepLeader' (3.14–5.2: prefer thread-group leaders), 'lastWins' (>= 5.3). */
  tie: 'firstWins' | 'keepLeader' | 'lastWins'
  /** <= 5.2: oom_unkillable_task also checks memcg membership and mems intersection;
   * >= 5.3 uses oom_cpuset_eligible() for non-memcg OOMs instead. */
  unkillableChecksMemcgAndMems: boolean
  /** <= 5.2: chosen_points rescaled to 0..1000 after the scan (for the sacrifice-child line). */
  scaleChosenPoints: boolean
  /** Per-node page count used for cpuset/mempolicy totalpages: spanned (<= 5.3), present (>= 5.7). */
  nodePages: 'spanned' | 'present'
}

/** out_of_memory(). */
export interface OutOfMemoryRules {
  /** >= 5.17: a sysrq OOM ignores the notifier chain's "freed" return. */
  notifierSkipsSysrq: boolean
  /** The !__GFP_FS rule: 'gfpNonZero' (<= 6.1: gfp 0 passes), 'always' (>= 6.6). */
  nofsCheck: 'gfpNonZero' | 'always'
  /** >= 5.4: memcg OOMs are exempt from the !__GFP_FS rule. Also true for 3.x, whose
   * mem_cgroup_out_of_memory() never ran it; 4.x memcg OOMs go through out_of_memory(). */
  nofsMemcgExempt: boolean
  /** No killable task: 'panicNoKillable' (<= 4.18: panic("Out of memory and no killable
   * processes...")), 'warnThenDeadlock' (>= 4.19: pr_warn then panic("System is deadlocked
   * on memory")). */
  noKillable: 'panicNoKillable' | 'warnThenDeadlock'
  /** oom_kill_allocating_task also requires cpuset eligibility (>= 5.3). */
  allocatingTaskCpusetCheck: boolean
  /** How "already exiting" is judged for current (out_of_memory) and for the chosen victim
   * (oom_kill_process): 'pfExiting' (3.x: fatal signal pending or PF_EXITING for current,
   * PF_EXITING for the victim; only TIF_MEMDIE is set) or 'taskWillFreeMem' (>= 4.8:
   * task_will_free_mem(), mark_oom_victim + reaper); 'fatalSignalOnly' (2.6.32-642: current
   * only on fatal_signal_pending(); select_bad_process() chooses a PF_EXITING current with 1000
   * points and aborts on any other PF_EXITING task). */
  exitingCheck: 'fatalSignalOnly' | 'pfExiting' | 'taskWillFreeMem'
  /** is_sysrq_oom() special cases (4.x+): no panic_on_oom panic and no "no killable processes"
   * panic for a sysrq OOM, and "OOM request ignored. No task eligible". 3.x: sysrq panics too. */
  sysrqExempt: boolean
}

/** oom_kill_process() / __oom_kill_process(). */
export interface KillRules {
  /** <= 5.0: "Kill process ... or sacrifice child" and the prefer-children heuristic. */
  sacrificeChild: boolean
  /** Format of the sacrifice line's score: 3.x '%d' (signed int), later '%u' (unsigned int). */
  sacrificeScoreSigned?: boolean
  /** 'sharingSameMemoryLineAll' (2.6.32-642 oom_kill_task(): every sharer, no exception);
   * 3.x: "Kill process %d (%s) sharing same memory" per sharer, skipping adj -1000;
   * >= 4.15-ish: silent SIGKILL, init pins the mm ("has mm pinned by"). */
  sharers: 'sharingSameMemoryLineAll' | 'sharingSameMemoryLine' | 'initPins'
  /** >= 5.9: "OOM victim %d (%s) is already exiting. Skip killing the task". */
  alreadyExitingLine: boolean
  /** >= 4.19: memory.oom.group (cgroup v2). */
  oomGroup: boolean
  /** >= 5.17: MEMCG_OOM_GROUP_KILL event. */
  oomGroupKillEvent: boolean
  /** >= 4.13: /proc/vmstat oom_kill counter. */
  vmOomKillCounter: boolean
}

/** The oom_reaper kthread (>= 4.6). */
export interface ReaperRules {
  present: boolean
  /** >= 5.18 (and backports): queue after OOM_REAPER_DELAY = 2 s. */
  delayMs: number
  /** Which VMAs are skipped: <= 6.0 VM_LOCKED|VM_HUGETLB|VM_PFNMAP; >= 6.1 VM_HUGETLB|VM_PFNMAP. */
  reapsMlocked: boolean
  /** Walk order: forward (<= 6.13) or reverse over the maple tree (6.18). */
  walk: 'forward' | 'reverse'
  /** After "unable to reap": 'locksOnly' (4.9–5.8, 5.4.y: debug_show_all_locks() only, empty
   * without lockdep) or 'taskAndLocks' (>= 5.9: sched_show_task() first). */
  unableToReapDump: 'locksOnly' | 'taskAndLocks'
}

/** Page allocator / reclaim behaviour that the simulator follows. */
export interface AllocRules {
  /** Watermarks: 'classic' (<= 4.5: low=min+tmp/4, high=min+tmp/2) or 'scaleFactor' (>= 4.6). */
  watermarks: 'classic' | 'scaleFactor'
  /** >= 6.1: WMARK_PROMO = high + delta. */
  promoWatermark: boolean
  /** >= 5.0: watermark_boost_factor. */
  watermarkBoost: boolean
  /** min_free_kbytes clamp upper bound: 65536 (<= 5.3) or 262144 (>= 5.7). */
  minFreeKbytesMax: number
  /** Default lowmem_reserve_ratio for DMA, DMA32, NORMAL, HIGHMEM, MOVABLE. */
  lowmemReserveRatio: readonly number[]
  /** __alloc_pages_slowpath()'s retry rule: 'shouldAllocRetry' (2.6.32–4.6: OOM only after a
   * reclaim pass without progress and only for __GFP_FS && !__GFP_NORETRY, retry forever for
   * order <= PAGE_ALLOC_COSTLY_ORDER with wait_iff_congested(), TIF_MEMDIE through
   * __alloc_pages_high_priority(); page-alloc-legacy.ts) or 'shouldReclaimRetry' (>= 4.7:
   * MAX_RECLAIM_RETRIES no-progress loops, should_compact_retry(), ALLOC_OOM reserves; its
   * writeback throttle is congestion_wait() to 5.15, reclaim_throttle() after, same effect). */
  slowPath: 'shouldAllocRetry' | 'shouldReclaimRetry'
  /** 3.x: __GFP_NOFAIL bypasses the costly/lowmem/THISNODE gates of __alloc_pages_may_oom. */
  nofailBypassesGates: boolean
  /** Scoped GFP contexts: 'none' (2.6.32-642), 'noio' (3.9–4.11 memalloc_noio_save()),
   * 'noioNofs' (>= 4.12 memalloc_nofs_save() and current_gfp_context()). */
  scopedGfp: 'none' | 'noio' | 'noioNofs'
  /** One OOM kill at a time: 'zonelistBit' (<= 4.1 try_set_zonelist_oom(), ZONE_OOM_LOCKED per
   * zone of the zonelist) or 'mutex' (>= 4.2 oom_lock). Read by the 3.x slow path. */
  oomLock: 'zonelistBit' | 'mutex'
  /** VM_FAULT_OOM handling: 'globalOom' (<= 5.15) or 'retryFault' (>= 5.16: "Huh VM_FAULT_OOM
   * leaked out to the #PF handler. Retrying PF"). */
  pagefaultOom: 'globalOom' | 'retryFault'
  /** memcg charge failure: 'chargePath' (<= 3.11 and 2.6.32-642: __mem_cgroup_try_charge() ->
   * mem_cgroup_handle_oom() -> mem_cgroup_out_of_memory() inside the charge), 'deferredToFaultEnd'
   * (3.12–4.18: mem_cgroup_oom_synchronize() from pagefault_out_of_memory()) or 'synchronous'
   * (>= 4.19: mem_cgroup_out_of_memory() from try_charge()). */
  memcgCharge: 'chargePath' | 'deferredToFaultEnd' | 'synchronous'
  /** try_charge(): MEM_CGROUP_RECLAIM_RETRIES 5 (<= 5.8) or MAX_RECLAIM_RETRIES 16 (>= 5.9, "mm,
   * memcg: unify reclaim retry limits with page allocator"; not in 5.4.y). */
  memcgReclaimRetries: number
  /** OVERCOMMIT_GUESS: 'heuristic' (<= 5.0) or 'totalOnly' (>= 5.2). */
  overcommitGuess: 'heuristic' | 'totalOnly'
  /** The pr_warn_ratelimited() of a refused __vm_enough_memory() (mm/util.c): 'none' (6.1.20
   * and older), 'plain' ("%s: pid: %d, comm: %s, not enough memory for the allocation", 6.6.9)
   * or 'withBytes' (the same with "bytes: %lu" before "not enough", 6.11.11, 6.18.2). */
  vmEnoughMemoryMessage: 'none' | 'plain' | 'withBytes'
  /** setup_per_zone_lowmem_reserve(): an empty upper zone gets reserve 0 (6.11.11) instead of
   * repeating the running sum (5.10.44 .. 6.6.9, and again 6.18.2). */
  lowmemReserveEmptyZero: boolean
  /** The LRU a newly faulted anonymous page joins: 'active' (lru_cache_add_active_or_unevictable,
   * < 5.9) or 'inactive' (do_anonymous_page() -> lru_cache_add_inactive_or_unevictable, >= 5.9). */
  newAnonLru: 'active' | 'inactive'
  /** gfp of a page-table page (pte_alloc_one / __pte_alloc_one), as flag names:
   * x86 PGALLOC_GFP / GFP_PGTABLE_USER; >= 6.6 pagetable_alloc() adds __GFP_COMP. */
  pgtableGfp: readonly string[]
  /** gfp of an anonymous fault page: GFP_HIGHUSER_MOVABLE (<= 6.0), folio __GFP_COMP (6.1),
   * x86 alloc_zeroed_user_highpage_movable() __GFP_ZERO (seen on 6.1.176),
   * vma_alloc_zeroed_movable_folio() (>= 6.6). */
  anonFaultGfp: readonly string[]
  /** should_compact_retry(): 'none' (<= 4.6: the slow path compacts async before reclaim and
   * sync after it, once each, page-alloc-legacy.ts) or 'priorities' (4.7+: after reclaim
   * progress, retry at compaction priorities ASYNC..SYNC_FULL up to MAX_COMPACT_RETRIES;
   * compaction-retry.ts). */
  compactRetry: 'none' | 'priorities'
  /** lru_gen_age_node() calls out_of_memory() from kswapd when no lruvec's oldest generation is
   * older than lru_gen/min_ttl_ms (multi-gen LRU, 6.1+; lru-gen-age.ts). */
  lruGenMinTtl: boolean
  /** Android's staging lowmemorykiller shrinker (vendor kernels; lowmemorykiller.ts): kills by
   * oom_score_adj against the lowmem_minfree/lowmem_adj thresholds whenever reclaim runs. */
  lowmemorykiller: boolean
  /** global_dirtyable_memory() counts the anon LRU while swap is free (<= 3.13:
   * global_reclaimable_pages()); >= 3.14 only free and file pages. */
  dirtyableAnon: boolean
  /** Order-0 pages through the per-CPU lists: 'parked' (a scenario's fixed count, as before) or
   * 'allocFactor' (6.7+ nr_pcp_alloc() batch << alloc_factor refills, pcp-lists.ts). */
  pcpRefill: 'parked' | 'allocFactor'
  /** How get_mm_counter() (dump_tasks(), the Killed line, oom_badness()) lags the exact rss
   * counts (mm/rss-stat.ts): 'exact' (< 2.6.34), 'splitTask' (SPLIT_RSS_COUNTING, 2.6.34–6.1:
   * per task, synced every TASK_RSS_EVENTS_THRESH faults), 'percpu' (>= 6.2: percpu_counter,
   * folded per CPU at percpu_counter_batch). */
  rssCounting: 'exact' | 'splitTask' | 'percpu'
  /** /proc/PID/status and statm read get_mm_counter_sum(), the exact split (>= 6.16,
   * fs/proc/task_mmu.c task_mem()); before, the counts get_mm_counter() reads. */
  procRssExact: boolean
}

/** Output formats (printk). */
export interface FormatRules {
  /** "invoked oom-killer" line: '3x' gfp %x only; '4.5' with %pGg; '4.9' nodemask with two
   * spaces before order; '4.15' nodemask=%*pbl; '5.0' no nodemask; 'rhel6' 3x plus oom_adj=%d. */
  header: '3x' | '4.5' | '4.9' | '4.15' | '5.0' | 'rhel6'
  /** warn_alloc() header: 'rhel6Dot' ("failure. order:", 2.6.32-642), 'plain' (3.x, no
   * nodemask), 'nodemask' (>= 4.x: %pGg and nodemask=). */
  allocFailure: 'rhel6Dot' | 'plain' | 'nodemask'
  /** <= 4.20: cpuset_print_current_mems_allowed() line after the header. */
  cpusetLine: boolean
  /** 2.6.32 (rhel6): current's oom_adj in the header and cpu/oom_adj columns in dump_tasks. */
  legacyOomAdj: boolean
  /** dump_stack() banner, 2.6.32: "Pid: %d, comm: %.20s %s %s" (later "CPU: ... PID: ... Comm:"). */
  stackPidCommLine: boolean
  /** dump_tasks layout. */
  tasks: 'rhel6' | '3x' | '4.0' | '4.15' | '4.19' | '6.8'
  /** 3.10 prints nr_ptes with %7lu, other 3.x %7ld (same text for non-negative values). */
  /** Killed line: '3x', '4.5' (+shmem-rss), '5.1' (message prefix), '5.4' (UID, pgtables, adj),
   * 'rhel6' ("Killed process %d, UID %d, (%s) ..."). */
  killed: '3x' | '4.5' | '5.1' | '5.4' | 'rhel6'
  /** >= 5.0: the oom-kill:constraint=... summary line. */
  summaryLine: boolean
  /** Memcg block: 'taskIn' (<= 4.20), 'v5.0' (no "Task in" line), 'v5.3' (memory.stat text). */
  memcgInfo: 'taskIn' | 'v5.0' | 'v5.3'
  /** The <= 5.2 "Memory cgroup stats for %s:" key set: 'none' (2.6.32-642: no stats lines),
   * '3.10' (3.10 mem_cgroup_stat_names: cache rss rss_huge mapped_file swap), '3.13' (+ writeback,
   * seen in 3.13 cadvisor_1.log), 'full' (4.x: + shmem, dirty). */
  memcgStatKeys: 'none' | '3.10' | '3.13' | 'full'
  /** dump_header() of a memcg OOM also prints the global show_mem() after the memcg lines
   * (2.6.36–3.4 and 2.6.32-642, seen in lkml_rhel6memcg_1.log). */
  memcgShowMem: boolean
  /** The v1 "kmem: usage ..." counter line (kernel memory accounting, 3.8+; absent in
   * 2.6.32-642). */
  memcgKmemLine: boolean
  /** Memcg stats text on v1 hierarchies: 'v2keys' (5.3–~6.4) or 'v1keys' (>= 6.6). */
  memcgV1Stat: 'v2keys' | 'v1keys'
  /** 6.18: v2 memory:/swap: failcnt come from memory.events max/swap_max. */
  memcgFailcntFromEvents: boolean
  /** >= 6.12 (absent in 6.11.11): the first write of v1 memory.oom_control (and of
   * soft_limit_in_bytes, kmem.tcp.limit_in_bytes) since boot logs "... is deprecated and will
   * be removed. ..." once (mm/memcontrol-v1.c pr_warn_once(); src/kernel/mm/memcg1-deprecated.ts). */
  memcg1Deprecations?: boolean
  /** show_mem() / show_free_areas() line forms. */
  showMem: ShowMemFormat
  /** <= 5.17: "Swap cache stats: add ..." line. */
  swapCacheStats: boolean
  /** GFP bit layout: '2.6' (2.6.24–2.6.30, __GFP_MOVABLE 0x100000), '3x', '4.5' (4.4–4.9: __GFP_COLD/NOTRACK/OTHER_NODE, GFP_KERNEL 0x24000c0),
   * '4.4' (~4.10–4.18, GFP_KERNEL 0x14000c0), '4.19' (4.19/5.0), '5.2' (5.2–6.3, ATOMIC 0x200), '6.4'. */
  gfpLayout: '2.6' | '3x' | '4.5' | '4.4' | '4.19' | '5.2' | '6.4'
  /** %pGg name table order: 'classic' (<= 6.13) or 'bitOrder' (6.18+). */
  gfpNames: 'classic' | 'bitOrder'
  /** Call trace style: '3x' ([<addr>] fn+off/len), '4.x' (fn+off/len), '6.x' (<TASK> markers,
   * "CPU: n UID: u PID: p Comm:" from 6.10). */
  stack: '3x' | '4x' | '5x' | '6x' | '6.10'
  /** mark_victim tracepoint carries comm and memory (>= 6.9/6.10). */
  markVictimExtended: boolean
  /** drop_caches_sysctl_handler() logs "%s (%d): drop_caches: %d" (3.15+) until bit 4 is
   * written; before, it prints nothing. */
  dropCachesMessage: boolean
}

/** show_mem() / show_free_areas(): which fields the Mem-Info lines carry. */
export interface ShowMemFormat {
  /** 'zoneLru' (3.x show_free_areas(): per-cpu pcp lines, LRU and dirty counters per zone, free
   * on the slab line, no per-node line, no cma/hwpoisoned lines); 'nodeLru' (node-based LRUs,
   * 4.8+: a per-node line, free/free_pcp/free_cma last). */
  layout: 'zoneLru' | 'nodeLru'
  /** NR_UNSTABLE_NFS "unstable:" in the global and node lines (3.x, 4.19; gone by 5.10). */
  unstable: boolean
  /** Where "kernel_stack:" prints: the zone line (4.19) or the node line (5.10+). */
  kernelStack: 'zone' | 'node'
  /** Where "pagetables:" prints: the zone line (<= 5.10) or the node line (6.1+). */
  pagetables: 'zone' | 'node'
  /** NR_SECONDARY_PAGETABLE (6.1+): "sec_pagetables:" in the global line (with bounce, then a
   * kernel_misc_reclaimable line) and the node line. */
  secPagetables: boolean
  /** NR_KERNEL_MISC_RECLAIMABLE: a " kernel_misc_reclaimable:" line before free: in the global
   * block (show_free_areas() 5.15.100; absent in 5.10.44; __show_mem() 6.1+). */
  kernelMiscReclaimable: boolean
  /** The node line's shmem_thp/shmem_pmdmapped/anon_thp print "%s: %lukB" with a space (4.19
   * to 6.1; seen on 5.10); 6.6+ without. */
  thpFieldSpace: boolean
  /** "writeback_tmp:" in the node line (gone in 6.18). */
  writebackTmp: boolean
  /** "Balloon:" at the end of the node line (6.18). */
  balloon: boolean
  /** "boost:" after free in the zone line (6.1+; real 5.10 reports have none). */
  zoneBoost: boolean
  /** "reserved_highatomic:%luKB" in the zone line (5.10+). */
  reservedHighatomic: boolean
  /** "free_highatomic:%luKB" and "zspages:" in the zone line (6.18). */
  freeHighatomic: boolean
  /** 3.x zone line "managed:%lukB" (zone->managed_pages, 3.8+; absent in 2.6.32-642). */
  zoneManaged: boolean
  /** "free_cma:" in the 3.x global counters and zone line (NR_FREE_CMA_PAGES, 3.7+; absent in
   * 2.6.32-642). The node-LRU layouts always print it. */
  freeCma: boolean
  /** Entries of "lowmem_reserve[]:" (MAX_NR_ZONES on x86_64): 4 before ZONE_DEVICE (4.3), 5
   * after. */
  lowmemReserveEntries: 4 | 5
  /** show_mem()'s tail: 'sharedNonShared' (lib/show_mem.c <= 3.11, 2.6.32-642: pages RAM,
   * reserved, shared, non-shared from a pfn walk) or 'highmemMovable' (3.12+, "mm: do not walk
   * all of system memory during show_mem": RAM, HighMem/MovableOnly, reserved from zone counts). */
  pageCounts: 'sharedNonShared' | 'highmemMovable'
  /** hugetlb_show_meminfo() "Node %d hugepages_total=..." lines (absent in 2.6.32-642). */
  hugepagesLines: boolean
}

export interface KernelProfile {
  /** Profile name, e.g. '6.11' or 'rhel6-2.6.32'. */
  readonly name: string
  /** Version this profile stands for, for display and for uname matching. */
  readonly version: string
  readonly description: string
  badness: BadnessRules
  oomScore: OomScoreRules
  select: SelectRules
  outOfMemory: OutOfMemoryRules
  kill: KillRules
  reaper: ReaperRules
  alloc: AllocRules
  format: FormatRules
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] }

/** A profile derived from `base` with some flags changed (a distro kernel with backports). */
export function variant(
  base: KernelProfile,
  changes: DeepPartial<Omit<KernelProfile, 'name' | 'version' | 'description'>> & {
    name: string
    version?: string
    description: string
  }
): KernelProfile {
  const out = structuredClone(base) as KernelProfile & Record<string, unknown>
  for (const [key, value] of Object.entries(changes)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      Object.assign(out[key] as object, value)
    } else {
      ;(out as Record<string, unknown>)[key] = value
    }
  }
  return out
}
