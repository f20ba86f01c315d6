/**
 * Fast growers under real memcg pressure (issue 19): a grower at 1 GiB/s must end with the
 * daemon's kill and no kernel memcg OOM, run after run (alone, and with a second one behind the
 * first victim); one and two growers at 200 MiB/s still end with the growers killed by the
 * daemon and no kernel OOM. A bounded number of runs
 * here; `OOMKIT_GROWER_RUNS=20 npx vitest run tests/daemon/fast-grower.test.ts` for the full
 * figure (printed on stderr), `OOMKIT_STEADY_RUNS=20` for 20 rounds of the 200 MiB/s case.
 */
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildHog, labUnavailable, tempDir } from './cgroup-lab.ts'
import { growerRun } from './grower-lab.ts'
import type { GrowerSpec } from './grower-lab.ts'
import { holdKernelLockPerTest } from '../kernel-lock.ts'

const reason = labUnavailable()
if (reason) process.stderr.write(`tests/daemon/fast-grower: skipped (${reason})\n`)

const RUNS = Number(process.env.OOMKIT_GROWER_RUNS ?? 5)
/** Rounds of the 200 MiB/s case (one and two growers each). */
const STEADY_RUNS = Number(process.env.OOMKIT_STEADY_RUNS ?? 1)
/** 8 MiB every 8 ms: 1 GiB/s. */
const FAST: GrowerSpec = { stepMib: 8, intervalMs: 8, maxMib: 1000 }
/** 8 MiB every 40 ms: 200 MiB/s. */
const STEADY: GrowerSpec = { stepMib: 8, intervalMs: 40, maxMib: 1000 }

describe.skipIf(reason !== null)('fast growers in a 300 MiB memory cgroup', () => {
  let work = ''
  let hogPath = ''
  holdKernelLockPerTest()

  beforeAll(() => {
    work = tempDir('oomkit-grower-')
    hogPath = buildHog(work)
  })
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it(
    `a 1 GiB/s grower ends with the daemon's kill and no kernel OOM (${RUNS} runs)`,
    async () => {
      let won = 0
      const failures: string[] = []
      for (let i = 0; i < RUNS; i++) {
        const o = await growerRun(hogPath, work, `fast${i}`, [FAST])
        if (o.kernelKills === 0 && o.daemonKills.length > 0 && o.growersDead) won++
        else failures.push(`run ${i}: ${JSON.stringify({ ...o, stderr: o.stderr.slice(-3000) })}`)
      }
      process.stderr.write(`fast grower (1 GiB/s): daemon won ${won} of ${RUNS} runs\n`)
      expect(failures).toEqual([])
    },
    60_000 + RUNS * 25_000
  )

  it(
    'one and two growers at 200 MiB/s: the growers go, the residents stay, no kernel OOM',
    async () => {
      const cases = Array.from({ length: STEADY_RUNS }, (_, i) => [
        [`one${i}`, [STEADY]],
        [`two${i}`, [STEADY, STEADY]]
      ]).flat() as [string, GrowerSpec[]][]
      for (const [tag, growers] of cases) {
        const o = await growerRun(hogPath, work, tag, [...growers])
        expect(o.kernelKills, o.stderr).toBe(0)
        expect(o.growersDead, o.stderr).toBe(true)
        // With two growers each is small when the stage is crossed: the engine's first victim may
        // be the 80 MiB resident, never more than that.
        expect(o.residentsKilled, o.stderr).toBeLessThanOrEqual(growers.length - 1)
      }
    },
    60_000 + STEADY_RUNS * 30_000
  )
})
