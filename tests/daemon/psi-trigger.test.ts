import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { openPsiTrigger, psiTriggerProblem } from '../../src/adapters/pidfd/psi-trigger.ts'

describe('PSI triggers', () => {
  it('enforces the kernel limits for callers without CAP_SYS_RESOURCE', () => {
    expect(psiTriggerProblem(150, 2000, false)).toBeNull()
    expect(psiTriggerProblem(150, 1000, false)).toBe(
      'window 1000 ms must be a multiple of 2 s without CAP_SYS_RESOURCE'
    )
    expect(psiTriggerProblem(150, 1000, true)).toBeNull()
    expect(psiTriggerProblem(150, 20_000, true)).toBe('window 20000 ms is outside 500 ms..10 s')
    expect(psiTriggerProblem(3000, 2000, false)).toBe('stall 3000 ms must be within the window')
  })

  it.skipIf(!existsSync('/proc/pressure/memory'))(
    'registers a NUL-terminated trigger on /proc/pressure/memory',
    async () => {
      const t = await openPsiTrigger('/proc/pressure/memory', 'some', 150, 2000, () => undefined)
      expect(t).toEqual({ spec: 'some 150000 2000000', close: expect.any(Function) })
      if ('close' in t) t.close()
      // The kernel itself refuses what the check above refuses (here: no CAP_SYS_RESOURCE).
      const capEff = BigInt(
        `0x${/CapEff:\s+(\w+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]}`
      )
      const sysResource = ((capEff >> 24n) & 1n) === 1n
      const oneSecond = await openPsiTrigger(
        '/proc/pressure/memory',
        'some',
        100,
        1000,
        () => undefined
      )
      if (sysResource) expect(oneSecond).not.toHaveProperty('error')
      else expect(oneSecond).toEqual({ error: 'trigger "some 100000 1000000" refused: EINVAL' })
      if ('close' in oneSecond) oneSecond.close()
    }
  )
})
