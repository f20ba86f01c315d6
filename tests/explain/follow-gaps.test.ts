/**
 * `explain --follow` and gaps in the log: /dev/kmsg records overwritten before they were read
 * (EPIPE from read(), or a jump in SEQ) are reported as "N messages lost" and reading goes on;
 * the report near the gap carries a `log-gap` warning, as for journald's "Missed N kernel
 * messages" and the kernel's "callbacks suppressed".
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { kmsgLines } from '../../src/adapters/kmsg/kmsg-lines.ts'
import type { KmsgFile } from '../../src/adapters/kmsg/kmsg-lines.ts'
import { createFollower } from '../../src/explain/follow.ts'
import type { ExplainModel } from '../../src/explain/explain-model.ts'
import { runCli } from '../helpers.ts'

/** A record's text, or the errno one read fails with. */
type Step = string

/** A fake /dev/kmsg: one record per read, errors where the script says, then the end. */
function fakeKmsg(steps: readonly Step[]): KmsgFile {
  let i = 0
  const read = (buf: Buffer): Promise<{ bytesRead: number; buffer: Buffer }> => {
    const s = steps[i++]
    if (s === undefined) return Promise.resolve({ bytesRead: 0, buffer: buf })
    if (s === 'EAGAIN' || s === 'EPIPE')
      return Promise.reject(Object.assign(new Error(s), { code: s }))
    const n = buf.write(s)
    return Promise.resolve({ bytesRead: n, buffer: buf })
  }
  const file: unknown = { read, close: () => Promise.resolve() }
  return file as KmsgFile
}

async function collect(steps: readonly Step[]): Promise<string[]> {
  const out: string[] = []
  for await (const l of kmsgLines(0, undefined, 'fake', () => Promise.resolve(fakeKmsg(steps))))
    out.push(l)
  return out
}

describe('kmsgLines', () => {
  it('goes on after EPIPE and says how many records were lost', async () => {
    const lines = await collect([
      '6,10,1000000,-;one\n',
      'EAGAIN',
      'EPIPE',
      '6,14,2000000,-;after the gap\n',
      '6,15,2000001,-;next\n'
    ])
    expect(lines).toEqual([
      '[    1.000000] one',
      'oomkit: /dev/kmsg: 3 messages lost (overwritten in the ring buffer before they were read)',
      '[    2.000000] after the gap',
      '[    2.000001] next'
    ])
  })
})

describe('the follower and gap lines', () => {
  const example = join(import.meta.dirname, '..', '..', 'examples', 'stuck-victim.yaml')

  it('a gap inside a report, or before one, becomes a log-gap warning on it', async () => {
    const sim = await runCli(['simulate', example])
    const lines = sim.stdout.split('\n')
    const second = lines.findIndex((l, i) => i > 0 && l.includes('invoked oom-killer'))
    const withGaps = [
      ...lines.slice(0, 5),
      'oomkit: /dev/kmsg: 12 messages lost (overwritten in the ring buffer before they were read)',
      ...lines.slice(5, second),
      '[    9.000000] oom_kill_process: 4 callbacks suppressed',
      ...lines.slice(second)
    ]
    const f = createFollower()
    const models: ExplainModel[] = []
    for (const l of withGaps) models.push(f.push(l))
    models.push(f.idle())
    const reports = models.flatMap(m => m.reports)
    expect(reports).toHaveLength(2)
    const gaps = reports.map(r => r.warnings.filter(w => w.code === 'log-gap').map(w => w.message))
    expect(gaps[0]?.[0]).toMatch(/^12 \/dev\/kmsg messages lost/)
    expect(gaps[1]?.[0]).toMatch(/ratelimit in oom_kill_process suppressed 4 messages/)
    expect(reports.map(r => r.verdict.result)).toEqual(['agrees', 'agrees'])
  })

  it('journalctl -k -f: "Missed N kernel messages" is reported the same way', async () => {
    const sim = await runCli(['simulate', example])
    const text = `Dec 03 10:00:00 h systemd-journald[312]: Missed 7 kernel messages\n${sim.stdout}`
    const r = await runCli(['explain', '--follow', '--json', '-'], { stdin: text })
    const first = JSON.parse(r.stdout.split('\n')[0] ?? '{}') as ExplainModel
    expect(first.reports[0]?.warnings.map(w => w.message)).toContain(
      'journald missed 7 kernel messages: this report may be incomplete, or a report may be missing'
    )
  })
})
