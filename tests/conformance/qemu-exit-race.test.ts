/**
 * The exit_mmap() race of a 6.1 guest (conformance/exit-race.ts): seed 52 of a full run, the
 * kernel's two reports cut to the lines the rule reads. The second OOM came 16 ms after the first
 * with the grower's rss unchanged, while the first victim's 29496 kB were not back yet.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { splitKills } from '../../conformance/kernel-report.ts'
import { parseDmesg } from '../../conformance/qemu/guest-run.ts'
import { killBeforeMemoryBack, raceNote } from '../../conformance/exit-race.ts'

const LOG = readFileSync(
  join(import.meta.dirname, '..', 'fixtures', 'qemu', 'exit-race-seed52.log'),
  'utf8'
)
  .split('\n')
  .filter(l => l !== '')
const GROWER = 22144

describe('a kill before the previous victim memory is back (6.1 exit_mmap(): MMF_OOM_SKIP first)', () => {
  const kills = splitKills(parseDmesg(LOG))

  it('recognises the second kill of seed 52: the grower did not grow between the reports', () => {
    expect(kills.map(k => k.killed.pid)).toEqual([22117, 22100])
    expect(killBeforeMemoryBack(kills, 1, GROWER)).toBe(true)
    expect(raceNote(kills, 1, GROWER)).toContain('grower rss 20125 → 20125 pages')
  })

  it('not when the grower grew by the victim memory, nor for the first kill', () => {
    const grown = LOG.map(l =>
      l.startsWith('[  653.388850] [  22144]') ? l.replace(' 20125 ', ' 27500 ') : l
    )
    expect(killBeforeMemoryBack(splitKills(parseDmesg(grown)), 1, GROWER)).toBe(false)
    expect(killBeforeMemoryBack(kills, 0, GROWER)).toBe(false)
  })

  it('not when the previous victim was the grower itself', () => {
    expect(killBeforeMemoryBack(kills, 1, 22117)).toBe(false)
  })
})
