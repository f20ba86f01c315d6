/** Every `--json` document this area prints is checked against its schema under schema/. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { runCli } from '../helpers.ts'

function schemaOf(name: string): z.ZodType {
  return z.fromJSONSchema(
    JSON.parse(readFileSync(join('schema', name), 'utf8')) as Parameters<typeof z.fromJSONSchema>[0]
  )
}

function problems(schema: z.ZodType, text: string): string[] {
  const r = schema.safeParse(JSON.parse(text))
  return r.success ? [] : r.error.issues.slice(0, 5).map(i => `${i.path.join('.')}: ${i.message}`)
}

describe('schema/simulate.schema.json', () => {
  const schema = schemaOf('simulate.schema.json')
  const examples = readdirSync('examples').filter(f => f.endsWith('.yaml'))

  it('describes simulate --json for the default scenario and every example', async () => {
    for (const args of [[], ...examples.map(f => [join('examples', f)])]) {
      const r = await runCli(['simulate', '--json', ...args])
      expect(r.code, args.join(' ')).toBe(0)
      expect(problems(schema, r.stdout), args.join(' ')).toEqual([])
      expect(JSON.parse(r.stdout).version).toBe(1)
    }
  }, 120_000)

  it('rejects a document with an unknown field or without its version', async () => {
    const doc = JSON.parse((await runCli(['simulate', '--json'])).stdout) as Record<string, unknown>
    expect(problems(schema, JSON.stringify({ ...doc, extra: 1 }))).not.toEqual([])
    delete doc.version
    expect(problems(schema, JSON.stringify(doc))).not.toEqual([])
  })
})

describe('schema/scores.schema.json', () => {
  const schema = schemaOf('scores.schema.json')
  const trees = readdirSync('tests/fixtures/proc', { withFileTypes: true })
    .filter(d => d.isDirectory())
    .map(d => join('tests/fixtures/proc', d.name))

  it('describes scores --json for every captured tree and this host', async () => {
    for (const args of [...trees.map(t => ['--root', t]), []]) {
      const r = await runCli(['scores', '--json', ...args])
      expect(r.code, args.join(' ')).toBe(0)
      expect(problems(schema, r.stdout), args.join(' ')).toEqual([])
      expect(JSON.parse(r.stdout).version).toBe(1)
    }
  })
})
