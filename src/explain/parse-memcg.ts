/**
 * @module The memcg block of a memcg OOM: v1 "Task in X killed as a result of limit of Y" and
 * "Memory limit reached of cgroup", the memory/memory+swap/kmem/swap counter lines (kB), the
 * 4.18-rc cgroup2 draft ("memory N (max M)", bytes), "Memory cgroup stats for P:" with inline
 * " key:NKB" pairs or followed by "key value" lines, and 6.19's protection line.
 */

/** A decimal as a number, or a bigint when it is above 2^53 (unlimited memcg limits). */
export function bigNum(text: string): number | bigint {
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : BigInt(text)
}

/** One recognised memcg line. */
export type MemcgLine =
  | { kind: 'memcg-task-in'; taskMemcg: string; oomMemcg: string }
  | { kind: 'memcg-limit-reached'; oomMemcg: string }
  | {
      kind: 'memcg-counter'
      which: 'memory' | 'memsw' | 'kmem' | 'swap' | 'tcpmem'
      usageKb: number | bigint
      limitKb: number | bigint
      failcnt: number
    }
  | { kind: 'memcg-draft'; which: 'memory' | 'swap'; bytes: number; maxBytes: number | null }
  | { kind: 'memcg-stats-for'; path: string; entries: [string, number | bigint][] }
  | { kind: 'memcg-protection' }

const TASK_IN = /^Task in (.*) killed as a result of limit of (.*?)\s*$/
const COUNTER =
  /^(memory|memory\+swap|kmem|swap|tcpmem): usage (\d+)kB, limit (\d+)kB, failcnt (\d+)/
const DRAFT = /^(memory|swap) (\d+)(?: \(max (\d+)\))?\s*$/
const STATS_FOR = /^Memory cgroup stats for (.*?):(.*)$/
const INLINE_STAT = /\s([a-z_]+):(\d+)KB/g

/** Classify a memcg-block line, or null. `draftAllowed` enables the bare "swap N" form. */
export function parseMemcgLine(text: string, draftAllowed = false): MemcgLine | null {
  const t = text.trimStart()
  let m: RegExpExecArray | null
  if ((m = TASK_IN.exec(t)))
    return { kind: 'memcg-task-in', taskMemcg: m[1] ?? '', oomMemcg: m[2] ?? '' }
  if (t.startsWith('Memory limit reached of cgroup '))
    return {
      kind: 'memcg-limit-reached',
      oomMemcg: t.slice('Memory limit reached of cgroup '.length).trim()
    }
  if ((m = COUNTER.exec(t))) {
    const w = m[1]
    const which = w === 'memory+swap' ? 'memsw' : (w as 'memory' | 'kmem' | 'swap' | 'tcpmem')
    return {
      kind: 'memcg-counter',
      which,
      usageKb: bigNum(m[2] ?? '0'),
      limitKb: bigNum(m[3] ?? '0'),
      failcnt: Number(m[4])
    }
  }
  if ((m = STATS_FOR.exec(t))) {
    const entries: [string, number | bigint][] = []
    const rest = m[2] ?? ''
    INLINE_STAT.lastIndex = 0
    let s: RegExpExecArray | null
    while ((s = INLINE_STAT.exec(rest)) !== null) entries.push([s[1] ?? '', Number(s[2])])
    return { kind: 'memcg-stats-for', path: m[1] ?? '', entries }
  }
  if (t.startsWith('Memory cgroup min protection')) return { kind: 'memcg-protection' }
  if ((m = DRAFT.exec(t)) && (m[3] !== undefined || draftAllowed))
    return {
      kind: 'memcg-draft',
      which: m[1] as 'memory' | 'swap',
      bytes: Number(m[2]),
      maxBytes: m[3] === undefined ? null : Number(m[3])
    }
  return null
}

/** A "key value" memory.stat line ("anon 528056320"), or null. */
export function parseStatLine(text: string): [string, number | bigint] | null {
  const m = /^\s*([a-z][a-z0-9_]*) (-?\d+)\s*$/.exec(text)
  return m ? [m[1] ?? '', bigNum(m[2] ?? '0')] : null
}
