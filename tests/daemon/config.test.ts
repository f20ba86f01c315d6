import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { UserError } from '../../src/errors.ts'
import { parseConfig } from '../../src/daemon/config-load.ts'
import { applyFlags } from '../../src/daemon/overrides.ts'
import { defaultConfig } from '../../src/daemon/config-defaults.ts'
import { configSchema } from '../../src/daemon/config-schema.ts'
import { runCli } from '../helpers.ts'

function errorOf(text: string): string {
  try {
    parseConfig(text, 'oomkit.yaml')
  } catch (error) {
    if (error instanceof UserError) return error.line()
    throw error
  }
  return 'no error'
}

describe('daemon config', () => {
  it('defaults to earlyoom-like thresholds, badness order and a 5-per-minute budget', () => {
    const c = parseConfig('', 'x.yaml')
    expect(c.memory.available).toEqual({
      term: { kind: 'percent', value: 10 },
      kill: { kind: 'percent', value: 5 }
    })
    expect(c.choose.sortBy).toBe('badness')
    expect(c.kill.budget).toEqual({ kills: 5, window: 60_000 })
    expect(c.interval).toEqual({ min: 100, max: 5000, predictive: true })
    expect(c.metrics.enabled).toBe(false)
  })

  it('runs with no file on exactly the defaults an empty file gets (without loading zod)', () => {
    expect(defaultConfig()).toEqual(parseConfig('', 'x.yaml'))
    expect(defaultConfig()).toEqual(configSchema.parse({}))
    // Each call is a fresh object: flags applied to one never leak into the next.
    const a = defaultConfig()
    a.cgroups.push({ path: '/x', available: {} })
    a.memory.available.term = { kind: 'bytes', value: 1 }
    expect(defaultConfig()).toEqual(configSchema.parse({}))
  })

  it('parses units: sizes, percentages, durations, regexes', () => {
    const c = parseConfig(
      [
        'memory:',
        '  available: { warn: 2G, term: 512MiB, kill: "5%" }',
        'kill:',
        '  grace: 1.5s',
        'choose:',
        '  rules:',
        '    - { name: "^chrome", action: prefer }'
      ].join('\n'),
      'x.yaml'
    )
    expect(c.memory.available.warn).toEqual({ kind: 'bytes', value: 2 * 1024 ** 3 })
    expect(c.memory.available.term).toEqual({ kind: 'bytes', value: 512 * 1024 ** 2 })
    expect(c.kill.grace).toBe(1500)
    expect(c.choose.rules[0]!.name?.test('chrome-sandbox')).toBe(true)
  })

  it('reports file:line:col for a bad value, an unknown key and bad YAML', () => {
    expect(errorOf('memory:\n  available:\n    term: lots\n')).toBe(
      'oomkit: oomkit.yaml:3:11: memory.available.term: expected a percentage like "10%" or a size like "512M", got "lots"'
    )
    expect(errorOf('kill:\n  grace: 5s\n  gracee: 6s\n')).toBe(
      'oomkit: oomkit.yaml:3:3: kill: unknown key "gracee"'
    )
    expect(errorOf('choose:\n  sortBy: random\n')).toMatch(
      /^oomkit: oomkit\.yaml:2:11: choose\.sortBy: /
    )
    expect(errorOf('choose:\n  rules:\n    - { name: "(", action: prefer }\n')).toMatch(
      /^oomkit: oomkit\.yaml:3:15: choose\.rules\.0\.name: bad regular expression/
    )
    expect(errorOf('memory: [\n')).toMatch(/^oomkit: oomkit\.yaml:\d+:\d+: /)
  })

  it('flags override the file; bad flag values are one-line usage errors', () => {
    const base = parseConfig('choose:\n  rules:\n    - { name: "^x$", action: avoid }\n', 'x.yaml')
    const c = applyFlags(base, {
      mem: '512M',
      sortBy: 'rss',
      prefer: ['^hog$'],
      cgroup: ['/sys/fs/cgroup/memory/a=20%,10%'],
      dryRun: true
    })
    expect(c.memory.available).toEqual({
      term: { kind: 'bytes', value: 512 * 1024 ** 2 },
      kill: { kind: 'bytes', value: 256 * 1024 ** 2 }
    })
    expect(c.choose.sortBy).toBe('rss')
    expect(c.choose.rules.map(r => r.action)).toEqual(['avoid', 'prefer'])
    expect(c.cgroups[0]!.available.term).toEqual({ kind: 'percent', value: 20 })
    expect(c.kill.dryRun).toBe(true)
    expect(() => applyFlags(null, { mem: 'plenty' })).toThrow('--mem: expected TERM[,KILL]')
    expect(() => applyFlags(null, { sortBy: 'age' })).toThrow('--sort-by')
  })
})

describe('oomkit daemon --check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oomkit-check-'))

  it('validates a config and prints what it would watch', async () => {
    const file = join(dir, 'ok.yaml')
    writeFileSync(
      file,
      'memory:\n  available: { term: 10%, kill: 5% }\ncgroups:\n  - path: /nonexistent/cg\n'
    )
    const r = await runCli(['daemon', '--check', '-c', file])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('configuration OK')
    expect(r.stdout).toContain('MemAvailable below: term 10%, kill 5%')
    expect(r.stderr).toContain('warning: cgroup /nonexistent/cg does not exist')
  })

  it('exits 2 with one line naming file:line:col on a bad config', async () => {
    const file = join(dir, 'bad.yaml')
    writeFileSync(file, 'kill:\n  budget:\n    kills: 0\n')
    const r = await runCli(['daemon', '--check', '-c', file])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(
      new RegExp(`^oomkit: ${file.replace(/[.]/g, '\\.')}:3:12: kill\\.budget\\.kills: `)
    )
  })

  it('exits 2 on a missing file and on a bad flag', async () => {
    const missing = await runCli(['daemon', '--check', '-c', join(dir, 'nope.yaml')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe(`oomkit: ${join(dir, 'nope.yaml')}: no such file\n`)
    const bad = await runCli(['daemon', '--check', '--sort-by', 'age'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe('oomkit: --sort-by: expected badness, rss, swap or growth, got "age"\n')
  })
})
