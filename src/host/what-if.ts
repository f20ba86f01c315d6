/**
 * @module What-if edits on a host snapshot scenario: grow a process (a repeating `touch` action
 * on the timeline, until it is killed), set a process's oom_score_adj, or set a memory cgroup's
 * limit. `oomkit simulate` then answers what the kernel would do.
 *
 * Sizes given by the user: src/units.ts's sizes (binary units, p/pages; a bare number is bytes, as
 * in cgroup files). Scenario sizes are written as page counts.
 */
import type { ScenarioFile } from '../sim/schema.ts'
import { bytesToPages, readSize } from '../units.ts'
import { scenarioCgroupPath } from './snapshot.ts'

/** A mistake in a what-if option (the CLI reports it as a usage error). */
export class WhatIfError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WhatIfError'
  }
}

/** A user size in pages (rounded up); a leading '+' is allowed ("+4GiB"). */
export function parseUserSize(text: string): number {
  const r = readSize(text.replace(/^\s*\+/, ''))
  if (r.ok) return bytesToPages(r.bytes)
  if (r.reason === 'unit')
    throw new WhatIfError(`'${text}': unknown unit '${r.unit}' (K, M, G, T, p)`)
  throw new WhatIfError(`'${text}' is not a size (e.g. 4GiB, 512M, 1000p)`)
}

/** Split "KEY=VALUE". */
export function splitAssignment(flag: string, text: string): [string, string] {
  const i = text.lastIndexOf('=')
  if (i <= 0 || i === text.length - 1) throw new WhatIfError(`${flag} ${text}: expected KEY=VALUE`)
  return [text.slice(0, i), text.slice(i + 1)]
}

function pidOf(flag: string, s: ScenarioFile, text: string): number {
  const pid = Number(text)
  if (!Number.isInteger(pid) || pid <= 0) throw new WhatIfError(`${flag}: '${text}' is not a pid`)
  if (!s.processes.some(p => p.pid === pid)) {
    throw new WhatIfError(
      `${flag}: pid ${pid} is not in the snapshot (exited, a kernel thread, or outside --cgroup)`
    )
  }
  return pid
}

/** The tids a snapshot process lists (its leader alone when it lists none). */
function tidsOf(p: ScenarioFile['processes'][number]): number[] {
  return Array.isArray(p.threads) ? p.threads.map(t => t.tid) : [p.pid]
}

/**
 * The grower of --grow: "PID", "PID/TID", or a TID alone (a thread of a snapshot process, not
 * its leader): the process and the thread that writes, which the OOM report then names as the
 * task that invoked the OOM killer.
 */
function growerOf(s: ScenarioFile, text: string): { pid: number; tid: number | null } {
  const [first = '', tidText] = text.split('/')
  if (tidText !== undefined) {
    const pid = pidOf('--grow', s, first)
    const tid = Number(tidText)
    const p = s.processes.find(x => x.pid === pid)!
    if (!Number.isInteger(tid) || !tidsOf(p).includes(tid))
      throw new WhatIfError(`--grow: process ${pid} has no thread '${tidText}'`)
    return { pid, tid: tid === pid ? null : tid }
  }
  const id = Number(first)
  const owner = s.processes.find(p => p.pid !== id && tidsOf(p).includes(id))
  if (owner !== undefined && !s.processes.some(p => p.pid === id))
    return { pid: owner.pid, tid: id }
  return { pid: pidOf('--grow', s, first), tid: null }
}

/** Pages touched per step of a growth action (64 MiB). */
export const GROW_STEP_PAGES = 16384

/** The step of a growth: "@STEP" after the size (e.g. `oom@1M`), else 64 MiB. */
function growStep(arg: string, text: string | undefined): number {
  if (text === undefined) return GROW_STEP_PAGES
  const pages = parseUserSize(text)
  if (pages === 0) throw new WhatIfError(`--grow ${arg}: the step must be more than 0`)
  return pages
}

/**
 * --grow PID=+SIZE (or PID=oom), optionally @STEP: the process touches SIZE more anonymous memory
 * in STEP-sized steps (64 MiB unless given) every 10 ms from t=1s, stopping early if it is
 * killed. `oom` grows without bound until killed. Several growers with small steps interleave.
 * PID may be PID/TID or a thread's TID: that thread does the writing.
 */
export function applyGrow(s: ScenarioFile, arg: string): void {
  const [who, value] = splitAssignment('--grow', arg)
  const { pid, tid } = growerOf(s, who)
  const thread = tid === null ? {} : { thread: tid }
  const [size = '', stepText] = value.split('@')
  const stepPages = growStep(arg, stepText)
  const timeline = (s.timeline ??= [])
  const grow = { at: '1s', do: 'touch', pid, ...thread, every: '10ms', until: 'killed' } as const
  if (size === 'oom' || size === 'until-killed') {
    timeline.push({ ...grow, size: stepPages })
    return
  }
  const pages = parseUserSize(size)
  if (pages === 0) throw new WhatIfError(`--grow ${arg}: the size must be more than 0`)
  const count = Math.ceil(pages / stepPages)
  timeline.push({ ...grow, size: Math.ceil(pages / count), count })
}

/** --set-adj PID=VALUE: the process starts with this oom_score_adj. */
export function applySetAdj(s: ScenarioFile, arg: string): void {
  const [p, v] = splitAssignment('--set-adj', arg)
  const pid = pidOf('--set-adj', s, p)
  const value = Number(v)
  if (!Number.isInteger(value) || value < -1000 || value > 1000) {
    throw new WhatIfError(`--set-adj ${arg}: oom_score_adj must be an integer in -1000..1000`)
  }
  const proc = s.processes.find(x => x.pid === pid)!
  if (value === 0) delete proc.oom_score_adj
  else proc.oom_score_adj = value
}

/** --limit CGROUP=SIZE: the memory cgroup's limit (memory.max on v2, limit_in_bytes on v1). */
export function applyLimit(s: ScenarioFile, arg: string): void {
  const [path, size] = splitAssignment('--limit', arg)
  const want = scenarioCgroupPath(path)
  if (want === '/') throw new WhatIfError('--limit: the root memory cgroup has no limit to set')
  const g = s.cgroups?.groups?.find(x => x.path === want)
  if (g === undefined) throw new WhatIfError(`--limit: no memory cgroup '${path}' in the snapshot`)
  const pages = size === 'max' ? 'max' : parseUserSize(size)
  if ((s.cgroups?.version ?? 2) === 1) g['memory.limit_in_bytes'] = pages
  else g['memory.max'] = pages
}
