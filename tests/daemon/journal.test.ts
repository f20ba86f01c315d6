/**
 * The kill journal as a file: O_NOFOLLOW and 0600, control characters escaped, a `signal` record
 * completed in place by its `kill` record, and a full disk that neither throws nor tears a line.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Journal, journalLine } from '../../src/daemon/journal.ts'
import type { JournalEntry } from '../../src/daemon/journal.ts'
import { UserError } from '../../src/errors.ts'
import { fullDisk } from './full-disk.ts'

function entry(partial: Partial<JournalEntry> = {}): JournalEntry {
  return {
    id: '10:1000',
    time: '2026-01-01T00:00:00.000Z',
    event: 'kill',
    reason: 'cgroup-term',
    dryRun: false,
    profile: '6.18',
    sortBy: 'badness',
    trigger: { level: 'term', hits: [] },
    victim: null,
    signals: [{ signal: 'SIGTERM', atMs: 0 }],
    mrelease: 'not-attempted',
    backend: 'koffi',
    timeToExitMs: null,
    memoryFreedKb: null,
    ranking: [],
    ...partial
  }
}

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter(Boolean)

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'oomkit-journal-'))
  dirs.push(d)
  return d
}

describe('kill journal file', () => {
  it('refuses a symlink planted where the journal goes, and creates the file 0600', () => {
    const dir = tmp()
    const target = join(dir, 'root-owned')
    writeFileSync(target, 'precious\n')
    symlinkSync(target, join(dir, 'kills.jsonl'))
    expect(() => new Journal(join(dir, 'kills.jsonl'))).toThrow(UserError)
    expect(() => new Journal(join(dir, 'kills.jsonl'))).toThrow(/symbolic link/)
    expect(readFileSync(target, 'utf8')).toBe('precious\n')
    const j = new Journal(join(dir, 'real.jsonl'))
    j.write(entry())
    j.close()
    expect(statSync(join(dir, 'real.jsonl')).mode & 0o777).toBe(0o600)
  })

  it('escapes C1 controls (U+009B CSI), DEL and line separators', () => {
    const comm = 'a\u009b31mb\u007f\u2028c\u0085'
    const line = journalLine(entry({ reason: comm }))
    expect(line).not.toMatch(/[\u007f-\u009f\u2028\u2029]/)
    expect(line).toContain('\\u009b')
    expect((JSON.parse(line) as JournalEntry).reason).toBe(comm)
  })

  it('a `signal` record stays if the kill is never judged, and is completed in place', () => {
    const path = join(tmp(), 'k.jsonl')
    const j = new Journal(path, 10)
    j.write(entry({ id: '1:1', event: 'kill-failed' }))
    const mark = j.begin(entry({ event: 'signal' }))
    // The daemon dies here: the record is in the file.
    expect(lines(path).map(l => (JSON.parse(l) as JournalEntry).event)).toEqual([
      'kill-failed',
      'signal'
    ])
    const done = entry({
      reason: 'grace-expired',
      signals: [
        { signal: 'SIGTERM', atMs: 0 },
        { signal: 'SIGKILL', atMs: 5000 }
      ],
      timeToExitMs: 5012.5,
      memoryFreedKb: 123456,
      mrelease: 'already-exited'
    })
    expect(j.complete(mark, done)).toBe(true)
    const after = lines(path).map(l => JSON.parse(l) as JournalEntry)
    expect(after.map(e => e.event)).toEqual(['kill-failed', 'kill'])
    expect(after[1]).toEqual(done)
    expect(j.entries.map(e => e.event)).toEqual(['kill-failed', 'kill'])
  })

  it.skipIf(process.getuid?.() !== 0)(
    'on a full disk: no throw, no torn line, the error reported',
    () => {
      const disk = fullDisk()
      expect(disk).not.toBeNull()
      try {
        const path = join(disk!.dir, 'k.jsonl')
        const j = new Journal(path)
        const errors: string[] = []
        j.onError = code => errors.push(code)
        expect(j.write(entry())).toBe(true)
        disk!.fill()
        // Bigger than what is left of the file's last page: the write stops half-way.
        const big = entry({ reason: 'x'.repeat(20_000) })
        expect(j.write(big)).toBe(false)
        const mark = j.begin(big)
        expect(j.complete(mark, big)).toBe(false)
        expect(errors[0]).toBe('ENOSPC')
        expect(lines(path).map(l => (JSON.parse(l) as JournalEntry).reason)).toEqual([
          'cgroup-term'
        ])
        j.close()
      } finally {
        disk!.remove()
      }
    }
  )
})
