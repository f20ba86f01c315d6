/** stdin is parsed in blocks (bounded memory) with the same result as the whole buffer. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { parseBuffer } from '../../src/explain/read-input.ts'
import { parseStream } from '../../src/explain/stream-input.ts'

const report = readFileSync(
  join(import.meta.dirname, '..', 'fixtures', 'explain', 'oom-group-spread.log'),
  'utf8'
)
  .split('\n')
  .filter(l => l !== '')

/** ~9 MB of noise with reports placed across the 4 MB block boundaries. */
function bigLog(): Buffer {
  const noise = 'systemd[1]: Started Session 42 of user someone with a fairly long line.'
  const lines: string[] = []
  let bytes = 0
  const at = [1_000_000, 4_194_000, 8_388_000]
  while (bytes < 9_000_000) {
    if (at.length > 0 && bytes >= (at[0] ?? 0)) {
      at.shift()
      for (const l of report) lines.push(l)
    }
    lines.push(noise)
    bytes += noise.length + 1
  }
  return Buffer.from(lines.join('\n') + '\n')
}

describe('parseStream', () => {
  it('finds the same events as parseBuffer, in 64 kB chunks', async () => {
    const buf = bigLog()
    const whole = parseBuffer(buf)
    const chunks: Buffer[] = []
    for (let i = 0; i < buf.length; i += 65536) chunks.push(buf.subarray(i, i + 65536))
    const streamed = await parseStream(Readable.from(chunks))
    const summary = (es: typeof whole) =>
      es.map(e => ({
        lines: e.lines,
        victim: e.victim?.pid,
        kills: e.killedLines.length,
        rows: e.tasks?.length
      }))
    expect(summary(streamed)).toEqual(summary(whole))
    expect(summary(whole).map(e => [e.victim, e.kills, e.rows])).toEqual([
      [801, 3, 3],
      [801, 3, 3],
      [801, 3, 3]
    ])
  })
})
