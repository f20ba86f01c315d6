/**
 * @module Which kernel function produced each line the page shows: one table for the kernel log
 * lines the simulator prints (and a pasted report holds) and for the lines of the explanation.
 * Names and files follow docs/ARCHITECTURE.md ("Where each kernel function lives") and
 * docs/kernel-rules.md; names and files as of 6.1 (checked against its sources; notes give other
 * versions). First match wins.
 */

/** One row: lines matching `line` were printed (or, for `explain` rows, decided) by `fn`. */
export interface KernelFunctionRow {
  /** `log`: a kernel log line; `explain`: a line of oomkit's explanation. */
  kind: 'log' | 'explain'
  line: RegExp
  /** The function's name, without parentheses. */
  fn: string
  file: string
}

const log = (line: RegExp, fn: string, file: string): KernelFunctionRow => ({
  kind: 'log',
  line,
  fn,
  file
})
const explain = (line: RegExp, fn: string, file: string): KernelFunctionRow => ({
  kind: 'explain',
  line,
  fn,
  file
})

const OOM = 'mm/oom_kill.c'
const SHOW = 'mm/page_alloc.c'
const MEMCG = 'mm/memcontrol.c'

/** The table (first match wins; lines are matched without their dmesg timestamp). */
export const KERNEL_FUNCTIONS: readonly KernelFunctionRow[] = [
  // dump_header(): the trigger line, every version; <= 4.20 cpuset_print_current_mems_allowed().
  log(/ invoked oom-killer: /, 'dump_header', OOM),
  log(/ cpuset=.* mems_allowed=/, 'cpuset_print_current_mems_allowed', 'kernel/cgroup/cpuset.c'),
  log(/^COMPACTION is disabled!!!/, 'dump_header', OOM),
  // Android's staging lowmemorykiller (profile 4.14-android): lowmem_scan()'s pr_info lines.
  log(
    /^lowmemorykiller: Killing '|^ {3}(to free \d+kB on behalf of |cache \d+kB is below limit |Free memory is -?\d+kB above reserved$)/,
    'lowmem_scan',
    'drivers/staging/android/lowmemorykiller.c'
  ),
  // drop_caches_sysctl_handler() (3.15+): "%s (%d): drop_caches: %d".
  log(/ \(\d+\): drop_caches: \d+$/, 'drop_caches_sysctl_handler', 'fs/drop_caches.c'),
  // warn_alloc() (3.x warn_alloc_failed()), mm/page_alloc.c.
  log(
    /page allocation failure: order:|page allocation stalls for/,
    'warn_alloc',
    'mm/page_alloc.c'
  ),
  // dump_stack() called from dump_header(): banner, hardware, the call trace and its frames.
  log(
    /^CPU: \d+ (UID: \d+ )?PID: \d+ Comm: |^Hardware name: /,
    'dump_stack_print_info',
    'lib/dump_stack.c'
  ),
  log(
    // A frame with its offset, or by name alone (a build oomkit has no symbols of).
    /^Call Trace:|^ ?<\/?TASK>|^ (\? )?\S+\+0x[0-9a-f]+\/0x[0-9a-f]+|^ (\? )?[A-Za-z_][\w.]*$/,
    'dump_stack',
    'lib/dump_stack.c'
  ),
  // The user-mode registers under the trace (6.x): show_iret_regs() prints RIP (with
  // show_opcodes()' Code: line) and RSP; __show_regs() the general registers.
  log(/^(RIP|RSP): [0-9a-f]{4}:|^Code: /, 'show_iret_regs', 'arch/x86/kernel/dumpstack.c'),
  log(/^R(AX|DX|BP|10|13): [0-9a-f]{16} /, '__show_regs', 'arch/x86/kernel/process_64.c'),
  // show_mem() → __show_free_areas() (mm/page_alloc.c in 6.1; mm/show_mem.c since 6.4).
  log(
    /^Mem-Info:|^ ?(active_anon|active_file|unevictable|slab_reclaimable|mapped|sec_pagetables|kernel_misc_reclaimable|free):\d/,
    '__show_free_areas',
    SHOW
  ),
  log(
    /^Node \d+ (active_anon|\S+ free):|^lowmem_reserve\[\]:|^Node \d+ \S+: .*= \d+kB$/,
    '__show_free_areas',
    SHOW
  ),
  log(/^Node \d+ hugepages_total=/, 'hugetlb_show_meminfo_node', 'mm/hugetlb.c'),
  log(/^\d+ total pagecache pages/, '__show_free_areas', SHOW),
  log(
    /^\d+ pages in swap cache|^Swap cache stats:|^Free swap {2}=|^Total swap =/,
    'show_swap_cache_info',
    'mm/swap_state.c'
  ),
  log(
    /^\d+ pages (RAM|HighMem\/MovableOnly|reserved|cma reserved|hwpoisoned)/,
    '__show_mem',
    'lib/show_mem.c'
  ),
  log(
    /^Unreclaimable slab info:|^Name {2,}Used {2,}Total/,
    'dump_unreclaimable_slab',
    'mm/slab_common.c'
  ),
  // The memcg block: mem_cgroup_print_oom_meminfo() and its memory.stat lines (>= 5.x: memory_stat_format()).
  log(
    /^(memory|memory\+swap|swap|kmem): usage \d+kB, limit \d+kB, failcnt \d+/,
    'mem_cgroup_print_oom_meminfo',
    MEMCG
  ),
  log(/^Memory cgroup stats for /, 'mem_cgroup_print_oom_meminfo', MEMCG),
  log(/^[a-z_]+ \d+$/, 'memory_stat_format', MEMCG),
  log(/^Task in .* killed as a result of limit of /, 'mem_cgroup_print_oom_context', MEMCG),
  // dump_tasks() and dump_task().
  log(/^Tasks state \(memory values in pages\):|^\[ +pid +\] +uid +tgid /, 'dump_tasks', OOM),
  log(/^\[ *\d+\] +\d+ +\d+ /, 'dump_task', OOM),
  // The summary line (>= 4.19 dump_oom_summary(); 4.19 printed it from dump_header()).
  log(/^oom-kill:constraint=/, 'dump_oom_summary', OOM),
  // The kill: __oom_kill_process() (>= 4.19); the "Kill process ... or sacrifice child" line of
  // oom_kill_process() (<= 5.0); memory.oom.group's line (>= 4.19).
  log(
    /: Killed process \d+ \(|^oom killer \d+ \(.*\) has mm pinned by /,
    '__oom_kill_process',
    OOM
  ),
  log(/^Killed process \d+ /, 'oom_kill_process', OOM),
  log(/: Kill process \d+ .* score \d+ or sacrifice child/, 'oom_kill_process', OOM),
  log(
    /^Tasks in .* are going to be killed due to memory\.oom\.group set/,
    'mem_cgroup_print_oom_group',
    MEMCG
  ),
  log(/^oom_reaper: reaped process /, 'oom_reap_task_mm', OOM),
  log(/^oom_reaper: /, 'oom_reap_task', OOM),
  log(/^Huh VM_FAULT_OOM leaked out to the #PF handler/, 'pagefault_out_of_memory', OOM),
  log(/^__vm_enough_memory: /, '__vm_enough_memory', 'mm/util.c'),
  log(/\/oom_adj is deprecated, please use /, '__set_oom_adj', 'fs/proc/base.c'),
  // 6.12+ (read in 6.18.2): the one-time warning of a v1 memory.oom_control write.
  log(
    /^oom_control is deprecated and will be removed\. /,
    'mem_cgroup_oom_control_write',
    'mm/memcontrol-v1.c'
  ),
  log(/^Out of memory and no killable processes/, 'out_of_memory', OOM),
  log(/Out of memory: (system-wide|compulsory) panic_on_oom is enabled/, 'check_panic_on_oom', OOM),
  log(/^Kernel panic - not syncing|^---\[ end Kernel panic/, 'panic', 'kernel/panic.c'),
  log(
    /^sysrq: (SysRq : )?Manual OOM execution|^sysrq: OOM request ignored/,
    'moom_callback',
    'drivers/tty/sysrq.c'
  ),
  // The explanation: each line names the step of out_of_memory() it replays.
  explain(/^OOM event \d+|^\d+ OOM events found/, 'out_of_memory', OOM),
  explain(/^ {2}what: /, 'constrained_alloc', OOM),
  explain(/^ {2}totalpages: /, 'constrained_alloc', OOM),
  explain(/^ {2}killed: /, '__oom_kill_process', OOM),
  explain(/^ {2}reaper: /, 'oom_reap_task', OOM),
  explain(/^ {2}(replay|why|agrees): /, 'select_bad_process', OOM),
  explain(
    /^ {2}ranking |^ {4}rank +pid |^ +\S+ +\d+ +-?\d+ +-?\d+ {2}\S|^ {4}\.\.\. \d+ more/,
    'oom_badness',
    OOM
  ),
  explain(/^ {2}saved by: |^ {4}protected \d+ /, 'oom_badness', OOM),
  explain(/^ {2}oom\.group: /, 'mem_cgroup_get_oom_group', MEMCG)
]

/** The row for a line of `kind` (a log line without its timestamp, or an explanation line). */
export function kernelFunctionOf(
  kind: KernelFunctionRow['kind'],
  text: string
): KernelFunctionRow | null {
  const bare = kind === 'log' ? text.replace(/^\[ *\d+\.\d+\] /, '') : text
  return KERNEL_FUNCTIONS.find(r => r.kind === kind && r.line.test(bare)) ?? null
}

/** Where the page links a function to: its identifier in the Elixir cross-reference. */
export function kernelFunctionUrl(fn: string): string {
  return `https://elixir.bootlin.com/linux/latest/A/ident/${encodeURIComponent(fn)}`
}
