/**
 * @module Serialises the tests that drive the real kernel. The kernel's OOM report ratelimit
 * (10 reports per 5 s), dmesg and the memory of the machine are shared by every process, and
 * vitest runs test files in parallel: the host and daemon live tests take the same file lock as
 * the conformance harness (conformance/lock.ts), one test at a time, so that no two of them cause
 * OOMs, watch the kernel log or grow hogs at once.
 */
import { afterEach, beforeEach } from 'vitest'
import { acquireLock } from '../conformance/lock.ts'

/** How long a test waits for another real-kernel test or conformance run to finish (ms). */
export const KERNEL_LOCK_WAIT_MS = 15 * 60_000

/**
 * Hold the machine-wide real-kernel lock around each test of the enclosing describe block. Call
 * it before the block's own cleanup hooks: vitest runs after-hooks in reverse order of
 * registration (`sequence.hooks: 'stack'`), so the lock is released after that cleanup.
 */
export function holdKernelLockPerTest(): void {
  let release: (() => void) | null = null
  beforeEach(async () => {
    release = await acquireLock(KERNEL_LOCK_WAIT_MS)
  }, KERNEL_LOCK_WAIT_MS + 60_000)
  afterEach(() => {
    release?.()
    release = null
  })
}
