/**
 * A full disk for the journal's tests: a tiny tmpfs mounted on a temporary directory, with the
 * journal file already open in it and the rest filled up, so the next journal write fails with
 * ENOSPC. Needs root (mount); `fullDisk()` returns null otherwise.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface FullDisk {
  dir: string
  /** Fill what is left (call after the journal has been opened there). */
  fill(): void
  remove(): void
}

export function fullDisk(): FullDisk | null {
  if (process.getuid?.() !== 0) return null
  const dir = mkdtempSync(join(tmpdir(), 'oomkit-full-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' })
  } catch {
    rmSync(dir, { recursive: true, force: true })
    return null
  }
  return {
    dir,
    fill() {
      // One byte at a time at the end, so not even a page is left.
      for (let i = 0; ; i++) {
        try {
          writeFileSync(join(dir, `filler${i}`), Buffer.alloc(i < 16 ? 4096 : 1, 120))
        } catch {
          if (i >= 16) return
        }
      }
    },
    remove() {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' })
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
