/**
 * @module Parsers for memory cgroup interface files (v1 and v2). Byte values stay bytes;
 * "unlimited" (v2 "max", v1 PAGE_COUNTER_MAX rounded to a page) becomes null.
 */

/**
 * The smallest value treated as unlimited for v1 limits: PAGE_COUNTER_MAX pages in bytes is
 * 0x7ffffffffffff000 on 64-bit (9223372036854771712); anything at or above 2^62 is unlimited.
 */
export const V1_UNLIMITED_BYTES = 2 ** 62

/** A v1 `*_in_bytes` limit: null when unlimited. */
export function parseV1Limit(text: string): number | null {
  const n = Number(text.trim())
  return !Number.isFinite(n) || n >= V1_UNLIMITED_BYTES ? null : n
}

/** A v2 limit file (memory.max, memory.high, memory.swap.max ...): null for "max". */
export function parseV2Limit(text: string): number | null {
  const t = text.trim()
  if (t === 'max') return null
  const n = Number(t)
  return Number.isFinite(n) ? n : null
}

/** A single-number file. */
export function parseNumber(text: string): number {
  const n = Number(text.trim())
  return Number.isFinite(n) ? n : 0
}

/** A flat keyed file: "key value" lines (memory.events, memory.oom_control, memory.stat). */
export function parseKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ')
    if (sp <= 0) continue
    const n = Number(line.slice(sp + 1).trim())
    if (Number.isFinite(n)) out[line.slice(0, sp)] = n
  }
  return out
}

/** A cgroup mount found in /proc/mounts. */
export interface CgroupMount {
  /** Mount point (absolute in the host's namespace). */
  mountPoint: string
  version: 1 | 2
  /** v1 controllers from the mount options (empty for v2). */
  controllers: string[]
}

/** cgroup and cgroup2 mounts from /proc/mounts text. */
export function parseCgroupMounts(text: string): CgroupMount[] {
  const out: CgroupMount[] = []
  for (const line of text.split('\n')) {
    const [, mountPoint, type, options] = line.split(' ')
    if (mountPoint === undefined || options === undefined) continue
    const point = mountPoint.replace(/\\040/g, ' ')
    if (type === 'cgroup2') out.push({ mountPoint: point, version: 2, controllers: [] })
    else if (type === 'cgroup') {
      out.push({ mountPoint: point, version: 1, controllers: options.split(',') })
    }
  }
  return out
}
