/**
 * @module Kernel version profiles: each a named set of behaviour flags and output formats.
 *
 * Code elsewhere asks a profile what to do (`profile.badness.rootBonus`), never which version it
 * is. A distro kernel with backports is a variant: `variant(profiles['5.4'], { ... })`.
 * Facts come from the kernel sources listed in ../shared/docs/kernel-oom-reference.md; each
 * flag's comment names the function and the versions it follows.
 */

/** oom_badness() shape. */
export interface BadnessRules {
  /**
   * 'scaled1000': 2.6.36–3.4, points normalised to 0..1000 and clamped (min 1).
   * 'pagesClamped': ~3.5–5.8, pages + adj*(totalpages/1000), result <= 0 becomes 1, 0 = ineligible.
   * 'pagesSigned': >= 5.9 (and 5.4.195+), no clamp, LONG_MIN = ineligible.
   */
  form: 'scaled1000' | 'pagesClamped' | 'pagesSigned'
  /** Root bonus: 'minus30' (2.6.36–3.4), 'threePercent' (3.x–4.18), 'none' (>= 4.19). */
  rootBonus: 'minus30' | 'threePercent' | 'none'
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
  /** <= 5.2: on an equal score keep a thread-group leader already chosen. Later: last wins. */
  tieKeepsLeader: boolean
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
   * task_will_free_mem(), mark_oom_victim + reaper). */
  exitingCheck: 'pfExiting' | 'taskWillFreeMem'
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
  /** 3.x: "Kill process %d (%s) sharing same memory" per sharer, skipping adj -1000;
   * >= 4.15-ish: silent SIGKILL, init pins the mm ("has mm pinned by"). */
  sharers: 'sharingSameMemoryLine' | 'initPins'
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
  /** >= 5.0: MMF_OOM_REAP_QUEUED guards against double queueing. */
  queuedFlag: boolean
  /** >= 5.18 (and backports): queue after OOM_REAPER_DELAY = 2 s. */
  delayMs: number
  /** Which VMAs are skipped: <= 6.0 VM_LOCKED|VM_HUGETLB|VM_PFNMAP; >= 6.1 VM_HUGETLB|VM_PFNMAP. */
  reapsMlocked: boolean
  /** Walk order: forward (<= 6.13) or reverse over the maple tree (6.18). */
  walk: 'forward' | 'reverse'
  /** >= 5.x: sched_show_task and lock dump after "unable to reap". */
  showTaskOnFailure: boolean
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
  /** should_reclaim_retry's congestion_wait rule (4.x–5.10). */
  congestionWaitRetry: boolean
  /** 3.x: __GFP_NOFAIL bypasses the costly/lowmem/THISNODE gates of __alloc_pages_may_oom. */
  nofailBypassesGates: boolean
  /** 3.x: zonelist OOM bit instead of the oom_lock mutex. */
  oomLock: 'zonelistBit' | 'mutex'
  /** VM_FAULT_OOM handling: 'globalOom' (<= 5.15) or 'retryFault' (>= 5.16: "Huh VM_FAULT_OOM
   * leaked out to the #PF handler. Retrying PF"). */
  pagefaultOom: 'globalOom' | 'retryFault'
  /** memcg charge failure: 'deferredToFaultEnd' (3.12–4.18) or 'synchronous' (>= 4.19). */
  memcgCharge: 'deferredToFaultEnd' | 'synchronous'
  /** OVERCOMMIT_GUESS: 'heuristic' (<= 5.0) or 'totalOnly' (>= 5.2). */
  overcommitGuess: 'heuristic' | 'totalOnly'
  /** >= 6.6: __vm_enough_memory prints "not enough memory for the allocation". */
  vmEnoughMemoryMessage: boolean
  /** setup_per_zone_lowmem_reserve(): an empty upper zone gets reserve 0 (6.x; seen in a 6.11
   * report) instead of repeating the cumulative value (5.10 reports). Exact version UNCONFIRMED. */
  lowmemReserveEmptyZero: boolean
  /** gfp of a page-table page (pte_alloc_one / __pte_alloc_one), as flag names:
   * x86 PGALLOC_GFP / GFP_PGTABLE_USER; >= 6.6 pagetable_alloc() adds __GFP_COMP. */
  pgtableGfp: readonly string[]
  /** gfp of an anonymous fault page: GFP_HIGHUSER_MOVABLE (<= 6.0), folio __GFP_COMP (6.1),
   * plus __GFP_ZERO from vma_alloc_zeroed_movable_folio (>= 6.6). */
  anonFaultGfp: readonly string[]
}

/** Output formats (printk). */
export interface FormatRules {
  /** "invoked oom-killer" line: '3x' gfp %x only; '4.5' with %pGg; '4.9' nodemask with two
   * spaces before order; '4.15' nodemask=%*pbl; '5.0' no nodemask; 'rhel6' 3x plus oom_adj=%d. */
  header: '3x' | '4.5' | '4.9' | '4.15' | '5.0' | 'rhel6'
  /** <= 4.20: cpuset_print_current_mems_allowed() line after the header. */
  cpusetLine: boolean
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
  /** Memcg stats text on v1 hierarchies: 'v2keys' (5.3–~6.4) or 'v1keys' (>= 6.6). */
  memcgV1Stat: 'v2keys' | 'v1keys'
  /** 6.18: v2 memory:/swap: failcnt come from memory.events max/swap_max. */
  memcgFailcntFromEvents: boolean
  /** show_mem layout generation. */
  showMem: '3x' | '4.19' | '5.10' | '6.1' | '6.6' | '6.18'
  /** <= 5.17: "Swap cache stats: add ..." line. */
  swapCacheStats: boolean
  /** GFP bit layout: '4.5' (4.4–4.9: __GFP_COLD/NOTRACK/OTHER_NODE, GFP_KERNEL 0x24000c0),
   * '4.4' (~4.10–4.18, GFP_KERNEL 0x14000c0), '4.19' (4.19/5.0), '5.2' (5.2–6.3, ATOMIC 0x200), '6.4'. */
  gfpLayout: '3x' | '4.5' | '4.4' | '4.19' | '5.2' | '6.4'
  /** %pGg name table order: 'classic' (<= 6.13) or 'bitOrder' (6.18+). */
  gfpNames: 'classic' | 'bitOrder'
  /** Call trace style: '3x' ([<addr>] fn+off/len), '4.x' (fn+off/len), '6.x' (<TASK> markers,
   * "CPU: n UID: u PID: p Comm:" from 6.10). */
  stack: '3x' | '4x' | '5x' | '6x' | '6.10'
  /** mark_victim tracepoint carries comm and memory (>= 6.9/6.10). */
  markVictimExtended: boolean
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

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] }

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

const v3_10: KernelProfile = {
  name: '3.10',
  version: '3.10.0',
  description: 'Linux 3.10 (CentOS/RHEL 7 era): nr_ptes table, sacrifice child, no reaper',
  badness: {
    form: 'pagesClamped',
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
    tieKeepsLeader: true,
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
    queuedFlag: false,
    delayMs: 0,
    reapsMlocked: false,
    walk: 'forward',
    showTaskOnFailure: false
  },
  alloc: {
    watermarks: 'classic',
    promoWatermark: false,
    watermarkBoost: false,
    minFreeKbytesMax: 65536,
    lowmemReserveRatio: [256, 256, 32, 32, 0],
    congestionWaitRetry: false,
    nofailBypassesGates: true,
    oomLock: 'zonelistBit',
    pagefaultOom: 'globalOom',
    memcgCharge: 'deferredToFaultEnd',
    overcommitGuess: 'heuristic',
    vmEnoughMemoryMessage: false,
    lowmemReserveEmptyZero: false,
    pgtableGfp: ['GFP_KERNEL', '__GFP_REPEAT', '__GFP_ZERO'],
    anonFaultGfp: ['GFP_HIGHUSER_MOVABLE']
  },
  format: {
    header: '3x',
    cpusetLine: true,
    tasks: '3x',
    killed: '3x',
    summaryLine: false,
    memcgInfo: 'taskIn',
    memcgV1Stat: 'v2keys',
    memcgFailcntFromEvents: false,
    showMem: '3x',
    swapCacheStats: true,
    gfpLayout: '3x',
    gfpNames: 'classic',
    stack: '3x',
    markVictimExtended: false
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
  select: { scan: 'processes' },
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
  reaper: { present: true, showTaskOnFailure: true },
  alloc: {
    watermarks: 'scaleFactor',
    lowmemReserveRatio: [256, 256, 32, 0, 0],
    congestionWaitRetry: true,
    nofailBypassesGates: false,
    oomLock: 'mutex',
    memcgCharge: 'synchronous',
    pgtableGfp: ['GFP_KERNEL_ACCOUNT', '__GFP_ZERO']
  },
  format: {
    header: '4.15',
    tasks: '4.19',
    killed: '4.5',
    showMem: '4.19',
    gfpLayout: '4.19',
    stack: '4x'
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
    tieKeepsLeader: false,
    unkillableChecksMemcgAndMems: false,
    scaleChosenPoints: false,
    nodePages: 'present'
  },
  outOfMemory: { nofsMemcgExempt: true, allocatingTaskCpusetCheck: true },
  kill: { sacrificeChild: false, alreadyExitingLine: true },
  reaper: { queuedFlag: true },
  alloc: { watermarkBoost: true, minFreeKbytesMax: 262144, overcommitGuess: 'totalOnly' },
  format: {
    header: '5.0',
    cpusetLine: false,
    killed: '5.4',
    summaryLine: true,
    memcgInfo: 'v5.3',
    showMem: '5.10',
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
    congestionWaitRetry: false,
    pagefaultOom: 'retryFault',
    anonFaultGfp: ['GFP_HIGHUSER_MOVABLE', '__GFP_COMP']
  },
  format: { showMem: '6.1', swapCacheStats: false, stack: '6x' }
})

const v6_6 = variant(v6_1, {
  name: '6.6',
  version: '6.6.0',
  description: 'Linux 6.6 LTS: !__GFP_FS rule without the gfp!=0 guard, v1 memcg stat keys',
  outOfMemory: { nofsCheck: 'always' },
  alloc: {
    vmEnoughMemoryMessage: true,
    lowmemReserveEmptyZero: true,
    pgtableGfp: ['GFP_KERNEL_ACCOUNT', '__GFP_COMP', '__GFP_ZERO'],
    anonFaultGfp: ['GFP_HIGHUSER_MOVABLE', '__GFP_COMP', '__GFP_ZERO']
  },
  format: { memcgV1Stat: 'v1keys', showMem: '6.6', gfpLayout: '6.4' }
})

const v6_11 = variant(v6_6, {
  name: '6.11',
  version: '6.11.0',
  description: 'Linux 6.11: rss_anon/rss_file/rss_shmem task table (6.8+), extended mark_victim',
  format: { tasks: '6.8', stack: '6.10', markVictimExtended: true }
})

const v6_18 = variant(v6_11, {
  name: '6.18',
  version: '6.18.0',
  description: 'Linux 6.18: gfp names in bit order, reverse VMA walk in the reaper',
  reaper: { walk: 'reverse' },
  format: { gfpNames: 'bitOrder', memcgFailcntFromEvents: true, showMem: '6.18' }
})

const v2_6_32_rhel6 = variant(v3_10, {
  name: 'rhel6',
  version: '2.6.32',
  description: 'RHEL 6 (2.6.32 with backports): 0..1000 badness, cpu/oom_adj task columns',
  badness: { form: 'scaled1000', rootBonus: 'minus30' },
  oomScore: { form: 'badness' },
  format: { tasks: 'rhel6', header: 'rhel6', killed: 'rhel6' }
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

const v5_4 = variant(v5_10, {
  name: '5.4',
  version: '5.4.0',
  description: 'Linux 5.4 LTS (stable with backports of the signed badness)',
  oomScore: { adjPropagation: 'usersGtThreads' }
})

const v5_15 = variant(v5_10, {
  name: '5.15',
  version: '5.15.0',
  description: 'Linux 5.15 LTS (stable with the 2 s reaper delay and pagefault retry backported)',
  reaper: { delayMs: 2000 },
  alloc: { congestionWaitRetry: false, pagefaultOom: 'retryFault' }
})

/** Every built-in profile by name. */
export const profiles: Readonly<Record<string, KernelProfile>> = {
  rhel6: v2_6_32_rhel6,
  '3.10': v3_10,
  '4.14': v4_14,
  '4.19': v4_19,
  '5.4': v5_4,
  '5.10': v5_10,
  '5.15': v5_15,
  '6.1': v6_1,
  '6.6': v6_6,
  '6.11': v6_11,
  '6.18': v6_18
}

export const profileNames: readonly string[] = Object.keys(profiles)

/** Parse "a.b[.c...]" into comparable numbers. */
function versionKey(v: string): number[] {
  return (v.match(/^\d+(?:\.\d+)*/)?.[0] ?? '0').split('.').map(Number)
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/**
 * The nearest built-in profile at or below a kernel release string such as `uname -r`
 * ("6.18.44-fc-v769", "3.10.0-693.11.6.el7.x86_64", "2.6.32-220.7.1.el6").
 */
export function profileForRelease(release: string): KernelProfile {
  if (/\.el6/.test(release) || /^2\.6\./.test(release)) return v2_6_32_rhel6
  const want = versionKey(release)
  let best: KernelProfile = v3_10
  for (const p of Object.values(profiles)) {
    if (p === v2_6_32_rhel6) continue
    const k = versionKey(p.version)
    if (compareVersions(k, want) <= 0 && compareVersions(k, versionKey(best.version)) >= 0) best = p
  }
  return best
}

/** A profile by name, or by kernel release when no name matches; undefined if neither. */
export function findProfile(nameOrRelease: string): KernelProfile | undefined {
  return (
    profiles[nameOrRelease] ??
    (/^\d+\.\d+/.test(nameOrRelease) ? profileForRelease(nameOrRelease) : undefined)
  )
}
