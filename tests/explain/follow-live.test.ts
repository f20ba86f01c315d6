/**
 * `oomkit explain --follow --json` on this host's /dev/kmsg while a real memory cgroup OOMs:
 * the report arrives within a second of the kill, naming the kernel's victim, and the replay
 * agrees. Needs root, /dev/kmsg, a writable memory controller and python3; skipped otherwise.
 * Takes the machine-wide real-kernel lock (tests/kernel-lock.ts).
 */
import { spawn, spawnSync } from 'node:child_process'
import { accessSync, constants, mkdirSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import { findMemoryMount } from '../../src/adapters/cgroup/memcg-tree.ts'
import type { ExplainModel } from '../../src/explain/explain-model.ts'
import { holdKernelLockPerTest } from '../kernel-lock.ts'

const root = join(import.meta.dirname, '..', '..')
const mount = (() => {
  try {
    accessSync('/dev/kmsg', constants.R_OK)
    if (spawnSync('python3', ['-c', 'pass']).status !== 0) return null
    return findMemoryMount('/')
  } catch {
    return null
  }
})()

const HOG =
  'chunks = []\nwhile True:\n    c = bytearray(1 << 20)\n    for i in range(0, len(c), 4096): c[i] = 1\n    chunks.append(c)'
const FOLLOW = `import { cli } from ${JSON.stringify(join(root, 'src', 'cli', 'main.ts'))}
await cli({ argv: ['explain', '--follow', '--json'], stdin: process.stdin, stdout: process.stdout,
  stderr: process.stderr, env: process.env, cwd: process.cwd() })`

describe.skipIf(mount === null)('explain --follow on a real memcg OOM', () => {
  holdKernelLockPerTest()

  it('prints the report within a second, with the kernel victim and verdict agrees', async () => {
    const follow = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', FOLLOW],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit']
      }
    )
    const dir = join(mount!.mount, `oomkit-follow-test-${process.pid}`)
    const reports: { at: number; model: ExplainModel }[] = []
    createInterface({ input: follow.stdout }).on('line', line =>
      reports.push({ at: Date.now(), model: JSON.parse(line) as ExplainModel })
    )
    try {
      await new Promise(r => setTimeout(r, 2500)) // loaded, backlog skipped
      mkdirSync(dir)
      const limit = mount!.version === 1 ? 'memory.limit_in_bytes' : 'memory.max'
      writeFileSync(join(dir, limit), String(64 << 20))
      if (mount!.version === 2) writeFileSync(join(dir, 'memory.swap.max'), '0')
      const hog = spawn(
        'sh',
        ['-c', `echo $$ > ${dir}/cgroup.procs && exec python3 -c "$0"`, HOG],
        {
          stdio: 'ignore'
        }
      )
      const killedAt = await new Promise<number>(r => hog.once('exit', () => r(Date.now())))
      for (let i = 0; i < 40 && reports.length === 0; i++) await new Promise(r => setTimeout(r, 50))
      const got = reports.find(x => x.model.reports[0]?.kills[0]?.pid === hog.pid)
      expect(
        got,
        `no report for ${hog.pid}: ${JSON.stringify(reports.map(x => x.model.reports[0]?.kills))}`
      ).toBeDefined()
      const report = got!.model.reports[0]!
      expect(got!.model.version).toBe(1)
      expect(report.kills[0]).toMatchObject({ pid: hog.pid, reason: 'victim' })
      expect(report.constraint).toBe('CONSTRAINT_MEMCG')
      expect(report.verdict).toMatchObject({ result: 'agrees' })
      expect(got!.at - killedAt).toBeLessThan(1000)
    } finally {
      follow.kill('SIGKILL')
      for (let i = 0; i < 50; i++) {
        try {
          rmdirSync(dir)
          break
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') break
          await new Promise(r => setTimeout(r, 50))
        }
      }
    }
  }, 60_000)
})
