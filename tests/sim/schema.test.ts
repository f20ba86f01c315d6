import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadScenario } from '../../src/sim/load.ts'
import { scenarioJsonSchema } from '../../src/sim/schema.ts'

describe('schema/scenario.schema.json', () => {
  it('is current (regenerate: npx tsx scripts/write-scenario-schema.ts)', () => {
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

describe('loading normalises sizes once', () => {
  const file = {
    name: 'sizes',
    profile: '6.1',
    machine: { memory: '1G', swap: [{ name: '/dev/vdb', size: '4k' }] },
    cgroups: { groups: [{ path: '/app', 'memory.max': '64M', 'memory.high': 'max' }] },
    processes: [{ pid: 100, comm: 'hog', memcg: '/app', vmas: [{ size: 10, resident: '8k' }] }],
    timeline: [
      { at: '1ms', do: 'cgroup-set' as const, path: '/app', key: 'memory.max', value: '1M' }
    ]
  }

  it('turns every size into pages and keeps max and bare page counts', () => {
    const s = loadScenario(file)
    expect(s.machine.memory).toBe(262144)
    expect(s.machine.swap?.[0]?.size).toBe(1)
    expect(s.cgroups?.groups?.[0]?.['memory.max']).toBe(16384)
    expect(s.cgroups?.groups?.[0]?.['memory.high']).toBe('max')
    expect(s.processes[0]?.vmas?.[0]).toMatchObject({ size: 10, resident: 2 })
    expect(s.timeline?.[0]).toMatchObject({ value: 256 })
  })

  it('quotes sizes as written in messages, placed at name:path for data built in code', () => {
    const bad = {
      ...file,
      processes: [{ ...file.processes[0]!, vmas: [{ size: '4k', resident: '1M' }] }]
    }
    expect(() => loadScenario(bad, 'snap')).toThrow(
      expect.objectContaining({
        message: 'resident (1M) is larger than the VMA (4k)',
        where: 'snap:processes[0].vmas[0].resident'
      })
    )
  })
})
