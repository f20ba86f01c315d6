/**
 * @module The daemon's configuration: a zod schema for the YAML file, with human units parsed
 * into numbers (thresholds as percent/bytes, durations in milliseconds) and every default spelled
 * out here. What runs with no file is `defaultConfig()` in config-defaults.ts (the same values
 * without loading zod).
 */
import { z } from 'zod'
import { parseDuration, parseThreshold } from './units.ts'
import type { Threshold } from './units.ts'

const threshold = z.union([z.string(), z.number()]).transform((v, ctx): Threshold => {
  const t = parseThreshold(v)
  if (t === null) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a percentage like "10%" or a size like "512M", got ${JSON.stringify(v)}`
    })
    return z.NEVER
  }
  return t
})

const duration = z.union([z.string(), z.number()]).transform((v, ctx): number => {
  const d = parseDuration(v)
  if (d === null) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration like "100ms" or "2s", got ${JSON.stringify(v)}`
    })
    return z.NEVER
  }
  return d
})

const regex = z.string().transform((v, ctx): RegExp => {
  try {
    return new RegExp(v)
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `bad regular expression: ${(error as Error).message}` })
    return z.NEVER
  }
})

/** Warn / SIGTERM / SIGKILL stages of a "below" threshold (MemAvailable, SwapFree, cgroup headroom). */
const stages = z.strictObject({
  warn: threshold.optional(),
  term: threshold.optional(),
  kill: threshold.optional()
})

/** PSI avg10 stages (percent) and how long they must hold. */
const psiStages = z.strictObject({
  metric: z.enum(['some', 'full']).default('full'),
  warn: z.number().min(0).max(100).optional(),
  term: z.number().min(0).max(100).optional(),
  kill: z.number().min(0).max(100).optional(),
  for: duration.default(10_000)
})

const psiTrigger = z.strictObject({
  metric: z.enum(['some', 'full']).default('some'),
  stall: duration.default(150),
  window: duration.default(2000)
})

const rule = z.strictObject({
  /** Advisory: any process can choose its name (prctl) and command line (exec -a). */
  name: regex.optional(),
  cmdline: regex.optional(),
  exe: regex.optional(),
  /** An absolute path: matches a process running that very file (device and inode). */
  exePath: z
    .string()
    .refine(v => v.startsWith('/'), { message: 'expected an absolute path' })
    .optional(),
  cgroup: regex.optional(),
  /** A system unit (under /system.slice), e.g. "^sshd\\.service$". */
  unit: regex.optional(),
  user: z.union([z.string(), z.number()]).optional(),
  action: z.enum(['prefer', 'avoid', 'ignore']),
  /** In oom_score_adj units (per mille of the domain); default +300 prefer, -300 avoid. */
  adjust: z.number().int().min(-1000).max(1000).optional()
})

const cgroupWatch = z.strictObject({
  path: z.string().min(1),
  available: stages.default({
    term: { kind: 'percent', value: 10 },
    kill: { kind: 'percent', value: 5 }
  }),
  psi: psiStages.optional()
})

export const configSchema = z.strictObject({
  profile: z.string().default('auto'),
  interval: z
    .strictObject({
      min: duration.default(100),
      /** The longest sleep, when memory is plentiful: the sleep is the headroom to the nearest
       * term/kill line at 6000 MiB/s (trigger-levels.ts), so it stretches with the headroom. */
      max: duration.default(5000),
      predictive: z.boolean().default(true)
    })
    .default({ min: 100, max: 5000, predictive: true }),
  memory: z
    .strictObject({
      available: stages.default({
        term: { kind: 'percent', value: 10 },
        kill: { kind: 'percent', value: 5 }
      }),
      swapFree: stages.default({
        term: { kind: 'percent', value: 10 },
        kill: { kind: 'percent', value: 5 }
      }),
      /** 'all': memory and swap must both be low (earlyoom); 'memory': ignore swap. */
      combine: z.enum(['all', 'memory']).default('all'),
      enabled: z.boolean().default(true)
    })
    .default({
      available: { term: { kind: 'percent', value: 10 }, kill: { kind: 'percent', value: 5 } },
      swapFree: { term: { kind: 'percent', value: 10 }, kill: { kind: 'percent', value: 5 } },
      combine: 'all',
      enabled: true
    }),
  psi: psiStages.optional(),
  psiTrigger: psiTrigger.optional(),
  cgroups: z.array(cgroupWatch).default([]),
  /** Recovery margin: a stage is left once the reading is this far (percent of the total) past it. */
  hysteresis: z.number().min(0).max(50).default(2),
  /** How long a threshold stage must hold before it counts (0 = at once, like earlyoom). */
  for: duration.default(0),
  choose: z
    .strictObject({
      sortBy: z.enum(['badness', 'rss', 'swap', 'growth']).default('badness'),
      mode: z.enum(['process', 'cgroup']).default('process'),
      rules: z.array(rule).default([]),
      ignoreRootUser: z.boolean().default(false)
    })
    .default({ sortBy: 'badness', mode: 'process', rules: [], ignoreRootUser: false }),
  kill: z
    .strictObject({
      /** Send SIGTERM at the term stage, SIGKILL after `grace` or at the kill stage. */
      grace: duration.default(5000),
      /** After the victim exits, wait up to this long for its memory to come back. */
      waitMemory: duration.default(3000),
      budget: z
        .strictObject({
          kills: z.number().int().min(1).default(5),
          window: duration.default(60_000)
        })
        .default({ kills: 5, window: 60_000 }),
      /** Escalate to the whole cgroup if a kill inside it did not help within this time. */
      escalateAfter: duration.default(10_000),
      dryRun: z.boolean().default(false)
    })
    .default({
      grace: 5000,
      waitMemory: 3000,
      budget: { kills: 5, window: 60_000 },
      escalateAfter: 10_000,
      dryRun: false
    }),
  journal: z.string().nullable().default(null),
  metrics: z
    .strictObject({
      listen: z.string().default('127.0.0.1:9464'),
      enabled: z.boolean().default(false),
      /** Binding outside loopback must be asked for (e.g. a Kubernetes pod IP). */
      allowNonLoopback: z.boolean().default(false)
    })
    .default({ listen: '127.0.0.1:9464', enabled: false, allowNonLoopback: false }),
  hooks: z
    .strictObject({
      preKill: z.string().optional(),
      postKill: z.string().optional(),
      /** How long the kill waits for the pre-kill hook (0 = do not wait). */
      preKillWait: duration.default(0),
      timeout: duration.default(10_000)
    })
    .default({ preKillWait: 0, timeout: 10_000 }),
  notify: z.strictObject({ desktop: z.boolean().default(true) }).default({ desktop: true }),
  selfProtect: z
    .strictObject({
      oomScoreAdj: z.number().int().min(-1000).max(1000).default(-100),
      mlockall: z.boolean().default(true),
      watchdog: z
        .strictObject({
          enabled: z.boolean().default(true),
          timeout: duration.default(10_000),
          action: z.enum(['sysrq-f', 'log']).default('sysrq-f')
        })
        .default({ enabled: true, timeout: 10_000, action: 'sysrq-f' })
    })
    .default({
      oomScoreAdj: -100,
      mlockall: true,
      watchdog: { enabled: true, timeout: 10_000, action: 'sysrq-f' }
    }),
  log: z
    .strictObject({ level: z.enum(['debug', 'info', 'warn', 'error']).default('info') })
    .default({ level: 'info' })
})

/** The validated configuration (units: ms for durations, Threshold for sizes). */
export type DaemonConfig = z.output<typeof configSchema>
/** One prefer/avoid/ignore rule. */
export type MatchRule = DaemonConfig['choose']['rules'][number]
/** One watched cgroup. */
export type CgroupWatch = DaemonConfig['cgroups'][number]
/** Threshold stages. */
export type Stages = DaemonConfig['memory']['available']
/** PSI stages. */
export type PsiStages = NonNullable<DaemonConfig['psi']>
