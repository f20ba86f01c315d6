/**
 * 6.18's one-time warning on the first write of cgroup v1 memory.oom_control since boot
 * (mm/memcontrol-v1.c mem_cgroup_oom_control_write(), pr_warn_once(), KERN_WARNING; profile
 * flag format.memcg1Deprecations: absent in 6.11.11, present in 6.18.2), as this host's 6.18
 * printed it in the conformance `oom-kill-disable` kind.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

const WARNING =
  'oom_control is deprecated and will be removed. Please report your usecase to ' +
  'linux-mm-@kvack.org if you depend on this functionality.'
const FILE = 'examples/v1-oom-control-deprecated.yaml'
const text = readFileSync(FILE, 'utf8')

function warnings(yaml: string, profile?: string) {
  const r = runScenario(parseScenario(yaml, FILE), profile === undefined ? {} : { profile })
  return { r, lines: r.log.filter(l => l.text.includes('is deprecated')) }
}

describe('v1 memory.oom_control deprecation warning (6.18)', () => {
  it('is logged once, at the first write, as KERN_WARNING; the second write logs nothing', () => {
    const { r, lines } = warnings(text)
    expect(lines.map(l => [l.text, l.level, l.timeNs])).toEqual([[WARNING, 4, 5_000_000]])
    expect(r.summary.victims.map(v => v.pid)).toEqual([700])
    expect(r.summary.victims[0]!.timeNs).toBeGreaterThanOrEqual(2e9)
  })

  it('is not logged by 6.11 (no such pr_warn_once() in 6.11.11)', () => {
    const { r, lines } = warnings(text, '6.11')
    expect(lines).toEqual([])
    expect(r.summary.victims.map(v => v.pid)).toEqual([700])
  })

  it('is not logged on cgroup v2 (no memory.oom_control file there)', () => {
    const v2 = text
      .replace('version: 1', 'version: 2')
      .replace('memory.limit_in_bytes: 64M', 'memory.max: 64M')
    expect(warnings(v2).lines).toEqual([])
  })

  it('a group declared with memory.oom_control was written before the timeline: logged at boot', () => {
    const yaml = readFileSync('examples/v1-oom-kill-disable.yaml', 'utf8')
    const { r, lines } = warnings(yaml, '6.18')
    // The clearing write at 2 s is the second since boot: nothing more.
    expect(lines.map(l => [l.text, l.level, l.timeNs])).toEqual([[WARNING, 4, 0]])
    expect(r.summary.victims.map(v => v.pid)).toEqual([700])
  })
})
