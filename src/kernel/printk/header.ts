/**
 * @module dump_header()'s first lines: "invoked oom-killer", the cpuset line (<= 4.20), and
 * warn_alloc()'s "page allocation failure" header.
 */
import { formatGfp } from '../gfp.ts'
import type { OomTrigger } from '../oom-report.ts'
import type { KernelProfile } from '../profiles.ts'
import { bitmapList, nodemaskText, short } from './printf.ts'

/**
 * The "invoked oom-killer" line (pr_warn) in the profile's header form:
 * - 'rhel6': `%s invoked oom-killer: gfp_mask=0x%x, order=%d, oom_adj=%d, oom_score_adj=%d`
 * - '3x':   `%s invoked oom-killer: gfp_mask=0x%x, order=%d, oom_score_adj=%hd`
 * - '4.5':  `... gfp_mask=%#x(%pGg), order=%d, oom_score_adj=%hd`
 * - '4.9':  `... gfp_mask=%#x(%pGg), nodemask=<%*pbl|(null)>,  order=%d, ...` (two spaces)
 * - '4.15': `... gfp_mask=%#x(%pGg), nodemask=%*pbl, order=%d, ...`
 * - '5.0':  `... gfp_mask=%#x(%pGg), order=%d, oom_score_adj=%hd`
 */
export function renderInvokedLine(t: OomTrigger, profile: KernelProfile): string {
  const head = `${t.comm} invoked oom-killer: gfp_mask=${formatGfp(t.gfpMask, profile)}`
  const adj = short(t.oomScoreAdj)
  const order = Math.trunc(t.order)
  switch (profile.format.header) {
    case 'rhel6':
      return `${head}, order=${order}, oom_adj=${t.oomAdj ?? 0}, oom_score_adj=${adj}`
    case '4.9':
      return `${head}, nodemask=${nodemaskText(t.nodemask)},  order=${order}, oom_score_adj=${adj}`
    case '4.15':
      return `${head}, nodemask=${nodemaskText(t.nodemask)}, order=${order}, oom_score_adj=${adj}`
    case '3x':
    case '4.5':
    case '5.0':
      return `${head}, order=${order}, oom_score_adj=${adj}`
  }
}

/** cpuset_print_current_mems_allowed() as its own line (<= 4.20): `%s cpuset=%s mems_allowed=%*pbl`. */
export function renderCpusetLine(t: OomTrigger): string {
  return `${t.comm} cpuset=${t.cpuset} mems_allowed=${bitmapList(t.memsAllowed)}`
}

/** warn_alloc()'s inputs. */
export interface AllocFailure {
  comm: string
  order: number
  gfpMask: number
  nodemask: readonly number[] | null
  cpuset: string
  memsAllowed: readonly number[]
}

/**
 * warn_alloc()'s header, by `format.allocFailure`:
 * - 'rhel6Dot': `%s: page allocation failure. order:%d, mode:0x%x` (2.6.32-642
 *   __alloc_pages_slowpath());
 * - 'plain': `%s: page allocation failure: order:%d, mode:0x%x` (3.10.4 warn_alloc_failed());
 * - 'nodemask': `%s: page allocation failure: order:%u, mode:%#x(%pGg), nodemask=%*pbl`, followed
 *   (<= 4.20) by the separate cpuset line or (>= 5.0) by `,cpuset=%s,mems_allowed=%*pbl`.
 */
export function renderAllocFailure(f: AllocFailure, profile: KernelProfile): string[] {
  const form = profile.format.allocFailure
  const sep = form === 'rhel6Dot' ? '.' : ':'
  const head = `${f.comm}: page allocation failure${sep} order:${f.order}, mode:${formatGfp(f.gfpMask, profile)}`
  if (form !== 'nodemask') return [head]
  const withMask = `${head}, nodemask=${nodemaskText(f.nodemask)}`
  if (profile.format.cpusetLine) {
    return [withMask, `${f.comm} cpuset=${f.cpuset} mems_allowed=${bitmapList(f.memsAllowed)}`]
  }
  return [`${withMask},cpuset=${f.cpuset},mems_allowed=${bitmapList(f.memsAllowed)}`]
}
