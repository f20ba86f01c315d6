/**
 * @module dump_stack() as the OOM report shows it: the "CPU: ... Comm: ..." banner, the
 * hardware line and a call trace. Function names come from the report data or a default chain
 * per path and stack style. Offsets (`+0x3f/0xb0`) are facts of one compiled kernel: they are
 * printed only for a build in stack-builds.ts; any other build shows the names alone.
 */
import type { OomReportData, StackInfo } from '../oom-report.ts'
import type { KernelProfile } from '../profiles.ts'
import { buildSymbols, symbolEntry, type BuildSymbols } from './stack-builds.ts'
import { renderUserRegs, type UserRegs } from './stack-regs.ts'

type Style = KernelProfile['format']['stack']
type Path = NonNullable<StackInfo['path']>

const faultTail4 = ['handle_mm_fault', '__do_page_fault', 'do_page_fault', 'page_fault']
const faultTail5 = ['handle_mm_fault', 'do_user_addr_fault', 'exc_page_fault', 'asm_exc_page_fault']
const faultTail6 = ['__handle_mm_fault', ...faultTail5]

/** The frames between dump_stack and the fault tail, per path and stack style (innermost first). */
const middle: Record<'sysrq' | 'pagefault' | 'alloc', Record<Style, readonly string[]>> = {
  sysrq: {
    '3x': [
      'out_of_memory',
      'moom_callback',
      'process_one_work',
      'worker_thread',
      'kthread',
      'ret_from_fork'
    ],
    '4x': [
      'out_of_memory',
      'moom_callback',
      'process_one_work',
      'worker_thread',
      'kthread',
      'ret_from_fork'
    ],
    '5x': [
      'out_of_memory',
      'moom_callback',
      'process_one_work',
      'worker_thread',
      'kthread',
      'ret_from_fork'
    ],
    '6x': [
      'out_of_memory',
      'moom_callback',
      'process_one_work',
      'worker_thread',
      'kthread',
      'ret_from_fork',
      'ret_from_fork_asm'
    ],
    '6.10': [
      'out_of_memory',
      'moom_callback',
      'process_one_work',
      'worker_thread',
      'kthread',
      'ret_from_fork',
      'ret_from_fork_asm'
    ]
  },
  pagefault: {
    '3x': ['out_of_memory', 'pagefault_out_of_memory', 'mm_fault_error', ...faultTail4.slice(1)],
    '4x': ['out_of_memory', 'pagefault_out_of_memory', 'mm_fault_error', ...faultTail4.slice(1)],
    '5x': ['out_of_memory', 'pagefault_out_of_memory', ...faultTail5.slice(1)],
    '6x': ['out_of_memory', 'pagefault_out_of_memory', ...faultTail5.slice(1)],
    '6.10': ['out_of_memory', 'pagefault_out_of_memory', ...faultTail5.slice(1)]
  },
  alloc: {
    '3x': ['out_of_memory', '__alloc_pages_nodemask', 'alloc_pages_vma', ...faultTail4],
    '4x': [
      'out_of_memory',
      '__alloc_pages_slowpath',
      '__alloc_pages_nodemask',
      'alloc_pages_vma',
      '__handle_mm_fault',
      ...faultTail4
    ],
    '5x': [
      'out_of_memory',
      '__alloc_pages_slowpath.constprop.0',
      '__alloc_pages_nodemask',
      'alloc_pages_vma',
      ...faultTail6
    ],
    '6x': [
      'out_of_memory',
      '__alloc_pages_slowpath.constprop.0',
      '__alloc_pages',
      '__folio_alloc',
      'vma_alloc_folio',
      'do_anonymous_page',
      ...faultTail6
    ],
    '6.10': [
      'out_of_memory',
      '__alloc_pages_may_oom',
      '__alloc_pages_slowpath',
      '__alloc_pages_noprof',
      'alloc_pages_mpol_noprof',
      'vma_alloc_folio_noprof',
      'do_anonymous_page',
      ...faultTail6
    ]
  }
}

/** The memcg charge path's frames below oom_kill_process, per stack style. */
const memcgMiddle: Record<Style, readonly string[]> = {
  // 3.10 charged synchronously and printed the later chain's frames here.
  '3x': [
    'out_of_memory',
    'mem_cgroup_out_of_memory',
    'try_charge_memcg',
    'charge_memcg',
    '__mem_cgroup_charge',
    'do_anonymous_page',
    ...faultTail6
  ],
  '4x': [
    'out_of_memory',
    'mem_cgroup_out_of_memory',
    'try_charge',
    'mem_cgroup_try_charge',
    '__handle_mm_fault',
    ...faultTail4
  ],
  '5x': [
    'out_of_memory',
    'mem_cgroup_out_of_memory',
    'try_charge',
    'mem_cgroup_charge',
    ...faultTail5
  ],
  '6x': [
    'out_of_memory',
    'mem_cgroup_out_of_memory',
    'try_charge_memcg',
    'charge_memcg',
    '__mem_cgroup_charge',
    'do_anonymous_page',
    ...faultTail6
  ],
  '6.10': [
    'out_of_memory',
    'mem_cgroup_out_of_memory',
    'try_charge_memcg',
    'charge_memcg',
    '__mem_cgroup_charge',
    'do_anonymous_page',
    ...faultTail6
  ]
}

/** 3.12–4.18: the memcg kill runs at the end of the fault, from pagefault_out_of_memory. */
const memcgDeferred = [
  'mem_cgroup_oom_synchronize',
  'pagefault_out_of_memory',
  'mm_fault_error',
  ...faultTail4.slice(1)
]

/** <= 3.11 and 2.6.32-642: the memcg kill runs inside the charge (lkml_rhel6memcg_1.log). */
const memcgChargePath = [
  'mem_cgroup_out_of_memory',
  'mem_cgroup_handle_oom',
  '__mem_cgroup_try_charge',
  'mem_cgroup_charge_common',
  'mem_cgroup_newpage_charge',
  'handle_pte_fault',
  'handle_mm_fault',
  '__do_page_fault',
  'do_page_fault',
  'page_fault'
]

/** dump_stack() itself: `dump_stack_lvl` from 5.13 (6.x styles), `dump_stack` before. */
export function dumpStackFrame(style: Style): string {
  return style === '6x' || style === '6.10' ? 'dump_stack_lvl' : 'dump_stack'
}

/** The default call chain (innermost first) for a path and stack style. */
export function defaultCallChain(path: Path, profile: KernelProfile): string[] {
  const style: Style = profile.format.stack
  const top = [dumpStackFrame(style), 'dump_header', 'oom_kill_process']
  if (path !== 'memcg') return [...top, ...middle[path][style]]
  if (profile.alloc.memcgCharge === 'deferredToFaultEnd') return [...top, ...memcgDeferred]
  if (profile.alloc.memcgCharge === 'chargePath') return [...top, ...memcgChargePath]
  return [...top, ...memcgMiddle[style]]
}

/**
 * The trace entries of one frame: ` fn+0x../0x..` for a known build (and a `? stale` entry after
 * it when that build's recorded trace had one), else ` fn`. 3.x printed the address first
 * (` [<ffffffff8...>] fn+...`); with no known build there is no address to print either.
 */
function traceEntries(fn: string, b: BuildSymbols | null): string[] {
  const out = [` ${symbolEntry(fn, b)}`]
  const stale = b?.unreliable?.[fn]
  if (stale !== undefined) out.push(` ? ${symbolEntry(stale, b)}`)
  return out
}

/** Who dump_stack() runs for and what it shows. */
export interface StackDump {
  cpu: number
  pid: number
  uid: number
  comm: string
  kernelRelease: string
  hardware: string | null
  taint?: string | undefined
  build?: string | undefined
  calls: readonly string[]
  /** The user registers saved at the fault, printed before </TASK> (5.x/6.x styles). */
  regs?: UserRegs | undefined
}

/**
 * The dump_stack() lines: banner (`CPU: %d PID: %d Comm: %s <taint> <release> <build>`, from
 * 6.10 with `UID: %u` after the CPU; RHEL 6 `Pid: %d, comm: %s ...`), "Hardware name: %s" when
 * known, "Call Trace:" and the entries, wrapped in <TASK> markers on 6.x.
 */
export function renderDumpStack(d: StackDump, profile: KernelProfile): string[] {
  const style = profile.format.stack
  const tail = `${d.taint ?? 'Not tainted'} ${d.kernelRelease} ${d.build ?? '#1'}`
  const out: string[] = []
  if (profile.format.stackPidCommLine) out.push(`Pid: ${d.pid}, comm: ${d.comm} ${tail}`)
  else if (style === '6.10')
    out.push(`CPU: ${d.cpu} UID: ${d.uid} PID: ${d.pid} Comm: ${d.comm} ${tail}`)
  else out.push(`CPU: ${d.cpu} PID: ${d.pid} Comm: ${d.comm} ${tail}`)
  if (d.hardware !== null) out.push(`Hardware name: ${d.hardware}`)
  out.push('Call Trace:')
  const modern = style === '6x' || style === '6.10'
  if (modern) out.push(' <TASK>')
  const b = buildSymbols(d.kernelRelease, d.build)
  for (const fn of d.calls) out.push(...traceEntries(fn, b))
  if (d.regs !== undefined && style !== '3x' && style !== '4x') out.push(...renderUserRegs(d.regs))
  if (modern) out.push(' </TASK>')
  return out
}

/** dump_stack() as dump_header() shows it for an OOM report. */
export function renderStack(r: OomReportData, profile: KernelProfile): string[] {
  const st = r.stack ?? {}
  const t = r.trigger
  const path: Path = st.path ?? (r.oomMemcg !== null ? 'memcg' : t.order === -1 ? 'sysrq' : 'alloc')
  return renderDumpStack(
    {
      cpu: r.cpu,
      pid: t.pid,
      uid: t.uid,
      comm: t.comm,
      kernelRelease: r.kernelRelease,
      hardware: r.hardware,
      taint: st.taint,
      build: st.build,
      calls: st.calls ?? defaultCallChain(path, profile),
      regs: st.regs
    },
    profile
  )
}
