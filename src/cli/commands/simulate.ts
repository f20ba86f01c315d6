/** @module `oomkit simulate [FILE]`: run a scenario (default: seed 003's stress-ng OOM) and print the kernel log. */
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Register } from '../register.ts'
import { EXIT, UserError } from '../../errors.ts'
import { findProfile } from '../../kernel/profiles.ts'
import type { RunOptions } from '../../sim/index.ts'

interface SimulateOpts {
  trace?: string
  json?: boolean
  profile?: string
  seed?: string
  check?: boolean
  html?: string
}

export const registerSimulate: Register = (program, io, state) => {
  program
    .command('simulate')
    .description(
      "Run a scenario (or the built-in default: seed 003's stress-ng OOM) and print the kernel log"
    )
    .argument('[file]', 'scenario file (YAML or JSON); omit for the built-in default')
    .option('--trace <file>', 'write the typed event trace as JSON lines')
    .option(
      '--json',
      'print a JSON summary (victims, panics, allocation failures, final memory) instead of the log'
    )
    .option('--profile <name>', "override the scenario's kernel profile (e.g. 6.1, 5.10, 4.19)")
    .option('--seed <n>', 'seed for any randomness')
    .option('--check', "exit 1 when the run does not match the scenario's expect: block")
    .option(
      '--html <file>',
      'write a self-contained HTML report (charts, OOM rankings, log) to FILE'
    )
    .action(async (file: string | undefined, opts: SimulateOpts) => {
      // The simulator, printer and HTML renderer load only when this command runs.
      const { formatDmesgTimestamp } = await import('../../kernel/printk/timestamp.ts')
      const {
        checkExpect,
        DEFAULT_SCENARIO_NAME,
        DEFAULT_SCENARIO_YAML,
        parseScenario,
        runScenario,
        ScenarioError,
        traceToJsonLines
      } = await import('../../sim/index.ts')
      let text = DEFAULT_SCENARIO_YAML
      let name = DEFAULT_SCENARIO_NAME
      if (file !== undefined) {
        name = file
        try {
          text = readFileSync(resolve(io.cwd, file), 'utf8')
        } catch (e) {
          const code = (e as { code?: string }).code ?? 'error'
          throw new UserError(`cannot read scenario '${file}' (${code})`)
        }
      }
      if (opts.profile !== undefined && findProfile(opts.profile) === undefined)
        throw new UserError(`unknown kernel profile '${opts.profile}' (--profile)`)
      let seed: number | undefined
      if (opts.seed !== undefined) {
        if (!/^-?\d+$/.test(opts.seed))
          throw new UserError(`--seed expects an integer, got '${opts.seed}'`)
        seed = Number(opts.seed)
      }
      let scenario
      try {
        scenario = parseScenario(text, name)
      } catch (e) {
        if (e instanceof ScenarioError) throw new UserError(e.message, { where: e.where })
        throw e
      }
      const runOpts: RunOptions = {}
      if (opts.profile !== undefined) runOpts.profile = opts.profile
      if (seed !== undefined) runOpts.seed = seed
      if (io.stderr.isTTY === true) {
        runOpts.onProgress = ({ nowNs, endNs, steps }) =>
          io.stderr.write(
            `\rsimulating ${(nowNs / 1e9).toFixed(3)}s / ${(endNs / 1e9).toFixed(0)}s (${steps} steps)`
          )
      }
      const result = runScenario(scenario, runOpts)
      if (runOpts.onProgress !== undefined) io.stderr.write('\r\x1b[K')
      if (opts.trace !== undefined) {
        try {
          writeFileSync(resolve(io.cwd, opts.trace), traceToJsonLines(result.trace))
        } catch (e) {
          throw new UserError(
            `cannot write trace '${opts.trace}' (${(e as { code?: string }).code ?? 'error'})`
          )
        }
      }
      if (opts.html !== undefined) {
        const { writeSimulationHtmlFileSync } = await import('../../html/write.ts')
        writeSimulationHtmlFileSync(resolve(io.cwd, opts.html), result, result.summary.profile)
      }
      const mismatches = checkExpect(scenario, result)
      if (opts.json === true) {
        io.stdout.write(
          JSON.stringify({ ...result.summary, expectMismatches: mismatches }, null, 2) + '\n'
        )
      } else {
        let out = ''
        for (const l of result.log) out += `${formatDmesgTimestamp(l.timeNs)} ${l.text}\n`
        io.stdout.write(out)
      }
      if (opts.check === true && mismatches.length > 0) {
        for (const m of mismatches) io.stderr.write(`oomkit: expect: ${m}\n`)
        state.exitCode = EXIT.failure
      }
    })
}
