/**
 * @module `npm run conformance [-- --kernel host|qemu-6.1] [-- --seed N] [-- --cases N] [-- --first S] [-- --kind K] [-- --fail-fast] [-- --list]
 * [-- --dump DIR]`: run the real-kernel conformance cases and print the summary. `--kind K` runs
 * `--cases N` cases of one kind generator instead (conformance/kind-cases.ts: ties, threads,
 * vfork, stopped, oom-adj, threaded-trigger, concurrent, nested, pagecache-read, pagecache-mmap,
 * tmpfs, oom-kill-disable). `--dump` writes,
 * per case, the kernel's log (`seed-N.kernel.log`) and the scenario check 2 feeds the simulator
 * (`seed-N.scenario.json`, runnable with `oomkit simulate`). Exit 0 when every check agrees on every
 * kill, 1 on a disagreement or harness failure, 2 on bad arguments, 3 when this machine cannot
 * run the suite (not Linux, not root, no memory cgroup). `--kernel qemu-6.1` runs the QEMU
 * backend instead (conformance/qemu/run-qemu.ts); the default is this machine's kernel.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { caseForSeed, defaultCases, type CaseSpec } from './cases.ts'
import { KIND_NAMES, kindCase, kindCaseForSeed } from './kind-cases.ts'
import { caseToScenario } from './snapshot-scenario.ts'
import { runConformance } from './runner.ts'
import { mainQemu, QEMU_KERNELS } from './qemu/run-qemu.ts'
import { reportText, runPassed } from './summary.ts'

function usage(msg: string): never {
  process.stderr.write(
    `conformance: ${msg}\nusage: npm run conformance -- [--kernel host|qemu-6.1] [--seed N] [--cases N] [--first S] [--kind K] [--fail-fast] [--list] [--dump DIR]\n`
  )
  process.exit(2)
}

function intArg(v: string | undefined, flag: string): number {
  if (v === undefined || !/^\d+$/.test(v)) usage(`${flag} needs a non-negative integer`)
  return Number(v)
}

/** One seed (a kind case in a kind's seed range), `count` cases of a kind, or the default run. */
function pickCases(o: {
  seed: number | null
  kind: string | null
  count: number
  first: number
}): CaseSpec[] {
  if (o.seed !== null) return [kindCaseForSeed(o.seed) ?? caseForSeed(o.seed)]
  const kind = o.kind
  if (kind !== null) return Array.from({ length: o.count }, (_, i) => kindCase(kind, o.first + i))
  return defaultCases(o.count, o.first)
}

async function main(argv: string[]): Promise<number> {
  let seed: number | null = null
  let count = 30
  let first = 1
  let failFast = false
  let list = false
  let dump: string | null = null
  let kernel = 'host'
  let kind: string | null = null
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--seed') seed = intArg(argv[++i], '--seed')
    else if (a.startsWith('--seed=')) seed = intArg(a.slice(7), '--seed')
    else if (a === '--cases') count = intArg(argv[++i], '--cases')
    else if (a.startsWith('--cases=')) count = intArg(a.slice(8), '--cases')
    else if (a === '--first') first = intArg(argv[++i], '--first')
    else if (a === '--fail-fast') failFast = true
    else if (a === '--list') list = true
    else if (a === '--kernel' || a.startsWith('--kernel=')) {
      kernel = (a === '--kernel' ? argv[++i] : a.slice(9)) ?? usage('--kernel needs a name')
      if (kernel !== 'host' && !(QEMU_KERNELS as readonly string[]).includes(kernel))
        usage(`unknown kernel ${kernel} (host, ${QEMU_KERNELS.join(', ')})`)
    } else if (a === '--kind') {
      kind = argv[++i] ?? usage('--kind needs a name')
      if (!KIND_NAMES.includes(kind)) usage(`unknown kind ${kind} (${KIND_NAMES.join(', ')})`)
    } else if (a === '--dump') {
      dump = argv[++i] ?? usage('--dump needs a directory')
    } else usage(`unknown argument ${a}`)
  }
  if (kernel !== 'host') return mainQemu({ seed, count, first, failFast, list, dump })
  const cases = pickCases({ seed, kind, count, first })
  if (list) {
    for (const c of cases) process.stdout.write(`${JSON.stringify(c)}\n`)
    return 0
  }
  const verbose = process.env.CONFORMANCE_QUIET === undefined
  const result = await runConformance({
    cases,
    failFast,
    log: line => {
      if (verbose) process.stderr.write(`${line}\n`)
    }
  })
  if (dump !== null) {
    mkdirSync(dump, { recursive: true })
    for (const o of result.outcomes) {
      const base = join(dump, `seed-${o.run.spec.seed}`)
      writeFileSync(`${base}.kernel.log`, o.run.logLines.join('\n') + '\n')
      if (result.profile !== null)
        writeFileSync(
          `${base}.scenario.json`,
          JSON.stringify(caseToScenario(o.run, result.profile.name), null, 2) + '\n'
        )
    }
  }
  for (const line of reportText(result)) process.stdout.write(`${line}\n`)
  if (!result.environment.ok) return 3
  return runPassed(result) ? 0 : 1
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  (e: unknown) => {
    process.stderr.write(
      `conformance: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`
    )
    process.exit(1)
  }
)
