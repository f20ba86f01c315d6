/** Every real report in tests/fixtures/oomlogs (+ the 6.18 capture) against its expected result. */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildExplainModel } from '../../src/explain/explain-model.ts'
import type { ExplainModel } from '../../src/explain/explain-model.ts'
import { parseBuffer } from '../../src/explain/read-input.ts'

const root = join(import.meta.dirname, '..', 'fixtures')
const logs = [
  ...readdirSync(join(root, 'oomlogs'))
    .filter(f => f.endsWith('.log'))
    .map(f => join(root, 'oomlogs', f)),
  join(root, 'real-kernel', 'linux-6.18-memcg-v1.log')
]

function modelOf(path: string): ExplainModel {
  return buildExplainModel(parseBuffer(readFileSync(path)))
}

/** The fields the expected files pin down. */
function summarise(model: ExplainModel): unknown {
  return {
    reports: model.reports.map(r => ({
      lines: r.lines,
      kernelRelease: r.kernelRelease,
      profile: r.profile,
      trigger: r.trigger
        ? {
            comm: r.trigger.comm,
            pid: r.trigger.pid,
            order: r.trigger.order,
            oomScoreAdj: r.trigger.oomScoreAdj
          }
        : null,
      constraint: r.constraint,
      killed: r.killed ? { pid: r.killed.pid, comm: r.killed.comm, source: r.killed.source } : null,
      chosen: r.chosen,
      noKillable: r.noKillable,
      tableStatus: r.tableStatus,
      tableLayout: r.tableLayout,
      taskRows: r.tasks?.length ?? null,
      replay: { victim: r.replay.victim, agrees: r.replay.agrees },
      warnings: [...new Set(r.warnings.map(w => w.code))].sort()
    })),
    allocationFailures: model.allocationFailures.length
  }
}

describe('fixture logs match their expected results', () => {
  for (const log of logs) {
    const name = log.split('/').pop() ?? log
    it(name, () => {
      const expected: unknown = JSON.parse(
        readFileSync(log.replace(/\.log$/, '.expected.json'), 'utf8')
      )
      expect(summarise(modelOf(log))).toEqual(expected)
    })
  }
})

/** Victims as the MANIFEST and the logs state them (checked by hand). */
const victims: Record<string, { pid: number; comm: string }[]> = {
  'cadvisor_1.log': [{ pid: 13536, comm: 'memorymonster' }],
  'cadvisor_2.log': [{ pid: 1532, comm: 'badsysprogram' }],
  'npd_1.log': [{ pid: 1012, comm: 'heapster' }],
  'sapcc_1.log': [
    { pid: 3401999, comm: 'prometheus-conf' },
    { pid: 255629, comm: 'stress' }
  ],
  'parseoom_1.log': [{ pid: 517, comm: 'clamd' }],
  'cnnotes611_1.log': [{ pid: 116, comm: 'stress-ng-vm' }],
  'egachi_1.log': [{ pid: 22609, comm: 'node' }],
  'askubuntu_1.log': [{ pid: 4358, comm: 'bash' }],
  'lkml_rhel6memcg_1.log': [{ pid: 15462, comm: 't' }],
  'lkml_tejun_1.log': [{ pid: 1990, comm: 'stress' }],
  'monocular_1.log': [{ pid: 24518, comm: 'monocular' }],
  'geekbang_1.log': [{ pid: 27281, comm: 'java' }],
  'npdissue480_1.log': [{ pid: 4015, comm: 'python' }],
  'linux-6.18-memcg-v1.log': [{ pid: 2201, comm: 'python3' }]
}

describe('the kernel victim is recovered', () => {
  for (const [name, want] of Object.entries(victims)) {
    it(name, () => {
      const log = logs.find(l => l.endsWith('/' + name)) ?? ''
      const got = modelOf(log).reports.map(r =>
        r.killed ? { pid: r.killed.pid, comm: r.killed.comm } : null
      )
      expect(got).toEqual(want)
    })
  }
  it('tpuvm_1: no killable process, no victim', () => {
    const [r] = modelOf(logs.find(l => l.endsWith('tpuvm_1.log')) ?? '').reports
    expect(r?.killed).toBeNull()
    expect(r?.noKillable).toBe(true)
  })
})

const fullTables = [
  'cadvisor_1.log',
  'cadvisor_2.log',
  'parseoom_1.log',
  'cnnotes611_1.log',
  'lkml_rhel6memcg_1.log',
  'lkml_tejun_1.log',
  'monocular_1.log',
  'geekbang_1.log',
  'linux-6.18-memcg-v1.log'
]

describe('replay picks the kernel victim wherever the task table is complete', () => {
  for (const name of fullTables) {
    it(name, () => {
      const [r] = modelOf(logs.find(l => l.endsWith('/' + name)) ?? '').reports
      expect(r?.tableStatus).toBe('full')
      expect(r?.replay.agrees).toBe(true)
      expect(r?.replay.victim?.pid).toBe(r?.killed?.pid)
    })
  }
  it('photon1535_1 (cut before the kill line): ranks node first, cannot compare', () => {
    const [r] = modelOf(logs.find(l => l.endsWith('photon1535_1.log')) ?? '').reports
    expect(r?.replay.victim).toEqual({ pid: 19388, comm: 'node' })
    expect(r?.replay.agrees).toBeNull()
  })
  it('printed <= 5.0 scores are reproduced', () => {
    for (const name of [
      'cadvisor_1.log',
      'cadvisor_2.log',
      'lkml_tejun_1.log',
      'monocular_1.log',
      'geekbang_1.log'
    ]) {
      const [r] = modelOf(logs.find(l => l.endsWith('/' + name)) ?? '').reports
      expect(r?.replay.replayScore, name).toBe(r?.replay.printedScore)
    }
  })
  it('partial or header-only tables give agrees: null with a reason', () => {
    for (const name of ['egachi_1.log', 'askubuntu_1.log', 'relate1383_1.log']) {
      const [r] = modelOf(logs.find(l => l.endsWith('/' + name)) ?? '').reports
      expect(r?.replay.agrees, name).toBeNull()
      expect(r?.replay.reason, name).toMatch(/partial|header|no task table/)
    }
  })
})
