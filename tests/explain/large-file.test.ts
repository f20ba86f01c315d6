/** The prefiltered large-file path finds the same events, at the same lines, as a full parse. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseReports } from '../../src/explain/parser.ts'
import { bufferSource } from '../../src/adapters/file/byte-source.ts'
import type { ByteSource } from '../../src/adapters/file/byte-source.ts'
import { withFileSource } from '../../src/adapters/file/file-source.ts'
import { parseSource } from '../../src/explain/parse-source.ts'
import { parseBuffer, PREFILTER_THRESHOLD } from '../../src/explain/read-input.ts'
import type { OomEvent } from '../../src/explain/oom-event.ts'

const dir = join(import.meta.dirname, '..', 'fixtures', 'oomlogs')
const work = mkdtempSync(join(tmpdir(), 'oomkit-explain-test-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function noise(lines: number, seed: number): string[] {
  const out: string[] = []
  let s = seed
  for (let i = 0; i < lines; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    out.push(
      `Dec  8 17:51:31 web-1 kernel: [${(1000 + i / 1000).toFixed(6)}] eth0: link up, seq ${s.toString(16)} rx=${s % 9973} tx=${s % 7919}`
    )
  }
  return out
}

const summary = (events: readonly OomEvent[]): unknown[] =>
  events.map(e => ({
    lines: e.lines,
    victim: e.victim,
    rows: e.tasks?.length ?? null,
    warnings: e.warnings.map(w => w.code).sort()
  }))

describe('large files', () => {
  const logs = readdirSync(dir)
    .filter(f => f.endsWith('.log'))
    .sort()
    .map(f => readFileSync(join(dir, f), 'utf8').replace(/\n$/, '').split('\n'))
  const lines: string[] = []
  logs.forEach((log, i) => {
    lines.push(...noise(4000, i + 1), ...log)
  })
  lines.push(...noise(20000, 99))
  const text = lines.join('\n') + '\n'
  const path = join(work, 'big.log')
  writeFileSync(path, text)

  it('is big enough to take the prefilter path', () => {
    expect(Buffer.byteLength(text)).toBeGreaterThan(PREFILTER_THRESHOLD)
  })

  it('parseSource over a file (chunked scan) and parseBuffer (in-memory prefilter) equal a full parse', () => {
    const full = summary(parseReports(text))
    expect(full.length).toBeGreaterThan(20)
    expect(summary(withFileSource(path, source => parseSource(source)))).toEqual(full)
    expect(summary(parseBuffer(Buffer.from(text)))).toEqual(full)
  })

  it('parseSource reads only through the ByteSource: a source in memory, scanned or whole', () => {
    const bytes = Buffer.from(text)
    const full = summary(parseReports(text))
    // No `contents`: the chunked scan path, with positioned reads counted.
    let reads = 0
    const scanned: ByteSource = {
      size: bytes.length,
      readInto: (into, offset, length, position) => {
        reads++
        return bytes.copy(into, offset, position, Math.min(bytes.length, position + length))
      }
    }
    expect(summary(parseSource(scanned))).toEqual(full)
    expect(reads).toBeGreaterThan(0)
    expect(summary(parseSource(bufferSource(bytes)))).toEqual(full)
  })

  it('keeps line numbers exact when the first report comes megabytes in (counting starts late)', () => {
    const late = [...noise(40000, 7), ...(logs[0] ?? []), ...noise(3000, 8), ...(logs[1] ?? [])]
    const lateText = late.join('\n') + '\n'
    expect(Buffer.byteLength(lateText)).toBeGreaterThan(3 << 20)
    const latePath = join(work, 'late.log')
    writeFileSync(latePath, lateText)
    const full = summary(parseReports(lateText))
    expect(full.length).toBeGreaterThan(1)
    expect(summary(withFileSource(latePath, source => parseSource(source)))).toEqual(full)
  })
})
