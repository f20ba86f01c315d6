import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers.ts'

const BASE = `name: small
profile: '6.1'
machine:
  memory: 1G
  swap:
    - { name: /dev/vdb, size: 256M }
cgroups:
  version: 2
  groups:
    - { path: /app, memory.max: 64M }
files:
  - { path: /data/log, size: 10M }
processes:
  - pid: 100
    comm: hog
    memcg: /app
    rss: { anon: 1000 }
    vmas:
      - { name: buf, size: 32M }
timeline:
  - { at: 1ms, do: touch, pid: 100, size: 1M, every: 1ms, until: killed }
  - { at: 5ms, do: read, pid: 100, file: /data/log }
`

const dir = mkdtempSync(join(tmpdir(), 'oomkit-sim-'))
let n = 0

/** Write a scenario, run `oomkit simulate` on it and return the one stderr line. */
async function failWith(text: string): Promise<{ code: number; line: string; stdout: string }> {
  const file = join(dir, `bad${n++}.yaml`)
  writeFileSync(file, text)
  const r = await runCli(['simulate', file], { cwd: dir })
  const lines = r.stderr.split('\n').filter(l => l !== '')
  expect(lines).toHaveLength(1)
  return { code: r.code, line: (lines[0] ?? '').replace(file, 'FILE'), stdout: r.stdout }
}

/** 1-based line and column of `needle` in `text` (its first occurrence after `after`). */
function at(text: string, needle: string, after = ''): string {
  const start = after === '' ? 0 : text.indexOf(after)
  const i = text.indexOf(needle, start)
  const before = text.slice(0, i).split('\n')
  return `${before.length}:${(before[before.length - 1] ?? '').length + 1}`
}

interface Case {
  name: string
  text: string
  /** The text the position must point at (line:col of its first occurrence). */
  pointAt: string
  after?: string
  message: RegExp
}

const cases: Case[] = [
  {
    name: 'YAML syntax error',
    text: BASE.replace('name: small', 'name: [small'),
    pointAt: 'profile',
    message: /YAML syntax error/
  },
  {
    name: 'duplicate YAML key',
    text: BASE.replace('  memory: 1G', '  memory: 1G\n  memory: 2G'),
    pointAt: 'memory: 2G',
    message: /YAML syntax error: Map keys must be unique/
  },
  {
    name: 'unknown top-level key',
    text: BASE + 'colour: blue\n',
    pointAt: 'colour',
    message: /unknown key 'colour' in the scenario/
  },
  {
    name: 'unknown nested key',
    text: BASE.replace('comm: hog', 'comm: hog\n    nice: 5'),
    pointAt: 'nice',
    message: /unknown key 'nice' in processes\[0\]/
  },
  {
    name: 'wrong type for pid',
    text: BASE.replace('- pid: 100', '- pid: hundred'),
    pointAt: 'hundred',
    message: /processes\[0\]\.pid: expected number, got "hundred"/
  },
  {
    name: 'missing required field',
    text: BASE.replace('name: small\n', ''),
    pointAt: 'profile',
    message: /name: missing required field/
  },
  {
    name: 'unknown kernel profile',
    text: BASE.replace("'6.1'", "'nine'"),
    pointAt: "'nine'",
    message: /unknown kernel profile 'nine'/
  },
  {
    name: 'bad size unit',
    text: BASE.replace('memory: 1G', 'memory: 1Q'),
    pointAt: '1Q',
    message: /machine\.memory: expected a size such as "512M"/
  },
  {
    name: 'unknown action',
    text: BASE.replace('do: read', 'do: slurp'),
    pointAt: 'slurp',
    message: /unknown action "slurp" \(expected one of: touch, alloc/
  },
  {
    name: 'unknown pid in the timeline',
    text: BASE.replace('do: read, pid: 100', 'do: read, pid: 999'),
    pointAt: '999',
    message: /no process with pid 999/
  },
  {
    name: 'unknown cgroup',
    text: BASE.replace('memcg: /app', 'memcg: /web'),
    pointAt: '/web',
    message: /unknown cgroup '\/web'/
  },
  {
    name: 'oom_score_adj out of range',
    text: BASE.replace('comm: hog', 'comm: hog\n    oom_score_adj: 2000'),
    pointAt: '2000',
    message: /oom_score_adj: 2000 is too large \(maximum 1000\)/
  },
  {
    name: 'comm too long',
    text: BASE.replace('comm: hog', 'comm: a-very-long-command-name'),
    pointAt: 'a-very-long',
    message: /comm.*at most 15 characters/
  },
  {
    name: 'unknown sysctl',
    text: BASE + 'sysctl: { vm.panic: 1 }\n',
    pointAt: 'vm.panic',
    message: /unknown key 'vm.panic' in sysctl/
  },
  {
    name: 'impossible panic_on_oom',
    text: BASE + 'sysctl: { vm.panic_on_oom: 3 }\n',
    pointAt: '3 }',
    after: 'sysctl',
    message: /vm\.panic_on_oom/
  },
  {
    name: 'duplicate pid',
    text: BASE.replace('timeline:', '  - { pid: 100, comm: twin }\ntimeline:'),
    pointAt: '100, comm: twin',
    message: /duplicate pid 100/
  },
  {
    name: 'zones out of order',
    text: BASE.replace(
      '  memory: 1G',
      '  nodes:\n    - zones:\n        - { type: Normal, present: 1G }\n        - { type: DMA, present: 16M }'
    ),
    pointAt: 'DMA, present',
    message: /zone DMA is out of order/
  },
  {
    name: 'managed larger than present',
    text: BASE.replace(
      '  memory: 1G',
      '  nodes:\n    - zones:\n        - { type: Normal, present: 1G, managed: 2G }'
    ),
    pointAt: '2G',
    message: /managed \(2G\) cannot exceed present \(1G\)/
  },
  {
    name: 'unknown file',
    text: BASE.replace('file: /data/log', 'file: /data/nope'),
    pointAt: '/data/nope',
    message: /unknown file '\/data\/nope'/
  },
  {
    name: 'timeline out of order',
    text: BASE.replace('at: 5ms', 'at: 0ms'),
    pointAt: '0ms',
    message: /not in time order/
  },
  {
    name: 'until without every',
    text: BASE.replace('size: 1M, every: 1ms, until: killed', 'size: 1M, until: killed'),
    pointAt: 'killed',
    message: /'until' needs 'every'/
  },
  {
    name: 'cgroup v1 file on a v2 hierarchy',
    text: BASE.replace('memory.max: 64M', 'memory.limit_in_bytes: 64M'),
    pointAt: '64M',
    message: /memory\.limit_in_bytes is a cgroup v1 file but cgroups\.version is 2/
  },
  {
    name: 'unknown VMA',
    text: BASE.replace('pid: 100, size: 1M', 'pid: 100, vma: heap2, size: 1M'),
    pointAt: 'heap2',
    message: /process 100 has no VMA named 'heap2'/
  },
  {
    name: 'unknown swap device',
    text: BASE + '  - { at: 9ms, do: swapoff, name: /dev/sdz }\n',
    pointAt: '/dev/sdz',
    message: /unknown swap device '\/dev\/sdz'/
  },
  {
    name: 'bad duration',
    text: BASE.replace('at: 5ms', 'at: 5 parsecs'),
    pointAt: '5 parsecs',
    message: /expected a duration such as "30s"/
  },
  {
    name: 'resident larger than the VMA',
    text: BASE.replace('{ name: buf, size: 32M }', '{ name: buf, size: 32M, resident: 64M }'),
    pointAt: '64M',
    after: 'name: buf',
    message: /resident \(64M\) is larger than the VMA/
  },
  {
    name: 'undeclared parent cgroup',
    text: BASE.replace('path: /app, memory.max', 'path: /a/b, memory.max'),
    pointAt: '/a/b',
    message: /parent cgroup '\/a' of '\/a\/b' is not declared/
  },
  {
    name: 'fork onto an existing pid',
    text: BASE + '  - { at: 9ms, do: fork, pid: 100, child: 100 }\n',
    pointAt: '100 }',
    after: 'do: fork',
    message: /fork: pid 100 already exists/
  },
  {
    name: 'negative size',
    text: BASE.replace('size: 10M', 'size: -5'),
    pointAt: '-5',
    message: /files\[0\]\.size/
  },
  {
    name: 'not a mapping',
    text: '- just\n- a list\n',
    pointAt: '- just',
    message: /expected a mapping with name, profile, machine and processes/
  }
]

describe('scenario validation: one clear line with file:line:col, exit 2', () => {
  it('covers at least 20 distinct mistakes', () => {
    expect(new Set(cases.map(c => c.name)).size).toBeGreaterThanOrEqual(20)
  })
  for (const c of cases) {
    it(c.name, async () => {
      const r = await failWith(c.text)
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.line).toMatch(/^oomkit: FILE:\d+:\d+: /)
      expect(r.line).toContain(`FILE:${at(c.text, c.pointAt, c.after)}: `)
      expect(r.line).toMatch(c.message)
      expect(r.line).not.toMatch(/\n|at .*\.ts:/)
    })
  }

  it('the base scenario itself is valid and runs', async () => {
    const file = join(dir, 'good.yaml')
    writeFileSync(file, BASE)
    const r = await runCli(['simulate', file, '--json'])
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.stdout) as { victims: { pid: number }[] }
    expect(summary.victims.map(v => v.pid)).toEqual([100])
  })

  it('JSON scenarios get the same positions', async () => {
    const json =
      '{\n  "name": "j",\n  "profile": "6.1",\n  "machine": { "memory": "1G" },\n  "processes": [\n    { "pid": "one", "comm": "x" }\n  ]\n}\n'
    const file = join(dir, 'bad.json')
    writeFileSync(file, json)
    const r = await runCli(['simulate', file])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`oomkit: ${file}:6:14: processes[0].pid: expected number, got "one"\n`)
  })

  it('a missing file is one line, exit 2', async () => {
    const r = await runCli(['simulate', join(dir, 'missing.yaml')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^oomkit: cannot read scenario '.*missing\.yaml' \(ENOENT\)\n$/)
  })

  it('bad flags are one line, exit 2', async () => {
    expect((await runCli(['simulate', '--profile', 'nine'])).stderr).toBe(
      "oomkit: unknown kernel profile 'nine' (--profile): not a profile name or a kernel release; known: rhel6, 3.10.0, 3.10, 4.14-android, 4.14, 4.19, 5.4.0, 5.4, 5.10, 5.15, 6.1, 6.6, 6.11, 6.18, or a release like 6.8.0\n"
    )
    expect((await runCli(['simulate', '--seed', 'x'])).code).toBe(2)
  })
})
