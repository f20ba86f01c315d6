/**
 * @module A cgroup v1 memory threshold: the kernel signals an eventfd when the cgroup's
 * `memory.usage_in_bytes` crosses a registered value, in either direction
 * (`memcg_write_event_control()` parses "<eventfd> <fd of memory.usage_in_bytes> <bytes>" written
 * to `cgroup.event_control`; `mem_cgroup_usage_register_event()` and `__mem_cgroup_threshold()`,
 * mm/memcontrol-v1.c in 6.18, mm/memcontrol.c before 6.10; the check runs every 128 page
 * charge/uncharge events per CPU). Closing the eventfd unregisters it; removing the cgroup
 * signals POLLHUP. cgroup v2 has no such file: `registerUsageThresholds` says so.
 */
import { closeSync, existsSync, openSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { POLLIN } from '../pidfd/fd-watch.ts'
import type { FdWatch } from '../pidfd/fd-watch.ts'

/** Registered thresholds on one cgroup; `close()` unregisters them. */
export interface UsageThresholds {
  readonly bytes: readonly number[]
  close(): void
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    /* already closed */
  }
}

/**
 * Register each of `bytes` on `dir`'s memory.usage_in_bytes through one eventfd in `watch`:
 * `onCross` on every crossing, `onGone` when the cgroup goes away. An error message when the
 * kernel refuses (no v1 memory controller there, EACCES, EINVAL).
 */
export function registerUsageThresholds(
  watch: FdWatch,
  dir: string,
  bytes: readonly number[],
  handlers: { onCross(): void; onGone(): void }
): UsageThresholds | { error: string } {
  const control = join(dir, 'cgroup.event_control')
  if (!existsSync(control)) return { error: `${control} does not exist (cgroup v2 or no memcg)` }
  const efd = watch.eventfd()
  if (efd === null) return { error: 'eventfd(2) failed' }
  let usage: number
  try {
    usage = openSync(join(dir, 'memory.usage_in_bytes'), 'r')
  } catch (error) {
    closeQuietly(efd)
    return { error: `cannot open memory.usage_in_bytes: ${errCode(error)}` }
  }
  try {
    for (const b of bytes) writeFileSync(control, `${efd} ${usage} ${Math.round(b)}`)
  } catch (error) {
    closeQuietly(efd)
    closeQuietly(usage)
    return { error: `${control}: ${errCode(error)}` }
  }
  watch.add(efd, POLLIN, {
    onEvent() {
      watch.drain(efd)
      handlers.onCross()
    },
    onGone: () => handlers.onGone()
  })
  return {
    bytes,
    close() {
      watch.remove(efd)
      closeQuietly(efd)
      closeQuietly(usage)
    }
  }
}

function errCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error)
}
