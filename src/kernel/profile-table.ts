/**
 * @module The built-in kernel profiles (rhel6, 3.10 ... 6.18), each a variant of an older one
 * with the flags that changed. A declarative table.
 */
import {
  showMem3x,
  showMem3_10_0,
  showMemRhel6,
  showMem4_19,
  showMem5_10,
  showMem5_15,
  showMem6_1,
  showMem6_18,
  showMem6_6
} from './profile-show-mem.ts'
import { variant, type KernelProfile } from './profile-types.ts'

const v3_10: KernelProfile = {
  name: '3.10',
  version: '3.10.0',
  description:
    'Linux 3.10 stable / CentOS-RHEL 7 (3.14 backports): nr_ptes table, sacrifice child, no reaper',
  badness: {
    form: 'pagesClamped',
    // oom_badness(), 3.10.33+ stable, el7, 3.13.y: 3% of the task's pages ('3.10.0' has adj-30).
    rootBonus: 'threePercent',
    pgtableTerm: 'nrPtes',
    skipOomSkipAndVfork: false,
    shmemCounter: false
  },
  oomScore: {
    form: 'scaled',
    adjPropagation: 'none',
    writeNeedsMm: true,
    oomAdjReadCapped: false
  },
  select: {
    scan: 'threads',
    // select_bad_process(), el7-693 (monocular_1.log): a tie replaces a non-leader thread.
    tie: 'keepLeader',
    unkillableChecksMemcgAndMems: true,
    scaleChosenPoints: true,
    nodePages: 'spanned'
  },
  outOfMemory: {
    notifierSkipsSysrq: false,
    nofsCheck: 'gfpNonZero',
    // 3.x: mem_cgroup_out_of_memory() is a separate path with no __GFP_FS test.
    nofsMemcgExempt: true,
    noKillable: 'panicNoKillable',
    allocatingTaskCpusetCheck: false,
    exitingCheck: 'pfExiting',
    sysrqExempt: false
  },
  kill: {
    sacrificeChild: true,
    sacrificeScoreSigned: true,
    sharers: 'sharingSameMemoryLine',
    alreadyExitingLine: false,
    oomGroup: false,
    oomGroupKillEvent: false,
    vmOomKillCounter: false
  },
  reaper: {
    present: false,
    delayMs: 0,
    reapsMlocked: false,
    walk: 'forward',
    unableToReapDump: 'locksOnly'
  },
  alloc: {
    watermarks: 'classic',
    promoWatermark: false,
    watermarkBoost: false,
    minFreeKbytesMax: 65536,
    lowmemReserveRatio: [256, 256, 32, 32, 0],
    // __alloc_pages_slowpath(), 3.10.4 / 3.13: should_alloc_retry() and wait_iff_congested().
    slowPath: 'shouldAllocRetry',
    // memalloc_noio_flags(), 3.10.4 include/linux/sched.h: PF_MEMALLOC_NOIO only.
    scopedGfp: 'noio',
    nofailBypassesGates: true,
    oomLock: 'zonelistBit',
    pagefaultOom: 'globalOom',
    memcgCharge: 'deferredToFaultEnd',
    memcgReclaimRetries: 5,
    overcommitGuess: 'heuristic',
    vmEnoughMemoryMessage: 'none',
    lowmemReserveEmptyZero: false,
    newAnonLru: 'active',
    // PGALLOC_GFP, arch/x86/mm/pgtable.c 3.10.4.
    pgtableGfp: ['GFP_KERNEL', '__GFP_NOTRACK', '__GFP_REPEAT', '__GFP_ZERO'],
    // x86 __alloc_zeroed_user_highpage() 2.6.32-642..5.10.44 (cadvisor_2.log, 3.13: 0x280da).
    anonFaultGfp: ['GFP_HIGHUSER_MOVABLE', '__GFP_ZERO'],
    compactRetry: 'none',
    lruGenMinTtl: false,
    lowmemorykiller: false,
    // global_dirtyable_memory(), 3.10.4: global_reclaimable_pages() includes anon with swap.
    dirtyableAnon: true,
    pcpRefill: 'parked',
    // SPLIT_RSS_COUNTING (3.10 mm/memory.c check_sync_rss_stat()); /proc reads the same counts.
    rssCounting: 'splitTask',
    procRssExact: false
  },
  format: {
    header: '3x',
    allocFailure: 'plain',
    cpusetLine: true,
    legacyOomAdj: false,
    stackPidCommLine: false,
    tasks: '3x',
    killed: '3x',
    summaryLine: false,
    memcgInfo: 'taskIn',
    memcgStatKeys: '3.13',
    memcgShowMem: false,
    memcgKmemLine: true,
    memcgV1Stat: 'v2keys',
    memcgFailcntFromEvents: false,
    showMem: showMem3x,
    swapCacheStats: true,
    gfpLayout: '3x',
    gfpNames: 'classic',
    stack: '3x',
    markVictimExtended: false,
    // drop_caches_sysctl_handler(), 3.10.4 fs/drop_caches.c: no message.
    dropCachesMessage: false
  }
}

const v4_19 = variant(v3_10, {
  name: '4.19',
  version: '4.19.0',
  description: 'Linux 4.19 LTS: pgtables_bytes, Tasks state header, sacrifice child, oom_reaper',
  badness: {
    rootBonus: 'none',
    pgtableTerm: 'pgtablesBytes',
    skipOomSkipAndVfork: true,
    shmemCounter: true
  },
  oomScore: { adjPropagation: 'usersGtThreads', writeNeedsMm: false },
  // oom_evaluate_task(), 4.19: "prefer thread group leaders" (leaders only: the first stays).
  select: { scan: 'processes', tie: 'keepLeader' },
  outOfMemory: {
    nofsMemcgExempt: false,
    noKillable: 'warnThenDeadlock',
    exitingCheck: 'taskWillFreeMem',
    sysrqExempt: true
  },
  kill: {
    sharers: 'initPins',
    sacrificeScoreSigned: false,
    oomGroup: true,
    vmOomKillCounter: true
  },
  reaper: { present: true },
  alloc: {
    watermarks: 'scaleFactor',
    lowmemReserveRatio: [256, 256, 32, 0, 0],
    // __alloc_pages_slowpath(), 4.19.304: should_reclaim_retry() (the 4.7 rework).
    slowPath: 'shouldReclaimRetry',
    // current_gfp_context(), 4.14.177 include/linux/sched/mm.h: NOIO and NOFS scopes.
    scopedGfp: 'noioNofs',
    nofailBypassesGates: false,
    oomLock: 'mutex',
    memcgCharge: 'synchronous',
    pgtableGfp: ['GFP_KERNEL_ACCOUNT', '__GFP_ZERO'],
    // should_compact_retry(), 4.19.304 mm/page_alloc.c: compaction priorities.
    compactRetry: 'priorities',
    // global_dirtyable_memory(), 4.19.304: free - totalreserve + file LRU only.
    dirtyableAnon: false
  },
  format: {
    header: '4.15',
    allocFailure: 'nodemask',
    tasks: '4.19',
    killed: '4.5',
    memcgStatKeys: 'full',
    showMem: showMem4_19,
    gfpLayout: '4.19',
    stack: '4x',
    // drop_caches_sysctl_handler(), 4.19.304: pr_info "%s (%d): drop_caches: %d".
    dropCachesMessage: true
  }
})

const v5_10 = variant(v4_19, {
  name: '5.10',
  version: '5.10.0',
  description: 'Linux 5.10 LTS: signed badness, oom-kill summary line, no sacrifice child',
  badness: { form: 'pagesSigned' },
  oomScore: {
    form: 'signedTwoThirds',
    adjPropagation: 'multiprocessFlag',
    oomAdjReadCapped: true
  },
  select: {
    tie: 'lastWins',
    unkillableChecksMemcgAndMems: false,
    scaleChosenPoints: false,
    nodePages: 'present'
  },
  outOfMemory: { nofsMemcgExempt: true, allocatingTaskCpusetCheck: true },
  kill: { sacrificeChild: false, alreadyExitingLine: true },
  // oom_reap_task(), 5.9.1/5.10.44: sched_show_task() before the lock dump.
  reaper: { unableToReapDump: 'taskAndLocks' },
  alloc: {
    watermarkBoost: true,
    minFreeKbytesMax: 262144,
    overcommitGuess: 'totalOnly',
    newAnonLru: 'inactive',
    memcgReclaimRetries: 16
  },
  format: {
    header: '5.0',
    cpusetLine: false,
    killed: '5.4',
    summaryLine: true,
    memcgInfo: 'v5.3',
    showMem: showMem5_10,
    gfpLayout: '5.2',
    stack: '5x'
  }
})

const v6_1 = variant(v5_10, {
  name: '6.1',
  version: '6.1.0',
  description: 'Linux 6.1 LTS: reaper after 2 s and reaps mlocked memory, pagefault OOM retries',
  outOfMemory: { notifierSkipsSysrq: true },
  kill: { oomGroupKillEvent: true },
  reaper: { delayMs: 2000, reapsMlocked: true },
  alloc: {
    promoWatermark: true,
    pagefaultOom: 'retryFault',
    // do_anonymous_page(), 6.1 x86: alloc_zeroed_user_highpage_movable() is
    // GFP_HIGHUSER_MOVABLE | __GFP_ZERO, and alloc_page_vma() -> vma_alloc_folio() adds
    // __GFP_COMP (Debian 6.1.176 prints gfp_mask=0x140dca).
    anonFaultGfp: ['GFP_HIGHUSER_MOVABLE', '__GFP_COMP', '__GFP_ZERO'],
    // lru_gen_age_node(), 6.1.20 mm/vmscan.c: out_of_memory() when min_ttl_ms cannot be met.
    lruGenMinTtl: true
  },
  format: { showMem: showMem6_1, swapCacheStats: false, stack: '6x' }
})

const v6_6 = variant(v6_1, {
  name: '6.6',
  version: '6.6.0',
  description: 'Linux 6.6 LTS: !__GFP_FS rule without the gfp!=0 guard, v1 memcg stat keys',
  outOfMemory: { nofsCheck: 'always' },
  alloc: {
    // __vm_enough_memory(), 6.6.9: the warning without the byte count.
    vmEnoughMemoryMessage: 'plain',
    pgtableGfp: ['GFP_KERNEL_ACCOUNT', '__GFP_COMP', '__GFP_ZERO'],
    anonFaultGfp: ['GFP_HIGHUSER_MOVABLE', '__GFP_COMP', '__GFP_ZERO'],
    // add_mm_counter() -> percpu_counter_add() since 6.2 (include/linux/mm.h, 6.6.9).
    rssCounting: 'percpu'
  },
  format: { memcgV1Stat: 'v1keys', showMem: showMem6_6, gfpLayout: '6.4' }
})

const v6_11 = variant(v6_6, {
  name: '6.11',
  version: '6.11.0',
  description: 'Linux 6.11: rss_anon/rss_file/rss_shmem task table (6.8+), extended mark_victim',
  // setup_per_zone_lowmem_reserve() 6.11.11: an empty upper zone's slot is 0 (not 6.6.9/6.18.2);
  // __vm_enough_memory() 6.11.11 prints "bytes: %lu".
  alloc: {
    lowmemReserveEmptyZero: true,
    vmEnoughMemoryMessage: 'withBytes',
    pcpRefill: 'allocFactor'
  },
  format: { tasks: '6.8', stack: '6.10', markVictimExtended: true }
})

const v6_18 = variant(v6_11, {
  name: '6.18',
  version: '6.18.0',
  description: 'Linux 6.18: gfp names in bit order, reverse VMA walk in the reaper',
  reaper: { walk: 'reverse' },
  // task_mem(), 6.18.2 fs/proc/task_mmu.c: status and statm read get_mm_counter_sum() (6.16+).
  alloc: { lowmemReserveEmptyZero: false, procRssExact: true },
  format: {
    gfpNames: 'bitOrder',
    memcgFailcntFromEvents: true,
    memcg1Deprecations: true,
    showMem: showMem6_18
  }
})

const v2_6_32_rhel6 = variant(v3_10, {
  name: 'rhel6',
  version: '2.6.32',
  description: 'RHEL 6 (2.6.32 with backports): 0..1000 badness, cpu/oom_adj task columns',
  badness: { form: 'scaled1000', rootBonus: 'minus30' },
  oomScore: { form: 'badness' },
  // select_bad_process(), 2.6.32-642: strict `points > chosen_points`, the first top score wins.
  select: { tie: 'firstWins' },
  // oom_kill_task(), 2.6.32-642: every process sharing the mm, kthreads and OOM_DISABLE too.
  kill: { sharers: 'sharingSameMemoryLineAll' },
  // out_of_memory() / select_bad_process(), 2.6.32-642: see exitingCheck.
  outOfMemory: { exitingCheck: 'fatalSignalOnly' },
  // __mem_cgroup_try_charge() -> mem_cgroup_handle_oom(), 2.6.32-220 (lkml_rhel6memcg_1.log);
  // 2.6.32-642 has no PF_MEMALLOC_NOIO.
  // 2.6.32 predates SPLIT_RSS_COUNTING (2.6.34): atomic counters, exact.
  alloc: { memcgCharge: 'chargePath', scopedGfp: 'none', rssCounting: 'exact' },
  format: {
    tasks: 'rhel6',
    header: 'rhel6',
    killed: 'rhel6',
    allocFailure: 'rhel6Dot',
    legacyOomAdj: true,
    stackPidCommLine: true,
    showMem: showMemRhel6,
    // mem_cgroup_print_oom_info(), 2.6.32-642: the Task in and counter lines only.
    memcgStatKeys: 'none',
    memcgShowMem: true,
    memcgKmemLine: false
  }
})

const v4_14 = variant(v4_19, {
  name: '4.14',
  version: '4.14.0',
  description: 'Linux 4.14 LTS: nr_ptes+nr_pmds table, 3% root bonus, nodemask in the header',
  badness: { rootBonus: 'threePercent', pgtableTerm: 'nrPtesPmds' },
  outOfMemory: { noKillable: 'panicNoKillable' },
  kill: { oomGroup: false },
  alloc: { lowmemReserveRatio: [256, 256, 32, 32, 0], memcgCharge: 'deferredToFaultEnd' },
  format: { header: '4.9', tasks: '4.0', gfpLayout: '4.4' }
})

/** Android common kernel 4.14 (android-4.14): mainline 4.14 with the staging lowmemorykiller
 * (drivers/staging/android/lowmemorykiller.c, lowmem_scan()) still built in. */
const v4_14_android = variant(v4_14, {
  name: '4.14-android',
  description:
    'Android common kernel 4.14: the staging lowmemorykiller kills before the OOM killer',
  alloc: { lowmemorykiller: true }
})

/** 5.4 as late stable (5.4.214 and 5.4.286 read): the signed badness and OOM_REAPER_DELAY
 * came together in 5.4.120 < x <= 5.4.214 (5.4.195 per the reference). */
const v5_4 = variant(v5_10, {
  name: '5.4',
  version: '5.4.0',
  description: 'Linux 5.4 LTS late stable (5.4.195+: signed badness, 2 s reaper delay)',
  // __set_oom_adj(), 5.4.120+: MMF_MULTIPROCESS (inherited); oom_adj_read(): no cap in 5.4.286.
  oomScore: { oomAdjReadCapped: false },
  // oom_kill_process(), 5.4.286: no "is already exiting. Skip killing" line.
  kill: { alreadyExitingLine: false },
  // queue_oom_reaper(), 5.4.214: OOM_REAPER_DELAY; oom_reap_task(), 5.4.286: locks only.
  reaper: { delayMs: 2000, unableToReapDump: 'locksOnly' },
  alloc: {
    // init_per_zone_wmark_min(), 5.4.214: clamp at 65536; try_charge(): 5 retries.
    minFreeKbytesMax: 65536,
    memcgReclaimRetries: 5,
    // pagefault_out_of_memory(), 5.4.214: "Retrying PF".
    pagefaultOom: 'retryFault',
    // do_anonymous_page(), < 5.9: lru_cache_add_active_or_unevictable().
    newAnonLru: 'active'
  },
  // show_free_areas(), 5.4.214: the 4.19 layout (unstable:, kernel_stack in the zone line).
  format: { showMem: showMem4_19 }
})

/** 5.4.0–5.4.120 (5.4.59 read): before the signed-badness and reaper-delay backports. */
const v5_4_0 = variant(v5_4, {
  name: '5.4.0',
  version: '5.4.0',
  description: 'Linux 5.4.0–5.4.120: clamped badness, scaled oom_score, immediate reaper',
  badness: { form: 'pagesClamped' },
  oomScore: { form: 'scaled', adjPropagation: 'usersGtThreads' },
  reaper: { delayMs: 0 },
  alloc: { pagefaultOom: 'globalOom' }
})

const v5_15 = variant(v5_10, {
  name: '5.15',
  version: '5.15.0',
  description: 'Linux 5.15 LTS (stable with the 2 s reaper delay and pagefault retry backported)',
  reaper: { delayMs: 2000 },
  alloc: { pagefaultOom: 'retryFault' },
  format: { showMem: showMem5_15 }
})

/** Vanilla 3.10.0–3.10.28 (3.10.4 read): before the 3.14 root-bonus and tie changes. */
const v3_10_0 = variant(v3_10, {
  name: '3.10.0',
  version: '3.10.0',
  description: 'Linux 3.10.0 vanilla: root adj-30 before scaling, first of equal scores wins',
  // oom_badness(), 3.10.4: CAP_SYS_ADMIN adj -= 30 before adj *= totalpages / 1000.
  badness: { rootBonus: 'adjMinus30' },
  // select_bad_process(), 3.10.4: strict `points > chosen_points`.
  select: { tie: 'firstWins' },
  // __mem_cgroup_try_charge() -> mem_cgroup_handle_oom(), 3.10.4 (oom_synchronize is 3.12).
  alloc: { memcgCharge: 'chargePath' },
  // show_mem(), lib/show_mem.c 3.10.4: pfn walk; mem_cgroup_stat_names, 3.10.4: no writeback.
  format: { showMem: showMem3_10_0, memcgStatKeys: '3.10' }
})

/** Every built-in profile by name. */
export const profiles: Readonly<Record<string, KernelProfile>> = {
  rhel6: v2_6_32_rhel6,
  '3.10.0': v3_10_0,
  '3.10': v3_10,
  // Before '4.14': profileForRelease() keeps the last of equal versions, so 4.14.x stays '4.14'.
  '4.14-android': v4_14_android,
  '4.14': v4_14,
  '4.19': v4_19,
  '5.4.0': v5_4_0,
  '5.4': v5_4,
  '5.10': v5_10,
  '5.15': v5_15,
  '6.1': v6_1,
  '6.6': v6_6,
  '6.11': v6_11,
  '6.18': v6_18
}
