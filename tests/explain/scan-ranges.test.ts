/**
 * The ranges a scan hands out as it goes (scan-ranges.ts, for explain's second thread) are the
 * ranges of the finished scan: the same, in the same order, whatever the batch size.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bufferSource } from '../../src/adapters/file/byte-source.ts'
import { lineRanges } from '../../src/explain/line-ranges.ts'
import type { LineRange } from '../../src/explain/line-ranges.ts'
import { rangesFromHits } from '../../src/explain/prefilter.ts'
import { scanLineRanges } from '../../src/explain/scan-ranges.ts'
import { scanSource } from '../../src/explain/scan-source.ts'

const dir = join(import.meta.dirname, '..', 'fixtures', 'oomlogs')
const reports = readdirSync(dir)
  .filter(f => f.endsWith('.log'))
  .sort()
  .map(f => readFileSync(join(dir, f), 'utf8'))

/** `n` noise lines, their lengths varying with `seed`. */
function noise(n: number, seed: number): string {
  let out = ''
  for (let i = 0; i < n; i++)
    out += `Dec  8 17:51:31 web-1 kernel: [${(1000 + i / 1e4).toFixed(6)}] eth0: ${'x'.repeat((i * seed) % 90)}\n`
  return out
}

function whole(text: string): LineRange[] {
  const source = bufferSource(Buffer.from(text))
  const s = scanSource(source)
  return lineRanges(source, s, rangesFromHits(s.hits, source.size))
}

/** The ranges handed out, and how many batches held some. */
function streamed(text: string, step: number): LineRange[] {
  const out: LineRange[] = []
  let batches = 0
  scanLineRanges(
    bufferSource(Buffer.from(text)),
    batch => {
      if (batch.length > 0) batches++
      out.push(...batch)
    },
    step
  )
  if (step < 1 << 20) expect(batches).toBeGreaterThan(1)
  return out
}

describe('scanLineRanges', () => {
  it('hands out the finished scan ranges, for reports close together and far apart', () => {
    let text = ''
    reports.forEach((r, i) => (text += noise(i % 3 === 0 ? 30 : 900 + 40 * i, i + 2) + r))
    text += noise(3000, 5)
    const expected = whole(text)
    expect(expected.length).toBeGreaterThan(10)
    for (const step of [1, 4096, 65536, 1 << 20]) expect(streamed(text, step)).toEqual(expected)
  })

  it('waits for a report without its end line until MAX_REPORT (8 MiB) has gone by', () => {
    const head = reports[0]!.split('\n').slice(0, 20).join('\n') + '\n'
    const text = noise(200, 3) + head + noise(120_000, 7) + reports[1]! + noise(500, 9)
    const expected = whole(text)
    for (const step of [65536, 1 << 20]) expect(streamed(text, step)).toEqual(expected)
  })
})
