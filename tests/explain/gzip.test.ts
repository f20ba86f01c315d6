/** `oomkit explain` reads gzip files and gzip streams on stdin as the text inside them. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { cli } from '../../src/cli/main.ts'
import { runCli } from '../helpers.ts'

const fixture = join(import.meta.dirname, '..', 'fixtures', 'explain', 'oom-group-spread.log')
const text = readFileSync(fixture)
const dir = mkdtempSync(join(tmpdir(), 'oomkit-gz-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** `oomkit explain --json -` with stdin handed over as these chunks. */
async function explainStdin(chunks: Buffer[]): Promise<{ code: number; stdout: string }> {
  let stdout = ''
  const code = await cli({
    argv: ['explain', '--json', '-'],
    stdin: Readable.from(chunks),
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: () => true, isTTY: false },
    env: { NO_COLOR: '1' },
    cwd: process.cwd()
  })
  return { code, stdout }
}

describe('explain on gzip input', () => {
  it('reads a .gz file (and one without the suffix) as its text', async () => {
    const plain = await runCli(['explain', '--json', fixture])
    expect(JSON.parse(plain.stdout).reports.length).toBeGreaterThan(0)
    for (const name of ['kern.log.gz', 'kern.log.1']) {
      const path = join(dir, name)
      writeFileSync(path, gzipSync(text))
      const r = await runCli(['explain', '--json', path])
      expect(r.code).toBe(0)
      expect(r.stdout).toBe(plain.stdout)
    }
  })

  it('reads a gzip stream on stdin, whatever its chunking, and concatenated members', async () => {
    const plain = await explainStdin([text])
    const gz = gzipSync(text)
    const oneByteFirst = await explainStdin([
      gz.subarray(0, 1),
      gz.subarray(1, 100),
      gz.subarray(100)
    ])
    expect(oneByteFirst.stdout).toBe(plain.stdout)
    const half = text.lastIndexOf(10, text.length >> 1) + 1
    const members = Buffer.concat([gzipSync(text.subarray(0, half)), gzipSync(text.subarray(half))])
    expect((await explainStdin([members])).stdout).toBe(plain.stdout)
  })

  it('says so when the gzip data is damaged', async () => {
    const gz = gzipSync(text)
    const path = join(dir, 'broken.gz')
    writeFileSync(path, Buffer.concat([gz.subarray(0, 40), Buffer.alloc(200, 7)]))
    const r = await runCli(['explain', path])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/broken\.gz.*cannot read/)
  })
})
