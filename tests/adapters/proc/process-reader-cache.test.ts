/**
 * The process reader's cache under churn (issue 19): many short-lived processes with long
 * command lines, read through pid lists (the path that never pruned), must leave a cache bounded
 * by its byte cap, and a full listing keeps only live pids.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  CMDLINE_MAX,
  ProcessReader,
  STATIC_CACHE_MAX_BYTES
} from '../../../src/adapters/proc/process-reader.ts'

const root = mkdtempSync(join(tmpdir(), 'oomkit-churn-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const BIG = 'x'.repeat(8 * 1024)

function spawnFake(pid: number): void {
  const dir = join(root, String(pid))
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'stat'),
    `${pid} (churn) S 1 ${pid} ${pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 ${1000 + pid} 1000 10 18446744073709551615\n`
  )
  writeFileSync(join(dir, 'cmdline'), `/bin/churn\0${BIG}\0`)
  writeFileSync(join(dir, 'cgroup'), '0::/user.slice\n')
}

describe('ProcessReader cache', () => {
  it('stays under its byte cap through pid-list reads, and a full listing keeps only live pids', () => {
    const reader = new ProcessReader(root, join(root, 'passwd'))
    let pid = 100
    for (let gen = 0; gen < 10; gen++) {
      const pids: number[] = []
      for (let i = 0; i < 60; i++, pid++) {
        spawnFake(pid)
        pids.push(pid)
      }
      // Read twice: an entry is cached from a process's second reading on.
      reader.readMany(pids)
      const read = reader.readMany(pids)
      expect(read).toHaveLength(60)
      expect(read[0]!.cmdline.length).toBeLessThanOrEqual(CMDLINE_MAX)
      for (const p of pids) rmSync(join(root, String(p)), { recursive: true })
      expect(reader.cacheSize.bytes).toBeLessThanOrEqual(STATIC_CACHE_MAX_BYTES)
    }
    spawnFake(pid)
    reader.readMany(undefined)
    expect(reader.cacheSize.entries).toBe(0) // seen once: nothing kept for a one-scan process
    reader.readMany(undefined)
    expect(reader.cacheSize.entries).toBe(1)
  })
})
