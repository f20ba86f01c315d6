/** Patterns seen in pasted reports, each with a small fixture written from the pattern. */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ExplainModel } from '../../src/explain/explain-model.ts'
import { runCli } from '../helpers.ts'

const fixture = (name: string): string =>
  join(import.meta.dirname, '..', 'fixtures', 'explain', name)

async function explainJson(file: string): Promise<ExplainModel> {
  const r = await runCli(['explain', '--json', file])
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as ExplainModel
}

describe('explain patterns', () => {
  it('oom.group kills spread over 20 ms with "already exiting" lines stay in one report', async () => {
    const m = await explainJson(fixture('oom-group-spread.log'))
    expect(m.reports).toHaveLength(1)
    const r = m.reports[0]
    expect(r?.kills).toEqual([
      { pid: 801, comm: 'worker', reason: 'victim', source: 'killed' },
      { pid: 800, comm: 'driver', reason: 'oom-group', source: 'killed' },
      { pid: 802, comm: 'helper', reason: 'oom-group', source: 'killed' }
    ])
    expect(r?.verdict.result).toBe('agrees')
    expect(r?.warnings.map(w => w.code)).not.toContain('missing-header')
  })

  it('a lone oom_reaper line never becomes its own report', async () => {
    const m = await explainJson(fixture('reaper-lone.log'))
    expect(m.reports).toHaveLength(1)
    const r = m.reports[0]
    expect(r?.killed?.pid).toBe(801)
    expect(r?.kills.map(k => k.pid)).toEqual([801, 800])
    const codes = r?.warnings.map(w => w.code)
    expect(codes).toContain('reaper-orphan')
    expect(codes).toContain('reaper-unmatched')
  })

  it('the replay honours MMF_OOM_SKIP after the reaper: simulate stuck-victim | explain agrees', async () => {
    const example = join(import.meta.dirname, '..', '..', 'examples', 'stuck-victim.yaml')
    const sim = await runCli(['simulate', example])
    const r = await runCli(['explain', '--json', '-'], { stdin: sim.stdout })
    const m = JSON.parse(r.stdout) as ExplainModel
    expect(m.reports).toHaveLength(2)
    expect(m.reports.map(x => x.verdict.result)).toEqual(['agrees', 'agrees'])
    const second = m.reports[1]
    const skipped = second?.replay.ranking.find(x => x.pid === 900)
    expect(skipped?.eligible).toBe(false)
    expect(skipped?.ineligibleReason).toMatch(/MMF_OOM_SKIP/)
    expect(second?.replay.whatIf?.nextVictim ?? null).toBeNull()
    const text = await runCli(['explain', '-'], { stdin: sim.stdout })
    const secondText = text.stdout.slice(text.stdout.indexOf('OOM event 2'))
    expect(secondText).not.toMatch(/oom_score_adj -\d+ or lower on 900/)
  })

  it('oom_kill_allocating_task: the replay picks the allocating task', async () => {
    const example = join(
      import.meta.dirname,
      '..',
      '..',
      'examples',
      'oom-kill-allocating-task.yaml'
    )
    const sim = await runCli(['simulate', '--profile', '6.1', example])
    const r = await runCli(['explain', '--json', '-'], { stdin: sim.stdout })
    const [rep] = (JSON.parse(r.stdout) as ExplainModel).reports
    expect(rep?.verdict.result).toBe('agrees')
    expect(rep?.replay.victim?.pid).toBe(rep?.trigger?.pid)
  })

  it('"> "-quoted mail without timestamps, with a prose "invoked oom-killer:" line, is one report', async () => {
    const m = await explainJson(fixture('quoted-mail.log'))
    expect(m.reports).toHaveLength(1)
    const r = m.reports[0]
    expect(r?.trigger?.comm).toBe('loader')
    expect(r?.killed).toMatchObject({ pid: 2701, comm: 'report-job' })
    expect(r?.tasks).toHaveLength(3)
    expect(r?.verdict.result).toBe('agrees')
  })

  it('--follow --json -: one JSON line per report as the stream goes', async () => {
    const example = join(import.meta.dirname, '..', '..', 'examples', 'stuck-victim.yaml')
    const sim = await runCli(['simulate', example])
    const r = await runCli(['explain', '--follow', '--json', '-'], { stdin: sim.stdout })
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(2)
    const models = lines.map(l => JSON.parse(l) as ExplainModel)
    expect(models.map(m => [m.version, m.reports[0]?.index, m.reports[0]?.verdict.result])).toEqual(
      [
        [1, 1, 'agrees'],
        [1, 2, 'agrees']
      ]
    )
  })

  it('a RHEL6 table without a swap column: verdict unknown with the reason, and no advice', async () => {
    const m = await explainJson(fixture('rhel6-no-swap-column.log'))
    const r = m.reports[0]
    expect(r?.verdict.result).toBe('unknown')
    expect(r?.verdict.reason).toMatch(/no swap column/)
    expect(r?.replay.whatIf).toBeNull()
    const text = await runCli(['explain', fixture('rhel6-no-swap-column.log')])
    expect(text.stdout).not.toMatch(/saved by:|agrees: +NO/)
  })

  it('UTF-16 with a BOM (and CRLF), by path and on stdin, is decoded', async () => {
    const file = fixture('utf16le-bom.log')
    const byPath = await explainJson(file)
    expect(byPath.reports.map(r => [r.killed?.pid, r.verdict.result])).toEqual([[2701, 'agrees']])
    const { readFileSync } = await import('node:fs')
    const bytes = readFileSync(file)
    const { parseBuffer } = await import('../../src/explain/read-input.ts')
    const events = parseBuffer(bytes)
    expect(events.map(e => e.victim?.pid)).toEqual([2701])
  })
})

describe('explain patterns: kernels before 2.6.36', () => {
  it('2.6.26: a pre-2.6.36 profile, its gfp bits, a complete short Killed line, verdict unknown with the reason', async () => {
    const m = await explainJson(fixture('linux-2.6.26-sacrifice.log'))
    const r = m.reports[0]
    expect(r?.profile).toBe('2.6.26')
    expect(r?.trigger?.gfpFlags).toEqual(['GFP_HIGHUSER_MOVABLE', '__GFP_COLD'])
    expect(r?.warnings.map(w => w.code)).not.toContain('killed-truncated')
    expect(r?.kills.map(k => k.pid)).toEqual([4242])
    expect(r?.verdict.result).toBe('unknown')
    expect(r?.verdict.reason).toMatch(/before 2\.6\.36.*children.*CPU time.*run time.*nice/)
    expect(r?.replay.whatIf).toBeNull()
    const protectedRows = r?.replay.ranking.filter(x => !x.eligible).map(x => x.pid)
    expect(protectedRows).toEqual([1, 1873])
    expect(r?.replay.replayScore).toBe(11932)
  })
})

describe('explain patterns: lines wrapped as pasted', () => {
  it('task rows wrapped before the comm or mid-row, and an oom-kill: line cut inside a value, are joined', async () => {
    const m = await explainJson(fixture('wrapped-row-and-summary.log'))
    expect(m.reports).toHaveLength(1)
    const r = m.reports[0]
    expect(r?.tasks?.map(t => [t.pid, t.comm, t.rss])).toEqual([
      [800, 'driver', 2048],
      [801, 'worker', 21972],
      [802, 'logger', 512]
    ])
    const codes = r?.warnings.map(w => w.code)
    expect(codes).not.toContain('row-truncated')
    expect(codes).not.toContain('summary-truncated')
    expect(r?.taskMemcg).toBe('/system.slice/batch-runner.service')
    expect(r?.verdict.result).toBe('agrees')
    const text = await runCli(['explain', fixture('wrapped-row-and-summary.log')])
    expect(text.stdout).not.toMatch(/\d+ \(\) outscored/)
    expect(text.stdout).toMatch(/801 \(worker\) outscored 800 \(driver\)/)
  })
})

describe('explain patterns: scope', () => {
  it('a memcg OOM printed as CONSTRAINT_NONE is explained as the memcg OOM it is, with a warning', async () => {
    const m = await explainJson(fixture('memcg-printed-constraint-none.log'))
    const r = m.reports[0]
    expect(r?.constraint).toBe('CONSTRAINT_MEMCG')
    expect(r?.warnings.map(w => w.code)).toContain('constraint-mislabelled')
    expect(r?.verdict.result).toBe('agrees')
    const text = await runCli(['explain', fixture('memcg-printed-constraint-none.log')])
    expect(text.stdout).not.toMatch(/whole system/)
    expect(text.stdout).toMatch(/memory cgroup \/kubepods\.slice\/\S+ was at its limit/)
  })

  it('an oom.group kill that included init: every member and init in kills, the panic kept', async () => {
    const m = await explainJson(fixture('oom-group-kills-init-panic.log'))
    expect(m.reports).toHaveLength(1)
    const r = m.reports[0]
    expect(r?.kills.map(k => [k.pid, k.reason])).toEqual([
      [801, 'victim'],
      [800, 'oom-group'],
      [1, 'oom-group']
    ])
    expect(r?.panic).toMatch(/Attempted to kill init!/)
  })

  it('group members shown only by oom_reaper lines, and init only by the panic, are still kills', async () => {
    const { readFileSync } = await import('node:fs')
    const text = readFileSync(fixture('oom-group-kills-init-panic.log'), 'utf8')
      .split('\n')
      .filter(l => !/Killed process (800|1) /.test(l))
      .map(l =>
        l.includes('Killed process 801') && l.includes('090029')
          ? l.replace(
              /Killed process 801 .*/,
              'oom_reaper: reaped process 800 (driver), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB'
            )
          : l
      )
      .join('\n')
    const r = await runCli(['explain', '--json', '-'], { stdin: text })
    const rep = (JSON.parse(r.stdout) as ExplainModel).reports[0]
    expect(rep?.kills.map(k => [k.pid, k.reason, k.source])).toEqual([
      [801, 'victim', 'killed'],
      [800, 'oom-group', 'reaper'],
      [1, 'oom-group', 'panic']
    ])
    expect(rep?.warnings.map(w => w.code)).not.toContain('reaper-unmatched')
  })

  it('RHEL6: init killed as a process sharing the victim mm, then the panic', async () => {
    const m = await explainJson(fixture('rhel6-init-shares-mm-panic.log'))
    expect(m.reports).toHaveLength(1)
    const r = m.reports[0]
    expect(r?.profile).toBe('rhel6')
    expect(r?.kills.map(k => [k.pid, k.reason])).toEqual([
      [1300, 'victim'],
      [1, 'mm-sharer']
    ])
    expect(r?.panic).toMatch(/Attempted to kill init!/)
    expect(r?.verdict.result).toBe('agrees')
  })
})
