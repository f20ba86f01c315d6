/** `oomkit explain` end to end, in-process. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers.ts'

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'oomlogs')
const log = (name: string): string => join(fixtures, name)

describe('oomkit explain', () => {
  it('--json gives the kernel victim, the trigger, the tasks and the replay', async () => {
    const r = await runCli(['explain', '--json', log('cadvisor_2.log')])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const out = JSON.parse(r.stdout)
    expect(out.reports).toHaveLength(1)
    const rep = out.reports[0]
    expect(rep.killed).toMatchObject({ pid: 1532, comm: 'badsysprogram' })
    expect(rep.trigger).toMatchObject({ comm: 'badsysprogram', pid: 1532, order: 0 })
    expect(rep.constraint).toBe('CONSTRAINT_NONE')
    expect(rep.tasks).toHaveLength(28)
    expect(rep.replay.victim).toEqual({ pid: 1532, comm: 'badsysprogram' })
    expect(rep.replay.agrees).toBe(true)
    expect(rep.replay.ranking[0]).toMatchObject({
      rank: 1,
      pid: 1532,
      comm: 'badsysprogram',
      eligible: true,
      scanIndex: 27
    })
    const ranking = rep.replay.ranking as unknown[]
    expect(ranking[ranking.length - 1]).toMatchObject({ pid: 1268, comm: 'sshd', eligible: false })
    expect(Array.isArray(rep.warnings)).toBe(true)
  })

  it('human text: one section per event with the ranking and what would have saved the victim', async () => {
    const r = await runCli(['explain', log('cnnotes611_1.log')])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/OOM event 1 /)
    expect(r.stdout).toMatch(/killed: +pid 116 \(stress-ng-vm\)/)
    expect(r.stdout).toMatch(/protected 114 \(stress-ng\): oom_score_adj -1000/)
    expect(r.stdout).toMatch(/saved by: oom_score_adj -986 or lower on 116/)
    expect(r.stdout).toMatch(/agrees: +yes/)
  })

  it('reads stdin with - and when no file is given', async () => {
    const text = readFileSync(log('monocular_1.log'), 'utf8')
    for (const argv of [
      ['explain', '--json', '-'],
      ['explain', '--json']
    ]) {
      const r = await runCli(argv, { stdin: text })
      expect(r.code).toBe(0)
      expect(JSON.parse(r.stdout).reports[0].killed).toMatchObject({
        pid: 24518,
        comm: 'monocular'
      })
    }
  })

  it('says so when there is no OOM report, and exits 0', async () => {
    const r = await runCli(['explain', '-'], { stdin: '[    0.000000] Linux version 6.1.0\n' })
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('no OOM report found\n')
    const j = await runCli(['explain', '--json', '-'], { stdin: 'nothing here\n' })
    expect(JSON.parse(j.stdout).reports).toEqual([])
  })

  it('a missing file is one line on stderr and exit 2', async () => {
    const r = await runCli(['explain', 'no/such.log'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('oomkit: no/such.log: no such file\n')
    expect(r.stdout).toBe('')
  })

  it('--profile overrides the guess; an unknown profile is a usage error', async () => {
    const r = await runCli(['explain', '--json', '--profile', '6.1', log('cadvisor_2.log')])
    expect(JSON.parse(r.stdout).reports[0].profile).toBe('6.1')
    const bad = await runCli(['explain', '--profile', 'nope', log('cadvisor_2.log')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^oomkit: unknown profile "nope"/)
  })
})
