/**
 * @module The opening lines of a report in the event under construction: "invoked oom-killer"
 * (or a page allocation failure), the cpuset line, the stack banner and the hardware name.
 */
import { warn } from './building.ts'
import type { Building } from './building.ts'
import type { LineInfo } from './classify.ts'

/** The "invoked oom-killer" line as the event's trigger. */
function applyHeader(b: Building, info: LineInfo & { kind: 'header' }, line: number): void {
  const h = info.header
  b.headerSeen = true
  b.event.trigger = {
    comm: h.comm,
    pid: null,
    uid: null,
    gfpMask: h.gfpMask,
    gfpNames: h.gfpNames,
    order: h.order,
    oomScoreAdj: h.oomScoreAdj,
    oomAdj: h.oomAdj,
    nodemask: h.nodemask,
    cpuset: null,
    memsAllowed: null
  }
  if (h.truncated) warn(b, 'header-truncated', line, 'the "invoked oom-killer" line is cut short')
}

/** Apply an opening line; false when `info` is not one. */
export function applyHeadLine(b: Building, info: LineInfo, line: number): boolean {
  const e = b.event
  switch (info.kind) {
    case 'header':
      applyHeader(b, info, line)
      return true
    case 'alloc-failure':
      e.kind = 'allocation-failure'
      b.headerSeen = true
      e.allocationFailure = { comm: info.comm, order: info.order, gfpMask: info.gfpMask }
      return true
    case 'cpuset':
      if (e.trigger) {
        e.trigger.cpuset = info.cpuset
        e.trigger.memsAllowed = info.mems
      }
      return true
    case 'banner':
      if (e.kernelRelease === null && info.banner.release !== null)
        e.kernelRelease = info.banner.release
      if (e.cpu === null) e.cpu = info.banner.cpu
      if (e.trigger) {
        if (e.trigger.pid === null) e.trigger.pid = info.banner.pid
        if (e.trigger.uid === null) e.trigger.uid = info.banner.uid
      }
      return true
    case 'hardware':
      e.hardware = info.name
      return true
    default:
      return false
  }
}
