import { describe, expect, it } from 'vitest'
import {
  parseLimit,
  parseMeminfo,
  parseProcCgroup,
  parsePsi,
  parseStat,
  parseStatus
} from '../../../src/adapters/proc/proc-fields.ts'

describe('/proc parsers', () => {
  it('meminfo', () => {
    const m = parseMeminfo(
      'MemTotal:       24683652 kB\nMemFree:        20000000 kB\nMemAvailable:   23000000 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\nAnonPages:        123456 kB\n'
    )
    expect(m).toEqual({
      memTotalKb: 24683652,
      memAvailableKb: 23000000,
      swapTotalKb: 0,
      swapFreeKb: 0,
      anonPagesKb: 123456
    })
  })

  it('PSI, with and without a full line', () => {
    const p = parsePsi(
      'some avg10=1.50 avg60=0.20 avg300=0.00 total=2398\nfull avg10=0.75 avg60=0.00 avg300=0.00 total=992\n'
    )
    expect(p?.some).toEqual({ avg10: 1.5, avg60: 0.2, avg300: 0, totalUs: 2398 })
    expect(p?.full?.avg10).toBe(0.75)
    expect(parsePsi('some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n')?.full).toBeNull()
    expect(parsePsi('garbage')).toBeNull()
  })

  it('stat with spaces and parentheses in comm; kthread flag', () => {
    const s = parseStat(
      '1234 (Web Content (x)) S 1 1234 1234 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 12 0 98765 1000000 250 ...'
    )
    expect(s).toMatchObject({
      comm: 'Web Content (x)',
      state: 'S',
      ppid: 1,
      flags: 4194560,
      startTime: 98765
    })
    const k = parseStat('2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 7 0 0')
    expect((k!.flags & 0x00200000) !== 0).toBe(true)
  })

  it('status memory fields and CapEff', () => {
    const s = parseStatus(
      'Name:\thog\nUid:\t1000\t1000\t1000\t1000\nVmPTE:\t     120 kB\nVmSwap:\t       8 kB\nRssAnon:\t  163840 kB\nRssFile:\t    1300 kB\nRssShmem:\t       4 kB\nCapEff:\t000001ffffffffff\n'
    )
    expect(s).toMatchObject({
      uid: 1000,
      rssAnonKb: 163840,
      rssFileKb: 1300,
      rssShmemKb: 4,
      swapKb: 8,
      pteKb: 120
    })
    expect((s.capEff >> 21n) & 1n).toBe(1n)
  })

  it('memory cgroup from /proc/<pid>/cgroup on v1 and v2', () => {
    expect(parseProcCgroup('12:pids:/x\n4:memory:/app/job\n0::/user.slice\n')).toBe('/app/job')
    expect(parseProcCgroup('0::/user.slice/user-1000.slice/app.scope\n')).toBe(
      '/user.slice/user-1000.slice/app.scope'
    )
  })

  it('limits: "max" and the v1 unlimited value are null', () => {
    expect(parseLimit('max\n')).toBeNull()
    expect(parseLimit('9223372036854771712\n')).toBeNull()
    expect(parseLimit('268435456\n')).toBe(268435456)
  })
})
