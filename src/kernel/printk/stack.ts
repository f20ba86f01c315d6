/**
 * @module dump_stack() as the OOM report shows it: the "CPU: ... Comm: ..." banner, the
 * hardware line and a call trace. The trace is plausible and deterministic: function names come
 * from the report data or a default chain per path and stack style, offsets from a hash of the
 * name (a simulated kernel has no real addresses).
 */
import type { OomReportData, StackInfo } from '../oom-report.ts'
import type { KernelProfile } from '../profiles.ts'

type Style = KernelProfile['format']['stack']
type Path = NonNullable<StackInfo['path']>

/** FNV-1a of a string, unsigned 32-bit: the source of stable fake offsets. */
function hash(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

const faultTail4 = ['handle_mm_fault', '__do_page_fault', 'do_page_fault', 'page_fault']
const faultTail5 = ['handle_mm_fault', 'do_user_addr_fault', 'exc_page_fault', 'asm_exc_page_fault']
const faultTail6 = ['__handle_mm_fault', ...faultTail5]

/** The default call chain (innermost first) for a path and stack style. */
export function defaultCallChain(path: Path, profile: KernelProfile): string[] {
  const style: Style = profile.format.stack
  const modern = style === '6x' || style === '6.10'
  const top = [modern ? 'dump_stack_lvl' : 'dump_stack', 'dump_header', 'oom_kill_process']
  switch (path) {
    case 'sysrq':
      return [
        ...top,
        'out_of_memory',
        'moom_callback',
        'process_one_work',
        'worker_thread',
        'kthread',
        'ret_from_fork',
        ...(modern ? ['ret_from_fork_asm'] : [])
      ]
    case 'pagefault':
      return [
        ...top,
        'out_of_memory',
        'pagefault_out_of_memory',
        ...(style === '3x' || style === '4x'
          ? ['mm_fault_error', ...faultTail4.slice(1)]
          : faultTail5.slice(1))
      ]
    case 'memcg':
      if (profile.alloc.memcgCharge === 'deferredToFaultEnd') {
        // 3.12–4.18: the kill runs at the end of the fault, from pagefault_out_of_memory.
        return [
          ...top,
          'mem_cgroup_oom_synchronize',
          'pagefault_out_of_memory',
          'mm_fault_error',
          ...faultTail4.slice(1)
        ]
      }
      if (style === '4x') {
        return [
          ...top,
          'out_of_memory',
          'mem_cgroup_out_of_memory',
          'try_charge',
          'mem_cgroup_try_charge',
          '__handle_mm_fault',
          ...faultTail4
        ]
      }
      if (style === '5x') {
        return [
          ...top,
          'out_of_memory',
          'mem_cgroup_out_of_memory',
          'try_charge',
          'mem_cgroup_charge',
          ...faultTail5
        ]
      }
      return [
        ...top,
        'out_of_memory',
        'mem_cgroup_out_of_memory',
        'try_charge_memcg',
        'charge_memcg',
        '__mem_cgroup_charge',
        'do_anonymous_page',
        ...faultTail6
      ]
    case 'alloc':
      switch (style) {
        case '3x':
          return [
            ...top,
            'out_of_memory',
            '__alloc_pages_nodemask',
            'alloc_pages_vma',
            ...faultTail4
          ]
        case '4x':
          return [
            ...top,
            'out_of_memory',
            '__alloc_pages_slowpath',
            '__alloc_pages_nodemask',
            'alloc_pages_vma',
            '__handle_mm_fault',
            ...faultTail4
          ]
        case '5x':
          return [
            ...top,
            'out_of_memory',
            '__alloc_pages_slowpath.constprop.0',
            '__alloc_pages_nodemask',
            'alloc_pages_vma',
            ...faultTail6
          ]
        case '6x':
          return [
            ...top,
            'out_of_memory',
            '__alloc_pages_slowpath.constprop.0',
            '__alloc_pages',
            '__folio_alloc',
            'vma_alloc_folio',
            'do_anonymous_page',
            ...faultTail6
          ]
        case '6.10':
          return [
            ...top,
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
}

/** One trace entry: ` fn+0x../0x..`; 3.x also prints the address ` [<ffffffff8.......>]`. */
function traceEntry(fn: string, style: Style): string {
  const h = hash(fn)
  const size = 0x40 + (h % 0x7c0)
  const off = 0x8 + ((h >>> 11) % (size - 0x8))
  const sym = `${fn}+0x${off.toString(16)}/0x${size.toString(16)}`
  if (style !== '3x') return ` ${sym}`
  const addr = (0x81000000 + ((h >>> 4) & 0x00ffffff)).toString(16).padStart(8, '0')
  return ` [<ffffffff${addr}>] ${sym}`
}

/**
 * The dump_stack() lines: banner (`CPU: %d PID: %d Comm: %s <taint> <release> <build>`, from
 * 6.10 with `UID: %u` after the CPU; RHEL 6 `Pid: %d, comm: %s ...`), "Hardware name: %s" when
 * known, "Call Trace:" and the entries, wrapped in <TASK> markers on 6.x.
 */
export function renderStack(r: OomReportData, profile: KernelProfile): string[] {
  const style = profile.format.stack
  const st = r.stack ?? {}
  const t = r.trigger
  const tail = `${st.taint ?? 'Not tainted'} ${r.kernelRelease} ${st.build ?? '#1'}`
  const out: string[] = []
  if (profile.format.header === 'rhel6') out.push(`Pid: ${t.pid}, comm: ${t.comm} ${tail}`)
  else if (style === '6.10')
    out.push(`CPU: ${r.cpu} UID: ${t.uid} PID: ${t.pid} Comm: ${t.comm} ${tail}`)
  else out.push(`CPU: ${r.cpu} PID: ${t.pid} Comm: ${t.comm} ${tail}`)
  if (r.hardware !== null) out.push(`Hardware name: ${r.hardware}`)
  out.push('Call Trace:')
  const modern = style === '6x' || style === '6.10'
  if (modern) out.push(' <TASK>')
  const path: Path = st.path ?? (r.oomMemcg !== null ? 'memcg' : t.order === -1 ? 'sysrq' : 'alloc')
  for (const fn of st.calls ?? defaultCallChain(path, profile)) out.push(traceEntry(fn, style))
  if (modern) out.push(' </TASK>')
  return out
}
