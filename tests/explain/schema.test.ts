/** schema/explain.schema.json describes the real `oomkit explain --json` output. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { runCli } from '../helpers.ts'

const root = join(import.meta.dirname, '..', '..')
const schema = JSON.parse(
  readFileSync(join(root, 'schema', 'explain.schema.json'), 'utf8')
) as Record<string, unknown>
const validator = z.fromJSONSchema(schema)
const logs = [
  ...readdirSync(join(root, 'tests', 'fixtures', 'oomlogs'))
    .filter(f => f.endsWith('.log'))
    .map(f => join(root, 'tests', 'fixtures', 'oomlogs', f)),
  ...readdirSync(join(root, 'tests', 'fixtures', 'explain'))
    .filter(f => f.endsWith('.log'))
    .map(f => join(root, 'tests', 'fixtures', 'explain', f))
]

describe('explain JSON schema', () => {
  it('carries a version', () => {
    expect((schema.properties as Record<string, { const?: number }>).version?.const).toBe(1)
  })

  it.each(logs)('validates the output for %s', async file => {
    const r = await runCli(['explain', '--json', file])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as { version: number; reports: unknown[] }
    expect(out.version).toBe(1)
    const parsed = validator.safeParse(out)
    expect(parsed.error?.issues ?? []).toEqual([])
  })

  it('rejects a report without kills or verdict', async () => {
    const r = await runCli(['explain', '--json', logs[0] ?? ''])
    const out = JSON.parse(r.stdout) as { reports: Record<string, unknown>[] }
    const first = out.reports[0]
    expect(first).toBeDefined()
    if (first) delete first.kills
    expect(validator.safeParse(out).success).toBe(false)
  })
})
