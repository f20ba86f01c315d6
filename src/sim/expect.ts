/**
 * @module Checking a run against the scenario's `expect:` block. Returns the list of
 * mismatches (empty = as expected), each one sentence a user can act on.
 */
import { formatDmesgTimestamp } from '../kernel/printk/timestamp.ts'
import type { RunResult } from './runner.ts'
import type { Scenario } from './schema.ts'

/** The log as dmesg prints it. */
export function logText(r: RunResult): string {
  return r.log.map(l => `${formatDmesgTimestamp(l.timeNs)} ${l.text}`).join('\n')
}

/** Compare a run with `expect:`. */
export function checkExpect(s: Scenario, r: RunResult): string[] {
  const e = s.expect
  if (e === undefined) return []
  const out: string[] = []
  const sum = r.summary
  if (e.victims !== undefined) {
    const got = sum.victims.map(v => v.pid)
    if (JSON.stringify(got) !== JSON.stringify(e.victims))
      out.push(`victims: expected [${e.victims.join(', ')}], got [${got.join(', ')}]`)
  }
  if (e.panic !== undefined) {
    if (typeof e.panic === 'boolean') {
      if (e.panic !== (sum.panic !== null))
        out.push(`panic: expected ${e.panic ? 'a panic' : 'no panic'}, got ${sum.panic ?? 'none'}`)
    } else if (sum.panic === null || !sum.panic.includes(e.panic))
      out.push(`panic: expected "${e.panic}", got ${sum.panic ?? 'none'}`)
  }
  if (e.oomInvocations !== undefined && sum.oomInvocations !== e.oomInvocations)
    out.push(`oomInvocations: expected ${e.oomInvocations}, got ${sum.oomInvocations}`)
  if (e.allocFailures !== undefined && sum.allocFailures.length < e.allocFailures)
    out.push(`allocFailures: expected at least ${e.allocFailures}, got ${sum.allocFailures.length}`)
  if (e.enomem !== undefined && sum.enomem.length < e.enomem)
    out.push(`enomem: expected at least ${e.enomem}, got ${sum.enomem.length}`)
  if (e.stuck !== undefined) {
    const got = sum.stuck.map(x => x.pid).sort((a, b) => a - b)
    const want = [...e.stuck].sort((a, b) => a - b)
    if (JSON.stringify(got) !== JSON.stringify(want))
      out.push(`stuck: expected [${want.join(', ')}], got [${got.join(', ')}]`)
  }
  if (e.survivors !== undefined) {
    for (const pid of e.survivors)
      if (!sum.survivors.includes(pid)) out.push(`survivors: pid ${pid} did not survive`)
  }
  if (e.killed !== undefined) {
    const got = [
      ...new Set(
        r.trace.filter(t => t.type === 'task.sigkill').map(t => (t as { pid: number }).pid)
      )
    ].sort((a, b) => a - b)
    const want = [...e.killed].sort((a, b) => a - b)
    if (JSON.stringify(got) !== JSON.stringify(want))
      out.push(`killed: expected [${want.join(', ')}], got [${got.join(', ')}]`)
  }
  const text = r.log.map(l => l.text)
  for (const want of e.logContains ?? [])
    if (!text.some(t => t.includes(want))) out.push(`log: missing "${want}"`)
  for (const bad of e.logNotContains ?? [])
    if (text.some(t => t.includes(bad))) out.push(`log: unexpected "${bad}"`)
  return out
}
