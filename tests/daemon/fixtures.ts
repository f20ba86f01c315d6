/** Fixture readings for the daemon's unit tests: processes, meminfo and recorded traces. */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { DaemonConfig } from '../../src/daemon/config-schema.ts'
import { configSchema } from '../../src/daemon/config-schema.ts'
import type { MemInfo, ProcReading, Readings } from '../../src/daemon/readings.ts'

const here = dirname(fileURLToPath(import.meta.url))

/** A recorded trace (tests/daemon/traces/*.json). */
export function loadTrace(name: string): Readings[] {
  const data = JSON.parse(readFileSync(join(here, 'traces', name), 'utf8')) as {
    samples: Readings[]
  }
  return data.samples
}

/** A config from a plain object (as if read from YAML). */
export function config(raw: unknown = {}): DaemonConfig {
  return configSchema.parse(raw)
}

export const GiB_KB = 1024 * 1024

export function meminfo(availKb: number, partial: Partial<MemInfo> = {}): MemInfo {
  return {
    memTotalKb: 8 * GiB_KB,
    memAvailableKb: availKb,
    swapTotalKb: 0,
    swapFreeKb: 0,
    anonPagesKb: 0,
    ...partial
  }
}

export function readings(
  timeMs: number,
  availKb: number,
  partial: Partial<Readings> = {}
): Readings {
  return { timeMs, meminfo: meminfo(availKb), psi: null, cgroups: [], ...partial }
}

let nextStart = 1000
export function proc(partial: Partial<ProcReading> & { pid: number }): ProcReading {
  return {
    ppid: 1,
    comm: `p${partial.pid}`,
    cmdline: `/usr/bin/p${partial.pid}`,
    exe: `/usr/bin/p${partial.pid}`,
    uid: 1000,
    user: 'alice',
    kthread: false,
    startTime: nextStart++,
    state: 'S',
    oomScoreAdj: 0,
    capSysAdmin: false,
    rssAnonKb: 0,
    rssFileKb: 0,
    rssShmemKb: 0,
    swapKb: 0,
    pteKb: 0,
    memcg: '/user.slice',
    ...partial
  }
}
