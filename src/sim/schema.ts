/**
 * @module The scenario file format (YAML or JSON) as a zod schema: the machine, the kernel
 * profile, sysctls, cgroups, files, the process tree, the timeline of actions and the expected
 * outcome. One transform: every size becomes a page count when the scenario is loaded, so a
 * loaded `Scenario` carries numbers; the JSON Schema for editors (schema/scenario.schema.json)
 * describes the input form (`ScenarioFile`: strings or numbers).
 * Sizes: a number is a count of 4 KiB pages; a string carries a unit: "512k"/"512kB"/"512KiB",
 * "64M"/"64MiB", "8G", "1T", "4096B", "100p"/"100pages" (binary units, as the kernel's kB).
 * Durations: a number is milliseconds; a string carries a unit: "30.5s", "250ms", "40us", "1ns".
 */
import { z } from 'zod'
import { SysctlSpec } from './schema-sysctl.ts'
import { UserRegsSpec } from './schema-regs.ts'
import { RssPendingSpec } from './schema-rss.ts'
import { sizeToPages } from './size.ts'

/** A memory size (pages when a bare number), loaded as a page count. */
export const Size = z
  .union([
    z.number().int().nonnegative(),
    z
      .string()
      .regex(
        /^\s*\d+(\.\d+)?\s*(B|k|K|kB|KB|KiB|M|MB|MiB|G|GB|GiB|T|TB|TiB|p|pages)\s*$/,
        'a size such as "512M", "4G", "64kB" or a page count'
      )
  ])
  .describe('Size: a page count, or a string with a unit (B, kB, M, G, T, pages)')
  .transform(sizeToPages)

/** A duration (milliseconds when a bare number). */
export const Duration = z
  .union([
    z.number().nonnegative(),
    z
      .string()
      .regex(/^\s*\d+(\.\d+)?\s*(ns|us|ms|s|m)\s*$/, 'a duration such as "30s", "250ms" or "40us"')
  ])
  .describe('Duration: milliseconds, or a string with a unit (ns, us, ms, s, m)')

const Pid = z.number().int().min(0).max(4194304)
const GfpText = z
  .string()
  .regex(/^[A-Z0-9_|x ]+$/i, 'gfp flag names joined by "|", e.g. "GFP_KERNEL|__GFP_NOFAIL"')
  .describe('gfp flags by name, e.g. GFP_KERNEL|__GFP_NOFAIL')
const CgroupPath = z
  .string()
  .regex(/^\/([^/\s]+(\/[^/\s]+)*)?$/, 'a cgroup path such as "/" or "/app/web"')
const Nodes = z.array(z.number().int().min(0).max(63)).min(1)

/** One zone of a node. */
export const ZoneSpec = z.strictObject({
  type: z.enum(['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable']),
  present: Size,
  managed: Size.optional().describe('Managed pages (default: present minus 1.5%)'),
  bootManaged: Size.optional().describe(
    'Managed pages when boot set up watermarks and lowmem_reserve (before e.g. the initrd was freed)'
  ),
  watermarks: z
    .strictObject({ min: Size, low: Size, high: Size })
    .optional()
    .describe(
      'min/low/high as the kernel set them (e.g. from zoneinfo), instead of computing them'
    ),
  lowmemReserve: z
    .array(z.number().int().nonnegative())
    .optional()
    .describe('lowmem_reserve[] (zoneinfo "protection:") instead of computing it'),
  boost: Size.optional().describe(
    'watermark_boost at the start (zoneinfo "boost"): added to every watermark until kswapd clears it'
  ),
  kernelOther: Size.optional().describe('Of kernel.other, the pages this zone holds since boot'),
  pcp: Size.optional().describe('Free pages on the per-CPU lists at boot (all CPUs)'),
  localPcp: Size.optional().describe('Of pcp, those on the allocating CPU: its list on 6.7+'),
  fragmented: z.boolean().optional().describe('Unmovable pages everywhere: compaction fails')
})

/** One NUMA node and its zones (in zone order). */
export const NodeSpec = z.strictObject({
  id: z.number().int().min(0).max(63).optional(),
  zones: z.array(ZoneSpec).min(1),
  kswapdFailures: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'kswapd_failures at the start (16: zoneinfo "node_unreclaimable: 1", kswapd not woken)'
    )
})

/** A swap device. */
export const SwapSpec = z.strictObject({
  name: z.string().min(1),
  size: Size,
  priority: z.number().int().optional(),
  active: z.boolean().optional().describe('swapon at boot (default true)')
})

/** Kernel memory that is not in any listed process, allocated at boot. */
export const KernelUse = z.strictObject({
  slabReclaimable: Size.optional(),
  slabUnreclaimable: Size.optional(),
  kernelStack: Size.optional().describe('Kernel stacks of threads not listed as processes'),
  pagetables: Size.optional().describe('Page tables of processes not listed'),
  other: Size.optional().describe('Other kernel memory on no LRU (drivers, vmalloc, ...)'),
  anon: Size.optional().describe('Anonymous memory of unlisted tasks (e.g. init)'),
  miscReclaimable: Size.optional()
})

/** The machine: RAM, nodes and zones, swap, hugetlb pools, kernel memory, banner data. */
export const MachineSpec = z.strictObject({
  hz: z.union([z.literal(100), z.literal(250), z.literal(300), z.literal(1000)]).optional(),
  cpus: z.number().int().min(1).max(8192).optional(),
  kernelRelease: z.string().optional(),
  hardware: z.string().optional(),
  memory: Size.optional().describe('Shorthand: one node with DMA/DMA32/Normal zones of this total'),
  nodes: z.array(NodeSpec).min(1).optional(),
  swap: z.array(SwapSpec).optional(),
  hugepages: z
    .array(
      z.strictObject({
        node: z.number().int().min(0).optional(),
        sizeKb: z.union([z.literal(2048), z.literal(1048576)]),
        total: z.number().int().nonnegative()
      })
    )
    .optional(),
  pagesRam: z.number().int().positive().optional(),
  pagesReserved: z.number().int().nonnegative().optional(),
  kernel: KernelUse.optional(),
  config: z
    .strictObject({
      thp: z.boolean().optional(),
      hugetlb: z.boolean().optional(),
      cma: z.boolean().optional(),
      memoryFailure: z.boolean().optional(),
      lruGen: z
        .boolean()
        .optional()
        .describe(
          'Multi-gen LRU enabled (CONFIG_LRU_GEN, lru_gen/enabled): new anon pages count as active'
        )
    })
    .optional()
    .describe('Kernel build options that change show_mem (default: all on)'),
  taint: z.string().optional().describe('Taint text of the stack banner, default "Not tainted"'),
  build: z.string().optional().describe('utsname version after the release, e.g. "#15"')
})

const Limit = z.union([Size, z.literal('max')])

/** One memory cgroup (v1 or v2 file names) and its cpuset mems. */
export const CgroupSpec = z.strictObject({
  path: CgroupPath,
  'memory.max': Limit.optional(),
  'memory.high': Limit.optional(),
  'memory.low': Size.optional(),
  'memory.min': Size.optional(),
  'memory.swap.max': Limit.optional(),
  'memory.oom.group': z.boolean().optional(),
  'memory.limit_in_bytes': Limit.optional(),
  'memory.memsw.limit_in_bytes': Limit.optional(),
  'memory.oom_control': z.strictObject({ oom_kill_disable: z.boolean() }).optional(),
  'memory.swappiness': z.number().int().min(0).max(200).optional(),
  'cpuset.mems': Nodes.optional()
})

/** The cgroup hierarchy version and its groups (parents first). */
export const CgroupsSpec = z.strictObject({
  version: z.union([z.literal(1), z.literal(2)]).optional(),
  groups: z.array(CgroupSpec).optional()
})

/** A file whose pages may be in the page cache (disk, tmpfs or ramfs). */
export const FileSpec = z.strictObject({
  path: z.string().min(1),
  size: Size,
  fs: z.enum(['disk', 'tmpfs', 'ramfs']).optional(),
  cached: Size.optional().describe('Pages already in the page cache at start'),
  active: Size.optional().describe('Cached pages that start active (disk files; default none)'),
  dirty: Size.optional(),
  memcg: CgroupPath.optional(),
  mlocked: z.boolean().optional()
})

const Flag = z.boolean().optional()
/** One mapping of a process. */
export const VmaSpec = z.strictObject({
  name: z.string().optional(),
  start: z
    .union([
      z.number().int().nonnegative(),
      z.string().regex(/^0x[0-9a-f]+$/i, 'a hex address like 0x7f1bc2cb4000')
    ])
    .optional()
    .describe('Start address in bytes'),
  size: Size,
  kind: z.enum(['anon', 'file', 'shmem']).optional(),
  file: z.string().optional(),
  shared: z.boolean().optional(),
  locked: z.boolean().optional(),
  hugetlb: z.boolean().optional(),
  pfnmap: z.boolean().optional(),
  resident: Size.optional().describe('Pages resident at start'),
  referenced: Flag.describe('false: file pages touched once; reclaim may unmap them')
})

/** One process (thread group) at boot. */
export const ProcessSpec = z.strictObject({
  pid: Pid,
  comm: z.string().min(1).max(15, 'comm is at most 15 characters (TASK_COMM_LEN - 1)'),
  ppid: Pid.optional(),
  uid: z.number().int().min(0).optional(),
  caps: z.array(z.enum(['CAP_SYS_ADMIN', 'CAP_SYS_RESOURCE'])).optional(),
  kthread: z.boolean().optional(),
  oom_score_adj: z.number().int().min(-1000).max(1000).optional(),
  oom_score_adj_min: z.number().int().min(-1000).max(1000).optional(),
  memcg: CgroupPath.optional(),
  cpuset: z.strictObject({ path: CgroupPath.optional(), mems: Nodes }).optional(),
  mempolicy: z
    .strictObject({ mode: z.enum(['bind', 'preferred', 'interleave']), nodes: Nodes })
    .optional(),
  threads: z
    .union([
      z.number().int().min(1),
      z.array(z.strictObject({ tid: Pid, comm: z.string().max(15).optional() })).min(1)
    ])
    .optional(),
  shareMmWith: Pid.optional().describe("CLONE_VM: use this process's mm"),
  vfork: z
    .boolean()
    .optional()
    .describe("A vfork child still borrowing its parent's mm (needs ppid)"),
  vmas: z.array(VmaSpec).optional(),
  cowFrom: Pid.optional().describe(
    'Forked from this process and still sharing its anonymous pages copy-on-write: they count in both rss, exist (and are charged) once, and are freed when the last sharer unmaps them'
  ),
  sharedAnon: Size.optional().describe(
    "With cowFrom: how many of that process's resident anonymous pages this one still shares (default: all of them); added to this process's anon rss in a mapping named 'cow'"
  ),
  rss: z
    .strictObject({ anon: Size.optional(), file: Size.optional(), shmem: Size.optional() })
    .optional(),
  rssPending: RssPendingSpec.optional(),
  totalVm: Size.optional(),
  pgtables: Size.optional().describe('Page-table memory at start (pages or a size)'),
  exit: z
    .strictObject({
      delay: Duration.optional().describe('Time from SIGKILL to exit (default 1ms)'),
      stuck: z.boolean().optional().describe('Never exits: stuck in D state holding its mmap lock')
    })
    .optional(),
  coreDumping: z.boolean().optional(),
  userRegs: UserRegsSpec.optional().describe(
    'User registers at the faulting instruction, printed at the bottom of the call trace when this process triggers an OOM from a fault (recorded values only)'
  )
})

const Repeat = {
  every: Duration.optional().describe('Repeat this action at this interval'),
  until: z
    .union([z.literal('killed'), z.literal('oom'), z.literal('exit')])
    .optional()
    .describe('Stop repeating when the process is killed / an OOM happens / it exits'),
  count: z.number().int().min(1).optional().describe('Repeat this many times in all')
}

const base = { at: Duration.describe('Simulated time of the (first) action') }
/** What a touch's fields mean (its spec below stays readable). */
const TOUCH_DOC = {
  thread: "The writing thread, by tid or comm (default: the leader): the OOM's current",
  vma: 'Fault pages in this named mapping (stops at its end); without it the heap grows so the whole size is touched',
  cow: 'Write to pages shared copy-on-write since a fork instead: the ones another process still maps are copied (new pages, charged now)'
}

/** One timeline action, selected by `do`. */
export const ActionSpec = z.discriminatedUnion('do', [
  z.strictObject({
    ...base,
    ...Repeat,
    do: z.literal('touch'),
    pid: Pid,
    thread: z
      .union([Pid, z.string().max(15)])
      .optional()
      .describe(TOUCH_DOC.thread),
    size: Size,
    vma: z.string().optional().describe(TOUCH_DOC.vma),
    cow: z.boolean().optional().describe(TOUCH_DOC.cow)
  }),
  z.strictObject({
    ...base,
    ...Repeat,
    do: z.literal('alloc'),
    pid: Pid,
    gfp: GfpText,
    order: z.number().int().min(0).max(10).optional(),
    count: z.number().int().min(1).optional(),
    free: z.boolean().optional().describe('Free the pages again right away')
  }),
  z.strictObject({
    ...base,
    ...Repeat,
    do: z.literal('mmap'),
    pid: Pid,
    name: z.string().optional(),
    size: Size,
    kind: z.enum(['anon', 'file', 'shmem']).optional(),
    file: z.string().optional(),
    locked: z.boolean().optional(),
    populate: z.boolean().optional()
  }),
  z.strictObject({ ...base, do: z.literal('munmap'), pid: Pid, vma: z.string() }),
  z.strictObject({
    ...base,
    ...Repeat,
    do: z.literal('free'),
    pid: Pid,
    size: Size,
    vma: z.string().optional()
  }),
  z.strictObject({
    ...base,
    ...Repeat,
    do: z.literal('read'),
    pid: Pid,
    file: z.string(),
    size: Size.optional(),
    map: z.boolean().optional(),
    dirty: z.boolean().optional()
  }),
  z.strictObject({ ...base, do: z.literal('mlock'), pid: Pid, vma: z.string() }),
  z.strictObject({
    ...base,
    do: z.literal('fork'),
    pid: Pid,
    child: Pid,
    comm: z.string().max(15).optional(),
    vfork: z.boolean().optional(),
    shareMm: z.boolean().optional()
  }),
  z.strictObject({ ...base, do: z.literal('exec'), pid: Pid, comm: z.string().min(1).max(15) }),
  z.strictObject({ ...base, do: z.literal('exit'), pid: Pid }),
  z.strictObject({ ...base, do: z.literal('kill'), pid: Pid }),
  z.strictObject({
    ...base,
    do: z.literal('set-oom-score-adj'),
    pid: Pid,
    value: z.number().int().min(-1000).max(1000)
  }),
  z.strictObject({
    ...base,
    do: z.literal('set-oom-adj'),
    pid: Pid,
    value: z.number().int().min(-17).max(15)
  }),
  z.strictObject({
    ...base,
    do: z.literal('sysctl'),
    name: z.string(),
    value: z.number().int(),
    pid: Pid.optional().describe('The writing task (drop_caches logs its comm and pid)')
  }),
  z.strictObject({
    ...base,
    do: z.literal('cgroup-set'),
    path: CgroupPath,
    key: z.string(),
    value: z.union([Size, z.literal('max'), z.boolean()])
  }),
  z.strictObject({ ...base, do: z.literal('cgroup-move'), pid: Pid, path: CgroupPath }),
  z.strictObject({ ...base, do: z.literal('sysrq'), key: z.literal('f') }),
  z.strictObject({ ...base, do: z.literal('swapon'), name: z.string() }),
  z.strictObject({ ...base, do: z.literal('swapoff'), name: z.string(), pid: Pid.optional() }),
  z.strictObject({ ...base, do: z.literal('wait') })
])

/** The expected outcome, checked by `--check` and the example tests. */
export const ExpectSpec = z.strictObject({
  victims: z.array(Pid).optional().describe('pids killed by the OOM killer, in order'),
  panic: z.union([z.boolean(), z.string()]).optional(),
  oomInvocations: z.number().int().min(0).optional(),
  allocFailures: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('At least this many allocation failures'),
  enomem: z.number().int().min(0).optional().describe('At least this many ENOMEM results'),
  logContains: z.array(z.string()).optional(),
  logNotContains: z.array(z.string()).optional(),
  stuck: z
    .array(Pid)
    .optional()
    .describe('pids still looping in the allocator or waiting at the end'),
  survivors: z.array(Pid).optional(),
  killed: z
    .array(Pid)
    .optional()
    .describe('Every pid that received SIGKILL (victims, sharers, oom.group), any order')
})

/** A whole scenario file. */
export const ScenarioSpec = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  profile: z.string().min(1),
  seed: z.number().int().optional(),
  duration: Duration.optional().describe('Stop the run at this simulated time (default 600s)'),
  machine: MachineSpec,
  sysctl: SysctlSpec.optional(),
  cgroups: CgroupsSpec.optional(),
  files: z.array(FileSpec).optional(),
  processes: z.array(ProcessSpec),
  timeline: z.array(ActionSpec).optional(),
  expect: ExpectSpec.optional()
})

/** A loaded scenario: validated, every size a page count. */
export type Scenario = z.output<typeof ScenarioSpec>
/** A scenario as written in a file (sizes as numbers of pages or strings with a unit). */
export type ScenarioFile = z.input<typeof ScenarioSpec>
/** A validated timeline action. */
export type ActionSpecT = z.infer<typeof ActionSpec>
/** A validated process. */
export type ProcessSpecT = z.infer<typeof ProcessSpec>

/** The JSON Schema of the scenario format as written (draft 2020-12). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(ScenarioSpec, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >
  return {
    ...s,
    $id: 'https://oomkit.dev/schema/scenario.schema.json',
    title: 'oomkit scenario'
  }
}
