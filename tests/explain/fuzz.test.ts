/** The parser never fails (no `internal` warning) on random bytes, truncations, shuffled and duplicated real reports. */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildExplainModel } from '../../src/explain/explain-model.ts'
import { explainText } from '../../src/explain/explain-text.ts'
import { parseReports } from '../../src/explain/parser.ts'

const dir = join(import.meta.dirname, '..', 'fixtures', 'oomlogs')
const reports = readdirSync(dir)
  .filter(f => f.endsWith('.log'))
  .map(f => readFileSync(join(dir, f), 'utf8'))
const report = fc.constantFrom(...reports)

/**
 * Parse, explain and render; return the number of events. The parser turns its own exceptions
 * into `internal` warnings instead of throwing, so a bug shows up as such a warning.
 */
function run(text: string): number {
  const events = parseReports(text)
  const lineCount = text.split('\n').length
  const model = buildExplainModel(events)
  expect(explainText(model).length).toBeGreaterThan(0)
  // Every event is in the model: a report, or an allocation failure without a kill.
  expect(model.reports.length + model.allocationFailures.length).toBe(events.length)
  for (const e of events) {
    expect(e.warnings.filter(w => w.code === 'internal')).toEqual([])
    // Line numbers point into the input, and each event's span is well formed.
    expect(e.lines.first).toBeGreaterThanOrEqual(1)
    expect(e.lines.first).toBeLessThanOrEqual(e.lines.last)
    expect(e.lines.last).toBeLessThanOrEqual(lineCount)
    for (const w of e.warnings) {
      expect(w.line).toBeGreaterThanOrEqual(1)
      expect(w.line).toBeLessThanOrEqual(lineCount)
    }
    // The victim is the first Killed line when there is one.
    const killed = e.killedLines[0]
    if (killed) expect(e.victim).toMatchObject({ pid: killed.pid, source: 'killed' })
  }
  return events.length
}

describe('fuzzing', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), bytes => {
        run(Buffer.from(bytes).toString('utf8'))
      }),
      { numRuns: 300 }
    )
  })

  it('random text made of report words', () => {
    const words = fc.constantFrom(
      'invoked oom-killer:',
      'gfp_mask=0x',
      'Killed process ',
      '(',
      ')',
      ' ',
      '\n',
      '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n',
      '[ 1234]',
      '-1000',
      'oom-kill:constraint=',
      ',pid=',
      'Memory cgroup stats for /a:\n',
      'memory: usage 1kB, limit 1kB, failcnt 1\n',
      'Mem-Info:\n',
      'score 1000 or sacrifice child',
      '[  1.000000] ',
      '<6>',
      '9999999999999999999999'
    )
    fc.assert(
      fc.property(fc.array(words, { maxLength: 300 }), ws => {
        run(ws.join(''))
      }),
      { numRuns: 300 }
    )
  })

  it('truncated real reports', () => {
    fc.assert(
      fc.property(report, fc.double({ min: 0, max: 1, noNaN: true }), (text, at) => {
        run(text.slice(0, Math.floor(text.length * at)))
      }),
      { numRuns: 300 }
    )
  })

  it('shuffled real reports', () => {
    fc.assert(
      fc.property(report, fc.integer(), (text, seed) => {
        const lines = text.split('\n')
        let s = seed >>> 0
        for (let i = lines.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0
          const j = s % (i + 1)
          ;[lines[i], lines[j]] = [lines[j]!, lines[i]!]
        }
        run(lines.join('\n'))
      }),
      { numRuns: 200 }
    )
  })

  it('duplicated lines keep the victim found', () => {
    fc.assert(
      fc.property(report, fc.array(fc.nat(), { maxLength: 20 }), (text, picks) => {
        const lines = text.split('\n')
        const before = parseReports(text).filter(e => e.victim !== null).length
        for (const p of picks) {
          const at = p % lines.length
          lines.splice(at, 0, lines[at]!)
        }
        const after = parseReports(lines.join('\n'))
        run(lines.join('\n'))
        // Duplicating lines never loses every victim.
        if (before > 0) expect(after.some(e => e.victim !== null)).toBe(true)
      }),
      { numRuns: 200 }
    )
  })

  it('reports joined into one line', () => {
    fc.assert(
      fc.property(report, text => {
        run(text.split('\n').join(''))
      }),
      { numRuns: 50 }
    )
  })
})
