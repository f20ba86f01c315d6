/**
 * @module The threads of one process from /proc/<pid>/task/<tid>/: tid, comm and state from
 * each thread's stat, and for a blocked thread (state D) where it sleeps (wchan, syscall) and
 * which children it forked. Only blocked threads cost the three extra reads, so a full scan
 * stays one read per thread.
 */
import { existsSync, readdirSync } from 'node:fs'
import type { BlockedTask, Read, TaskReading } from './host-source.ts'
import { parseStat } from './parse-proc.ts'
import { failureOf, readText } from './read-text.ts'

/** wchan: a symbol name, or '0' when the kernel hides it (no ptrace access) or it runs. */
export function parseWchan(text: string): string | null {
  const w = text.trim()
  return w === '' || w === '0' ? null : w
}

/** syscall: "nr arg0 ... sp pc" (hex args), "running", or "-1 sp pc" outside a syscall. */
export function parseSyscall(text: string): { nr: number | null; arg0: number | null } {
  const f = text.trim().split(/\s+/)
  const nr = Number(f[0])
  if (!Number.isInteger(nr) || nr < 0) return { nr: null, arg0: null }
  const arg0 = f[1] === undefined ? NaN : Number(f[1])
  return { nr, arg0: Number.isFinite(arg0) ? arg0 : null }
}

/** children: space-separated pids. */
export function parseChildren(text: string): number[] {
  return text
    .split(/\s+/)
    .filter(s => s !== '')
    .map(Number)
    .filter(n => Number.isInteger(n) && n > 0)
}

function blockedTask(dir: string): BlockedTask {
  const wchan = readText(`${dir}/wchan`)
  const sys = readText(`${dir}/syscall`)
  const children = readText(`${dir}/children`)
  const call = sys.ok ? parseSyscall(sys.value) : { nr: null, arg0: null }
  return {
    wchan: wchan.ok ? parseWchan(wchan.value) : null,
    syscallNr: call.nr,
    syscallArg0: call.arg0,
    children: children.ok ? parseChildren(children.value) : null
  }
}

/** The threads of `pid` under the /proc directory `proc`; threads that exit meanwhile are
 * skipped; the process itself gone is `gone`, a tree without task directories `absent`. */
export function readTasks(proc: string, pid: number): Read<TaskReading[]> {
  const base = `${proc}/${pid}/task`
  let names: string[]
  try {
    names = readdirSync(base)
  } catch (error) {
    const why = failureOf(error)
    // No task directory in a process that is still there: a captured tree without threads.
    if (why === 'absent' && !existsSync(`${proc}/${pid}`)) return { ok: false, why: 'gone' }
    return { ok: false, why }
  }
  const tids = names.map(Number).filter(n => Number.isInteger(n) && n > 0)
  const out: TaskReading[] = []
  for (const tid of tids.sort((a, b) => a - b)) {
    const dir = `${base}/${tid}`
    const stat = readText(`${dir}/stat`)
    if (!stat.ok) continue
    const st = parseStat(stat.value)
    out.push({
      tid,
      comm: st.comm,
      state: st.state,
      blocked: st.state === 'D' ? blockedTask(dir) : null
    })
  }
  return { ok: true, value: out }
}
