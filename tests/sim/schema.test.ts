import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { scenarioJsonSchema } from '../../src/sim/schema.ts'

describe('schema/scenario.schema.json', () => {
  it('is current (regenerate: npx tsx src/sim/write-schema.ts)', () => {
    const onDisk = JSON.parse(readFileSync('schema/scenario.schema.json', 'utf8'))
    expect(onDisk).toEqual(scenarioJsonSchema())
  })

  it('describes the top-level sections and the timeline actions', () => {
    const s = scenarioJsonSchema() as { required: string[]; properties: Record<string, unknown> }
    expect(s.required).toEqual(expect.arrayContaining(['name', 'profile', 'machine', 'processes']))
    const text = JSON.stringify(s)
    for (const action of ['touch', 'alloc', 'mmap', 'fork', 'sysrq', 'swapoff', 'cgroup-set'])
      expect(text).toContain(`"const":"${action}"`)
    expect(s.properties).toHaveProperty('expect')
  })
})
