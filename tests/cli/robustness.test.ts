/**
 * What a user meets outside the happy path: a full disk under stdout or an output file, a closed
 * stdout, a scenario on stdin, a release that maps to a nearby profile.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeFileAtomicSync } from '../../src/adapters/file/atomic-write.ts'
import { runCli } from '../helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'oomkit-robust-'))
const isRoot = process.getuid?.() === 0
afterAll(() => {
  if (isRoot) spawnSync('umount', [join(dir, 'small')])
  rmSync(dir, { recursive: true, force: true })
})

function sh(script: string): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' })
  return { status: r.status, stderr: r.stderr, stdout: r.stdout }
}

describe('output that cannot be written', () => {
  it.each(['simulate', 'scores', 'explain tests/fixtures/oomlogs/askubuntu_1.log'])(
    '%s > /dev/full: one line, exit 1, no stack trace',
    cmd => {
      const r = sh(`node bin/oomkit.js ${cmd} > /dev/full`)
      expect(r.status).toBe(1)
      expect(r.stderr).toBe('oomkit: cannot write the output: ENOSPC\n')
    }
  )

  it('a closed stdout is an error, not a silent exit 0; /dev/null still works', () => {
    const closed = sh('node bin/oomkit.js simulate >&-')
    expect(closed.status).toBe(1)
    expect(closed.stderr).toBe(
      'oomkit: stdout is closed; nothing could be printed (redirect it instead)\n'
    )
    expect(sh('node bin/oomkit.js simulate > /dev/null').status).toBe(0)
  })
})

describe('files written whole or not at all', () => {
  it('a failed write keeps the old content and leaves no temporary file (fake writer)', () => {
    const file = join(dir, 'keep.txt')
    writeFileSync(file, 'old')
    expect(() => writeFileAtomicSync(join(dir, 'no-dir', 'x.txt'), 'new')).toThrow(/ENOENT/)
    expect(() => writeFileAtomicSync(dir, 'new')).toThrow()
    expect(readFileSync(file, 'utf8')).toBe('old')
    writeFileAtomicSync(file, 'new')
    expect(readFileSync(file, 'utf8')).toBe('new')
    expect(readdirSync(dir).filter(f => f.endsWith('.tmp'))).toEqual([])
  })

  it.runIf(isRoot)(
    '--html, --trace and snapshot -o on a full tmpfs keep the old file',
    async () => {
      const small = join(dir, 'small')
      sh(`mkdir -p ${small}`)
      expect(sh(`mount -t tmpfs -o size=64k tmpfs ${small}`).status).toBe(0)
      const outputs = [
        ['simulate', '--html', join(small, 'r.html')],
        ['simulate', 'examples/swap-then-oom.yaml', '--trace', join(small, 't.jsonl')],
        ['snapshot', '-o', join(small, 's.yaml')]
      ]
      for (const argv of outputs) writeFileSync(argv[argv.length - 1] ?? '', 'old content\n')
      // Fill every free block: any output, however small this host's snapshot, cannot fit.
      sh(`dd if=/dev/zero of=${join(small, 'filler')} bs=1k 2>/dev/null`)
      for (const argv of outputs) {
        const file = argv[argv.length - 1] ?? ''
        const r = await runCli(argv)
        expect(r.code, argv.join(' ')).toBe(2)
        expect(r.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1)
        expect(r.stderr).toMatch(/no space left on device|ENOSPC/)
        expect(readFileSync(file, 'utf8')).toBe('old content\n')
      }
      expect(readdirSync(small).sort()).toEqual(['filler', 'r.html', 's.yaml', 't.jsonl'])
    }
  )
})

describe('the bundled CLI', () => {
  it('snapshot -o writes a scenario that simulate reads back', () => {
    const file = join(dir, 'snap.yaml')
    const r = sh(`node bin/oomkit.js snapshot -o ${file}`)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(readFileSync(file, 'utf8')).toMatch(/^# oomkit snapshot of /)
  })
})

describe('simulate reads stdin and says which profile it used', () => {
  it('simulate - runs the scenario on stdin', async () => {
    const yaml = readFileSync('examples/shared-mm.yaml', 'utf8')
    const fromStdin = await runCli(['simulate', '-'], { stdin: yaml })
    const fromFile = await runCli(['simulate', 'examples/shared-mm.yaml'])
    expect(fromStdin.code).toBe(0)
    expect(fromStdin.stdout).toBe(fromFile.stdout)
  })

  it('a release maps to the nearest profile and says so on stderr; stdout is the log only', async () => {
    const r = await runCli(['simulate', '--profile', '5.1'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('oomkit: kernel release 5.1 uses profile 4.19\n')
    for (const l of r.stdout.trimEnd().split('\n')) expect(l).toMatch(/^\[ *\d+\.\d{6}\] /)
  })
})

describe('scenario mistakes come all at once', () => {
  it('reports every schema mistake, one per line, up to 20', async () => {
    const file = join(dir, 'many.yaml')
    const bad = Array.from(
      { length: 25 },
      (_, i) => `  - { pid: ${100 + i}, comm: p, oom_score_adj: 5000 }`
    )
    writeFileSync(
      file,
      ['name: many', 'profile: "6.1"', 'machine: { memory: 1G }', 'processes:', ...bad, ''].join(
        '\n'
      )
    )
    const r = await runCli(['simulate', file])
    expect(r.code).toBe(2)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(20)
    expect(lines[0]).toBe(
      `oomkit: ${file}:5:41: processes[0].oom_score_adj: 5000 is too large (maximum 1000)`
    )
    expect(lines[19]).toBe(
      `oomkit: ${file}:24:41: processes[19].oom_score_adj: 5000 is too large (maximum 1000)`
    )
  })
})
