/**
 * The real-kernel conformance suite inside `npm test`: runs the harness (30 generated cases plus
 * the hand-written ones) against this machine's kernel and asserts the four checks on every kill.
 * Where the machine cannot run it (not Linux, not root, no memory cgroup, no compiler) it says so
 * in one line and the suite is skipped — never silently passed.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { staleCgroups } from '../../conformance/cgroup.ts'
import { defaultCases } from '../../conformance/cases.ts'
import type { CheckId } from '../../conformance/checks/types.ts'
import { probeEnvironment } from '../../conformance/environment.ts'
import { SKIP_REAL_KERNEL, SKIP_REAL_KERNEL_REASON } from '../real-kernel-skip.ts'
import { runConformance, type ConformanceResult } from '../../conformance/runner.ts'
import { caseFailureText, summaryLine } from '../../conformance/summary.ts'

const env = SKIP_REAL_KERNEL
  ? { ok: false as const, reason: SKIP_REAL_KERNEL_REASON }
  : probeEnvironment()
if (!env.ok) console.log(`conformance: skipped on this machine: ${env.reason}`)

const COUNT = Number(process.env.OOMKIT_CONFORMANCE_CASES ?? 30)

describe.skipIf(!env.ok)('real-kernel conformance (the machine kernel is the oracle)', () => {
  let result: ConformanceResult

  beforeAll(async () => {
    result = await runConformance({ cases: defaultCases(COUNT) })
  }, 300_000)

  afterAll(() => {
    if (result === undefined) return
    const notes = result.outcomes.flatMap(o =>
      ([1, 2, 3, 4] as const).flatMap(id =>
        (o.checks[id].notes ?? []).map(n => `note (check ${id}): ${n}`)
      )
    )
    console.log([...notes, summaryLine(result)].join('\n'))
  })

  /** The failure text of every case that has a problem with check `id`. */
  function failures(id: CheckId): string {
    return result.outcomes
      .filter(o => o.checks[id].unavailable !== undefined || o.checks[id].disagreements.length > 0)
      .flatMap(o => caseFailureText(o))
      .join('\n')
  }

  it('runs every case and the kernel kills in each', () => {
    const broken = result.outcomes.filter(o => o.run.errors.length > 0 || o.run.kills.length === 0)
    expect(broken.flatMap(o => caseFailureText(o)).join('\n')).toBe('')
    expect(result.outcomes.length).toBeGreaterThanOrEqual(COUNT)
  })

  it('leaves no case cgroup and no hog process behind', () => {
    if (!env.ok) return
    expect(staleCgroups(env.controller)).toEqual([])
    const hogs = readdirSync('/proc')
      .filter(n => /^\d+$/.test(n))
      .filter(n => {
        try {
          return readFileSync(`/proc/${n}/cmdline`, 'utf8').includes('/oomkit-hog-')
        } catch {
          return false
        }
      })
    expect(hogs).toEqual([])
  })

  for (const [id, what] of [
    [1, 'explain parses every report and its replay picks the kernel victim'],
    [2, 'the simulator kills the same victims in the same order'],
    [3, "the printer reproduces the kernel's task rows, oom-kill and Killed lines byte for byte"],
    [4, 'procOomScore equals /proc/<pid>/oom_score for every hog']
  ] as const) {
    it(`check ${id}: ${what}`, () => {
      expect(failures(id)).toBe('')
      const agreed = result.outcomes.reduce((n, o) => n + o.checks[id].agreed, 0)
      const total = result.outcomes.reduce((n, o) => n + o.checks[id].total, 0)
      expect(total).toBeGreaterThan(0)
      expect(agreed).toBe(total)
    })
  }
})
