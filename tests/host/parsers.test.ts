/** Parsers of /proc and cgroup files: the awkward real-world cases. */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseCgroup, parseStat, parseStatus } from '../../src/adapters/proc/parse-proc.ts'
import { parseZoneinfo } from '../../src/adapters/proc/parse-zoneinfo.ts'
import { parseV1Limit, parseV2Limit } from '../../src/adapters/cgroup/parse-cgroup-files.ts'
import { resolveMemcg } from '../../src/host/scan.ts'
import { rssCounters } from '../../src/host/host-state.ts'
import { failureOf, readPidText, readText } from '../../src/adapters/proc/read-text.ts'

describe('/proc parsers', () => {
  it('reads a comm containing spaces and parentheses from stat', () => {
    const s = parseStat(
      '4242 (evil) (x) 9) S 17 4242 4242 0 -1 4194304 1 0 0 0 0 0 0 0 20 0 3 0 5 1000 321 18446744073709551615\n'
    )
    expect(s.comm).toBe('evil) (x) 9')
    expect(s.ppid).toBe(17)
    expect(s.rssPages).toBe(321)
    expect(s.flags & 0x00200000).toBe(0)
  })

  it('recognises kernel-thread flags and a zombie without memory lines', () => {
    const k = parseStat(
      '2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 2 0 0 18446744073709551615\n'
    )
    expect(k.flags & 0x00200000).not.toBe(0)
    const z = parseStatus(
      'Name:\tdefunct\nState:\tZ (zombie)\nTgid:\t9\nPPid:\t1\nUid:\t1000\t1000\t1000\t1000\nThreads:\t1\nCapEff:\t0000000000000000\n'
    )
    expect(z.state).toBe('Z')
    expect(z.vmSizeKb).toBeNull()
    expect(z.kthread).toBeNull()
    expect(z.uid[0]).toBe(1000)
  })

  it('reads stat fields up to rss and only whole status lines', () => {
    // Field 24 (rss) is the last one read; a truncated line leaves the missing fields 0.
    expect(parseStat('7 (a) b) R 1 2 3 4 5 64 7\n')).toMatchObject({
      comm: 'a) b',
      state: 'R',
      ppid: 1,
      flags: 64,
      startTime: 0,
      rssPages: 0
    })
    // "Uid:" inside another line's value is not the Uid line; the first line is found too.
    const s = parseStatus(
      'Name:\tx Uid:\t5\nState:\tS (sleeping)\nUid:\t7\t7\t7\t7\nVmSwap:\t 3 kB'
    )
    expect([s.name, s.state, s.uid[0], s.vmSwapKb, s.vmSizeKb]).toEqual([
      'x Uid:\t5',
      'S',
      7,
      3,
      null
    ])
  })

  it('reads status lines printed in another order than proc_pid_status() prints them', () => {
    const inOrder =
      'Name:\tx\nState:\tS (sleeping)\nTgid:\t5\nPPid:\t1\nUid:\t7\t7\t7\t7\nKthread:\t0\n' +
      'VmSize:\t 10 kB\nRssAnon:\t 1 kB\nRssFile:\t 2 kB\nRssShmem:\t 3 kB\nVmPTE:\t 4 kB\n' +
      'VmSwap:\t 5 kB\nThreads:\t2\nCapEff:\t0000000001200000\n'
    const lines = inOrder.trimEnd().split('\n')
    const shuffled = [...lines.slice(12), ...lines.slice(6, 12), ...lines.slice(0, 6)].join('\n')
    expect(parseStatus(shuffled)).toEqual(parseStatus(inOrder))
    expect(parseStatus(inOrder)).toMatchObject({ threads: 2, vmSwapKb: 5, capEff: 0x1200000n })
  })

  it('parses v1 and v2 cgroup lines, including paths with colons', () => {
    const lines = parseCgroup('12:memory:/a/b:c\n0::/user.slice/app.scope\n1:name=systemd:/\n')
    expect(lines[0]).toEqual({ hierarchy: 12, controllers: ['memory'], path: '/a/b:c' })
    expect(lines[1]).toEqual({ hierarchy: 0, controllers: [], path: '/user.slice/app.scope' })
  })

  it('parses zoneinfo watermarks and lowmem_reserve per zone', () => {
    const z = parseZoneinfo(
      'Node 0, zone   Normal\n  pages free     985757\n        boost    0\n        min      10405\n        low      13006\n        high     15607\n        promo    18208\n        spanned  5505024\n        present  5505024\n        managed  1245184\n        cma      0\n        protection: (0, 0, 0, 0, 0)\n      nr_free_pages 985757\n'
    )
    expect(z).toEqual([
      {
        node: 0,
        zone: 'Normal',
        free: 985757,
        min: 10405,
        low: 13006,
        high: 15607,
        promo: 18208,
        boost: 0,
        spanned: 5505024,
        present: 5505024,
        managed: 1245184,
        protection: [0, 0, 0, 0, 0]
      }
    ])
  })

  it('treats v1 PAGE_COUNTER_MAX and v2 "max" as unlimited', () => {
    expect(parseV1Limit('9223372036854771712\n')).toBeNull()
    expect(parseV1Limit('536870912\n')).toBe(536870912)
    expect(parseV2Limit('max\n')).toBeNull()
    expect(parseV2Limit('1073741824\n')).toBe(1073741824)
  })

  it('resolves a process cgroup to the nearest known memory cgroup', () => {
    const known = new Set(['/', '/system.slice', '/system.slice/db.service'])
    expect(resolveMemcg('/system.slice/db.service', known)).toBe('/system.slice/db.service')
    expect(resolveMemcg('/system.slice/other.service/x', known)).toBe('/system.slice')
    expect(resolveMemcg('/elsewhere', known)).toBe('/')
  })
})

describe('rss counters for the engine', () => {
  it('sum to get_mm_rss() from stat and keep the status split when they agree', () => {
    fc.assert(
      fc.property(
        fc.nat(1 << 20),
        fc.nat(1 << 20),
        fc.nat(1 << 18),
        fc.integer({ min: -200, max: 200 }),
        (anonKb, fileKb, shmemKb, drift) => {
          const statusPages =
            Math.floor(anonKb / 4) + Math.floor(fileKb / 4) + Math.floor(shmemKb / 4)
          const mmRss = Math.max(0, statusPages + drift)
          const c = rssCounters({
            rssAnonKb: anonKb,
            rssFileKb: fileKb,
            rssShmemKb: shmemKb,
            mmRssPages: mmRss
          } as never)
          expect(c.anon + c.file + c.shmem).toBe(mmRss)
          expect(Math.min(c.anon, c.file, c.shmem)).toBeGreaterThanOrEqual(0)
          if (drift === 0) expect(c.anon).toBe(Math.floor(anonKb / 4))
        }
      )
    )
  })
})

describe('errno mapping of the reader', () => {
  const err = (code: string) => Object.assign(new Error(code), { code })
  it('maps ENOENT, ESRCH and EACCES to read failures and rethrows the rest', () => {
    expect(failureOf(err('ENOENT'))).toBe('absent')
    expect(failureOf(err('ESRCH'))).toBe('gone')
    expect(failureOf(err('EACCES'))).toBe('denied')
    expect(failureOf(err('EPERM'))).toBe('denied')
    expect(() => failureOf(err('EMFILE'))).toThrow('EMFILE')
  })

  it('reports a vanished pid file as gone and a missing system file as absent', () => {
    expect(readPidText('/proc/0/status')).toEqual({ ok: false, why: 'gone' })
    expect(readText('/nonexistent/oomkit/file')).toEqual({ ok: false, why: 'absent' })
  })
})
