import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { cli } from '../../src/cli/main.ts'
import { runCli } from '../helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'oomkit-simcli-'))
const CHURN = `name: churn
profile: '6.1'
machine: { memory: 1G }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 10, comm: churn, rss: { anon: 1M } }
timeline:
  - { at: 1ms, do: alloc, pid: 10, gfp: GFP_KERNEL, free: true, every: 10us, count: 5000 }
expect:
  victims: [10]
`

describe('oomkit simulate flags', () => {
  it('--profile re-renders the same run as another kernel would print it', async () => {
    const r = await runCli(['simulate', '--profile', '6.1'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(
      '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name'
    )
    expect(r.stdout).not.toContain('rss_anon')
    expect(r.stdout).toMatch(
      /stress-ng-vm invoked oom-killer: gfp_mask=0x140dca\(GFP_HIGHUSER_MOVABLE\|__GFP_COMP\|__GFP_ZERO\)/
    )
  })

  it('--check exits 1 and names each unmet expectation on stderr', async () => {
    const file = join(dir, 'churn.yaml')
    writeFileSync(file, CHURN)
    const r = await runCli(['simulate', file, '--check'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      'oomkit: no OOM under profile 6.1: ended at 0.051s\n' +
        'oomkit: expect: victims: expected [10], got []\n'
    )
    const ok = await runCli(['simulate', '--check'])
    expect(ok.code).toBe(0)
  })

  it('shows a progress line on stderr only when stderr is a terminal', async () => {
    const file = join(dir, 'churn2.yaml')
    writeFileSync(file, CHURN)
    let out = ''
    let err = ''
    const code = await cli({
      argv: ['simulate', file],
      stdin: Readable.from(['']),
      stdout: { write: (s: string) => (out += s), isTTY: false },
      stderr: { write: (s: string) => (err += s), isTTY: true },
      env: { NO_COLOR: '1' },
      cwd: dir
    })
    expect(code).toBe(0)
    expect(err).toMatch(/\rsimulating \d+\.\d{3}s \/ 600s \(\d+ steps\)/)
    expect(out).not.toContain('simulating')
    const quiet = await runCli(['simulate', file])
    // No progress line; only the one line saying the run ended without an OOM.
    expect(quiet.stderr).toBe('oomkit: no OOM under profile 6.1: ended at 0.051s\n')
  })
})
