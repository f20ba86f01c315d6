/**
 * @module The daemon's default configuration as a plain object, so a daemon started without a
 * config file never loads zod or yaml (~20 MB of its idle RSS). It must equal what
 * `configSchema.parse({})` yields (src/daemon/config-schema.ts spells out each default next to its
 * field; tests/daemon/config-defaults.test.ts holds the two together).
 */
import type { DaemonConfig } from './config-schema.ts'

/** The configuration with every default (what `oomkit daemon` runs with no file); a fresh copy. */
export function defaultConfig(): DaemonConfig {
  return {
    profile: 'auto',
    interval: { min: 100, max: 5000, predictive: true },
    memory: {
      available: { term: { kind: 'percent', value: 10 }, kill: { kind: 'percent', value: 5 } },
      swapFree: { term: { kind: 'percent', value: 10 }, kill: { kind: 'percent', value: 5 } },
      combine: 'all',
      enabled: true
    },
    cgroups: [],
    hysteresis: 2,
    for: 0,
    choose: { sortBy: 'badness', mode: 'process', rules: [], ignoreRootUser: false },
    kill: {
      grace: 5000,
      waitMemory: 3000,
      budget: { kills: 5, window: 60_000 },
      escalateAfter: 10_000,
      dryRun: false
    },
    journal: null,
    metrics: { listen: '127.0.0.1:9464', enabled: false, allowNonLoopback: false },
    hooks: { preKillWait: 0, timeout: 10_000 },
    notify: { desktop: true },
    selfProtect: {
      oomScoreAdj: -100,
      mlockall: true,
      watchdog: { enabled: true, timeout: 10_000, action: 'sysrq-f' }
    },
    log: { level: 'info' }
  }
}
