/**
 * A child parked in vfork() before exec (conformance kind `vfork`, seed 300001, this host's
 * 6.18): its row prints its parent's mm (vf1_0f beside vf1_0), the kernel passed it over
 * (oom_badness(): in_vfork()) and killed the parent, and the child died with it (it is not in
 * the second report). From the rows alone the two tie and 6.18's tie rule takes the later row;
 * the replay reads the Killed line and the scan order instead (src/explain/replay-vfork.ts).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseReports } from '../../src/explain/parser.ts'
import { replayEvent } from '../../src/explain/replay.ts'
import { profiles } from '../../src/kernel/profiles.ts'

const text = readFileSync('tests/fixtures/explain/vfork-child-618.log', 'utf8')
const first = (t: string) => parseReports(t).filter(e => e.kind === 'oom')[0]!

describe('explain: a vfork child beside its parent (6.18)', () => {
  it('skips the child, picks the parent the kernel killed, and says why', () => {
    const r = replayEvent(first(text), profiles['6.18']!)
    expect(r.victim).toEqual({ pid: 17254, comm: 'vf1_0' })
    expect(r.agrees).toBe(true)
    const child = r.ranking.find(x => x.pid === 17256)
    expect(child?.eligible).toBe(false)
    expect(child?.ineligibleReason).toMatch(/^passed over by the kernel: .*in_vfork\(\)/)
    expect(r.notes.some(n => n.startsWith('17256 (vf1_0f) prints the same memory as 17254'))).toBe(
      true
    )
  })

  it('changes nothing where the tie rule keeps the earlier row (5.2 and older)', () => {
    const r = replayEvent(first(text), profiles['4.19']!)
    expect(r.victim?.pid).toBe(17254)
    expect(r.notes.some(n => n.includes('prints the same memory'))).toBe(false)
  })

  it('cannot tell when one of the twins invoked the OOM killer (its counters moved)', () => {
    const moved = text
      .replace('] vforg1 invoked oom-killer', '] vf1_0f invoked oom-killer')
      .replace('PID: 17259 Comm: vforg1', 'PID: 17256 Comm: vf1_0f')
    const r = replayEvent(first(moved), profiles['6.18']!)
    expect(r.victim).toBeNull()
    expect(r.agrees).toBeNull()
    expect(r.reason).toMatch(/^cannot tell: 17256 \(vf1_0f\) prints the same memory as/)
  })
})
