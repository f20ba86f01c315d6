/**
 * The byte parsers of the scan's per-process files (status, stat, oom_score, oom_score_adj) give
 * what the text parsers give on the same file: every file of the captured trees, this host's
 * /proc, the awkward cases of tests/host/parsers.test.ts and random lines. status has one parser
 * (parseStatus reads its text through parseStatusBytes): there the comparison checks that the
 * stale bytes past `length` in the scan's shared buffer are never read.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseStat, parseStatus } from '../../../src/adapters/proc/parse-proc.ts'
import { parseIntBytes, parseStatBytes } from '../../../src/adapters/proc/parse-stat-bytes.ts'
import { parseStatusBytes } from '../../../src/adapters/proc/parse-status-bytes.ts'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/proc')

/** The bytes of `text` in a larger buffer whose tail holds stale bytes (as the shared one does). */
function inBuffer(text: string): [Buffer, number] {
  const bytes = Buffer.from(text, 'utf8')
  const buf = Buffer.alloc(bytes.length + 64, '9 ) x\nVmSwap:\t7 kB\n')
  bytes.copy(buf)
  return [buf, bytes.length]
}

function same(text: string, file: string): void {
  const [buf, n] = inBuffer(text)
  if (file === 'status') expect(parseStatusBytes(buf, n)).toEqual(parseStatus(text))
  else if (file === 'stat') expect(parseStatBytes(buf, n)).toEqual(parseStat(text))
  else expect(parseIntBytes(buf, n)).toEqual(parseInt(text, 10))
}

const FILES = ['status', 'stat', 'oom_score', 'oom_score_adj']

/** Every process file of a /proc directory that can be read now. */
function procFiles(proc: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = []
  for (const pid of readdirSync(proc).filter(n => /^\d+$/.test(n))) {
    for (const file of FILES) {
      try {
        out.push({ file, text: readFileSync(join(proc, pid, file), 'utf8') })
      } catch {
        // gone or not captured
      }
    }
  }
  return out
}

describe('byte parsers = text parsers', () => {
  for (const tree of readdirSync(fixtures).filter(n => existsSync(join(fixtures, n, 'proc')))) {
    it(`on every process file of ${tree}`, () => {
      const files = procFiles(join(fixtures, tree, 'proc'))
      expect(files.length).toBeGreaterThan(0)
      for (const { file, text } of files) same(text, file)
    })
  }

  it.runIf(existsSync('/proc/self/status'))('on every process file of this host', () => {
    for (const { file, text } of procFiles('/proc')) same(text, file)
  })

  it('on the awkward cases', () => {
    same(
      '4242 (evil) (x) 9) S 17 4242 4242 0 -1 4194304 1 0 0 0 0 0 0 0 20 0 3 0 5 1000 321 1\n',
      'stat'
    )
    same('7 (a) b) R 1 2 3 4 5 64 7\n', 'stat')
    same('7 (a) R 1 2 3 4 5 64 7 0 0 0 0 0 0 0 0 0 0 0 99 5 8\n', 'stat')
    same('7 (a) R 1 2 3 4 5 64 7 0 0 0 0 0 0 0 0 0 0 0 99 5 -8\n', 'stat')
    same('garbage', 'stat')
    same('Name:\tx Uid:\t5\nState:\tS (sleeping)\nUid:\t7\t7\t7\t7\nVmSwap:\t 3 kB', 'status')
    same(
      'Name:\tdefunct\nState:\tZ (zombie)\nTgid:\t9\nPPid:\t1\nUid:\t1000\t1000\t1000\t1000\nThreads:\t1\nCapEff:\t0000000000000000\n',
      'status'
    )
    same(
      'Name:\t\u00e9t\u00e9 \nState:\t\nUid:\tx\nKthread:\t1\nCapEff:\t000001ffffffffff\n',
      'status'
    )
    same('VmRSS:\t12 kB\nVmSize:\t\t  80 kB\nVmPTE:\t-4 kB\n', 'status')
    for (const t of ['0\n', '-1000\n', '666\n', ' 5\n', '', 'x\n', '12', '-0\n'])
      same(t, 'oom_score')
  })

  it('on random status and stat lines', () => {
    const value = fc.stringMatching(/^[ \t]{0,2}[-\dx a-f]{0,12}( kB)?$/)
    const key = fc.constantFrom('Name', 'State', 'Tgid', 'PPid', 'Uid', 'Kthread', 'VmSize')
    const key2 = fc.constantFrom('RssAnon', 'RssFile', 'RssShmem', 'VmPTE', 'VmSwap', 'Threads')
    const line = fc.tuple(fc.oneof(key, key2, fc.constant('Other')), value)
    fc.assert(
      fc.property(fc.uniqueArray(line, { selector: l => l[0], maxLength: 12 }), lines => {
        same(lines.map(([k, v]) => `${k}:${v}`).join('\n') + '\n', 'status')
      })
    )
    const field = fc.stringMatching(/^-?\d{1,6}$/)
    fc.assert(
      fc.property(fc.array(field, { maxLength: 26 }), fields => {
        same(`12 (c) S ${fields.join(' ')}\n`, 'stat')
      })
    )
  })
})
