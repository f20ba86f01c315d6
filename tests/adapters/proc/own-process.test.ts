import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ownCapSysResource, setOwnOomScoreAdj } from '../../../src/adapters/proc/own-process.ts'

function self(capEff: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'oomkit-self-'))
  writeFileSync(join(dir, 'status'), `Name:\tnode\nUid:\t0\t0\t0\t0\nCapEff:\t${capEff}\n`)
  writeFileSync(join(dir, 'oom_score_adj'), '0\n')
  return dir
}

describe('/proc/self', () => {
  it('CAP_SYS_RESOURCE (bit 24) in CapEff', () => {
    expect(ownCapSysResource(self('0000000001000000'))).toBe(true)
    expect(ownCapSysResource(self('000001fffeffffff'))).toBe(false)
    expect(ownCapSysResource(join(tmpdir(), 'oomkit-no-such-dir'))).toBe(false)
  })

  it('writes oom_score_adj and reads back what is in effect', () => {
    const dir = self('0')
    expect(setOwnOomScoreAdj(-900, dir)).toEqual({ wanted: -900, actual: -900, error: null })
  })
})
