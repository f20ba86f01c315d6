/**
 * @module The memory-cgroup block of a memcg OOM: mem_cgroup_print_oom_info() (<= 5.2) and
 * mem_cgroup_print_oom_meminfo() (>= 5.3), reference §11.4.
 */
import type { MemcgCounter, MemcgInfo } from '../oom-report.ts'
import type { KernelProfile } from '../profiles.ts'
import { u64 } from './printf.ts'

/** `%s: usage %llukB, limit %llukB, failcnt %lu`. */
function counterLine(name: string, c: MemcgCounter): string {
  return `${name}: usage ${u64(c.usageKb)}kB, limit ${u64(c.limitKb)}kB, failcnt ${c.failcnt}`
}

/** The "Task in ..." / "Memory limit reached of cgroup ..." line (<= 4.20). */
export function renderTaskInLine(m: MemcgInfo): string {
  return m.taskMemcg !== null
    ? `Task in ${m.taskMemcg} killed as a result of limit of ${m.oomMemcg}`
    : `Memory limit reached of cgroup ${m.oomMemcg}`
}

/**
 * The memcg block, one string per dmesg line:
 * - 'taskIn' (<= 4.20): "Task in %s killed as a result of limit of %s", the memory,
 *   memory+swap and kmem lines, then per memcg of the subtree one line
 *   "Memory cgroup stats for %s:" followed by ` key:%luKB` pairs (values in kB).
 * - 'v5.0' (5.0–5.2): the same without the "Task in" line.
 * - 'v5.3' (>= 5.3): memory line, then "swap:" (v2) or "memory+swap:" and "kmem:" (v1),
 *   "Memory cgroup stats for %s:" and the memory.stat text as "key value" lines.
 * Which counter lines print follows the data (`swap` for v2, `memsw`/`kmem` for v1).
 */
export function renderMemcgInfo(m: MemcgInfo, profile: KernelProfile): string[] {
  const form = profile.format.memcgInfo
  const out: string[] = []
  if (form === 'taskIn') out.push(renderTaskInLine(m))
  out.push(counterLine('memory', m.memory))
  if (m.swap !== undefined) out.push(counterLine('swap', m.swap))
  if (m.memsw !== undefined) out.push(counterLine('memory+swap', m.memsw))
  if (m.kmem !== undefined) out.push(counterLine('kmem', m.kmem))
  if (form === 'v5.3') {
    for (const block of m.stats) {
      out.push(`Memory cgroup stats for ${block.path}:`)
      for (const [k, v] of block.entries) out.push(`${k} ${u64(v)}`)
    }
  } else {
    for (const block of m.stats) {
      const pairs = block.entries.map(([k, v]) => ` ${k}:${u64(v)}KB`).join('')
      out.push(`Memory cgroup stats for ${block.path}:${pairs}`)
    }
  }
  return out
}
