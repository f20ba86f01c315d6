/** @module `oomkit simulate [FILE]`: run a scenario (default: seed 003's stress-ng OOM) and print the kernel log. */
import type { Register } from '../register.ts'
import type { SimulateOpts } from './simulate-action.ts'

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
      const { simulate } = await import('./simulate-action.ts')
      await simulate(file, opts, io, state)
    })
}
