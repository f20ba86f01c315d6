/**
 * `explain` writes each report as soon as it is parsed (flat memory on stdin): the streamed
 * output is byte for byte what the whole model printed at once gives, for --json and the text,
 * with no report, one, many, and allocation failures only; a sink receives every event.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { buildExplainModel, modelToJson } from '../../src/explain/explain-model.ts'
import { createExplainOutput } from '../../src/explain/explain-output.ts'
import { explainText } from '../../src/explain/explain-text.ts'
import type { OomEvent } from '../../src/explain/oom-event.ts'
import { parseBuffer } from '../../src/explain/read-input.ts'
import { parseStream } from '../../src/explain/stream-input.ts'

const dir = join(import.meta.dirname, '..', 'fixtures', 'oomlogs')
const logs = readdirSync(dir).filter(f => f.endsWith('.log'))

/** The output written one event at a time. */
function streamed(events: OomEvent[], json: boolean): string {
  let out = ''
  const o = createExplainOutput(json, t => (out += t))
  for (const e of events) o.add([e])
  o.end()
  return out
}

describe('streamed explain output', () => {
  it('equals modelToJson and explainText of the whole model on every fixture log', () => {
    expect(logs.length).toBeGreaterThan(10)
    for (const name of logs) {
      const events = parseBuffer(readFileSync(join(dir, name)))
      const model = buildExplainModel(events)
      expect(streamed(events, true), name).toBe(modelToJson(model) + '\n')
      expect(streamed(events, false), name).toBe(explainText(model))
    }
  })

  it('equals them with no report, with allocation failures only, and with many reports', () => {
    const failure = [
      '[  1.000000] kworker/u4:1: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), nodemask=(null),cpuset=/,mems_allowed=0',
      '[  1.000001] CPU: 0 PID: 9 Comm: kworker/u4:1 Not tainted 6.6.0 #1',
      '[  1.000002] Mem-Info:',
      '[  1.000003] 262144 pages RAM'
    ].join('\n')
    const failures = parseBuffer(Buffer.from(failure))
    const all = [...logs.flatMap(name => parseBuffer(readFileSync(join(dir, name)))), ...failures]
    expect(failures.length).toBeGreaterThan(0)
    for (const events of [[], failures, all]) {
      const model = buildExplainModel(events)
      expect(streamed(events, true)).toBe(modelToJson(model) + '\n')
      expect(streamed(events, false)).toBe(explainText(model))
    }
  })

  it('parseStream hands every event to the sink in order and keeps none', async () => {
    const text = logs.map(name => readFileSync(join(dir, name), 'utf8')).join('\n')
    const whole = parseBuffer(Buffer.from(text))
    const got: OomEvent[] = []
    const kept = await parseStream(Readable.from([Buffer.from(text)]), {}, es => got.push(...es))
    expect(kept).toEqual([])
    expect(got.map(e => e.lines)).toEqual(whole.map(e => e.lines))
  })
})
