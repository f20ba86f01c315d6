/**
 * `oomkit explain FILE` from the bundle scans a large file on a second thread
 * (explain-scan-thread.ts) and prints what the one-thread path prints, byte for byte.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { openSync, closeSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildBundle } from '../../scripts/build.ts'
import type { cli as cliOfSource } from '../../src/cli/main.ts'
import { runCli } from '../helpers.ts'

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'oomlogs')
const reports = ['cnnotes611_1.log', 'parseoom_1.log', 'cadvisor_2.log', 'askubuntu_1.log'].map(f =>
  readFileSync(join(fixtures, f), 'utf8')
)

/** A ~70 MB log: noise with a report every ~5 MB, one at the very end. */
function writeLog(path: string): void {
  const fd = openSync(path, 'w')
  const line = (i: number): string =>
    `Dec  8 17:51:31 web-1 kernel: [${(1000 + i / 1e4).toFixed(6)}] eth0: link up, seq ${i}\n`
  let block = ''
  for (let i = 0; i < 8000; i++) block += line(i)
  const blockBytes = Buffer.from(block)
  let written = 0
  for (let i = 0; written < 70 << 20; i++) {
    written += writeSync(fd, blockBytes)
    if (i % 8 === 3) written += writeSync(fd, reports[i % reports.length]!)
  }
  writeSync(fd, reports[0]!)
  closeSync(fd)
}

describe('explain on a large file from the bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oomkit-scan-thread-'))
  const log = join(dir, 'big.log')
  const marker = join(dir, 'scanned')
  beforeAll(async () => {
    await buildBundle(join(dir, 'dist'))
    // The worker script notes that it ran, then runs as built.
    const worker = join(dir, 'dist', 'explain-scan-worker.js')
    renameSync(worker, join(dir, 'dist', 'explain-scan-worker-built.js'))
    writeFileSync(
      worker,
      `import { writeFileSync } from 'node:fs'\nwriteFileSync(${JSON.stringify(marker)}, 'yes')\nawait import('./explain-scan-worker-built.js')\n`
    )
    writeLog(log)
  }, 120_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('prints the --json document of the one-thread path, scanning on the worker', async () => {
    const { cli } = (await import(pathToFileURL(join(dir, 'dist', 'cli.js')).href)) as {
      cli: typeof cliOfSource
    }
    let stdout = ''
    const stdin = new PassThrough()
    stdin.end()
    const code = await cli({
      argv: ['explain', '--json', log],
      stdin,
      stdout: { write: (s: string) => (stdout += s), isTTY: false },
      stderr: { write: () => true, isTTY: false },
      env: {},
      cwd: dir
    })
    expect(code).toBe(0)
    expect(existsSync(marker)).toBe(true)
    const one = await runCli(['explain', '--json', log])
    expect(one.code).toBe(0)
    expect(stdout).toBe(one.stdout)
    expect((JSON.parse(stdout) as { reports: unknown[] }).reports.length).toBeGreaterThan(10)
  }, 120_000)
})
