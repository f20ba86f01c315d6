/**
 * @module What `oomkit simulate` does once its flags are parsed: read and check the scenario,
 * run it (with progress on a terminal), write the trace and HTML page if asked, print the log or
 * the JSON summary, and fail with --check when the expect: block does not match. Loaded only
 * when the command runs.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { EXIT, UserError } from '../../errors.ts'
import { findProfile } from '../../kernel/profiles.ts'
import { formatDmesgTimestamp } from '../../kernel/printk/timestamp.ts'
import {
  checkExpect,
  DEFAULT_SCENARIO_NAME,
  DEFAULT_SCENARIO_YAML,
  noOomNote,
  parseScenario,
  runScenario,
  ScenarioError,
  traceToJsonLines
} from '../../sim/index.ts'
import type { RunOptions, RunResult, Scenario } from '../../sim/index.ts'
import type { CliIO } from '../io.ts'
import type { RunState } from '../register.ts'

export interface SimulateOpts {
  trace?: string
  json?: boolean
  profile?: string
  seed?: string
  check?: boolean
  html?: string
}

/** The scenario named on the command line (or the built-in default), parsed and checked. */
function loadScenario(file: string | undefined, io: CliIO, opts: SimulateOpts): Scenario {
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
  if (opts.seed !== undefined && !/^-?\d+$/.test(opts.seed))
    throw new UserError(`--seed expects an integer, got '${opts.seed}'`)
  try {
    return parseScenario(text, name)
  } catch (e) {
    if (e instanceof ScenarioError) throw new UserError(e.message, { where: e.where })
    throw e
  }
}

/** Run the scenario, showing progress on a terminal's stderr. */
function run(scenario: Scenario, io: CliIO, opts: SimulateOpts): RunResult {
  const runOpts: RunOptions = {}
  if (opts.profile !== undefined) runOpts.profile = opts.profile
  if (opts.seed !== undefined) runOpts.seed = Number(opts.seed)
  if (io.stderr.isTTY === true) {
    runOpts.onProgress = ({ nowNs, endNs, steps }) =>
      io.stderr.write(
        `\rsimulating ${(nowNs / 1e9).toFixed(3)}s / ${(endNs / 1e9).toFixed(0)}s (${steps} steps)`
      )
  }
  const result = runScenario(scenario, runOpts)
  if (runOpts.onProgress !== undefined) io.stderr.write('\r\x1b[K')
  return result
}

/** The --trace and --html files. */
async function writeFiles(result: RunResult, io: CliIO, opts: SimulateOpts): Promise<void> {
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
}

/** Run `oomkit simulate [file]` with the parsed flags. */
export async function simulate(
  file: string | undefined,
  opts: SimulateOpts,
  io: CliIO,
  state: RunState
): Promise<void> {
  const scenario = loadScenario(file, io, opts)
  const result = run(scenario, io, opts)
  await writeFiles(result, io, opts)
  const mismatches = checkExpect(scenario, result)
  const note = noOomNote(result.summary)
  if (note !== null) io.stderr.write(`oomkit: ${note}\n`)
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
}
