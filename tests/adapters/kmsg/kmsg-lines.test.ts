/** /dev/kmsg records as dmesg lines. */
import { describe, expect, it } from 'vitest'
import { kmsgLine, parseKmsgRecord } from '../../../src/adapters/kmsg/kmsg-lines.ts'

describe('kmsg records', () => {
  it('parses PRI,SEQ,USEC,FLAGS;text and drops the dictionary lines', () => {
    const r = parseKmsgRecord(
      '4,35329,11775235670,-;tadjG invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n SUBSYSTEM=x\n'
    )
    expect(r).toEqual({
      seq: 35329,
      usec: 11775235670,
      text: 'tadjG invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0'
    })
    expect(kmsgLine(r!)).toBe(
      '[11775.235670] tadjG invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0'
    )
    expect(kmsgLine({ seq: 1, usec: 1_000_001, text: 'x' })).toBe('[    1.000001] x')
    expect(parseKmsgRecord('garbage')).toBeNull()
  })
})
