/** @module `oomkit simulate`. */
import type { Register } from '../main.ts'
import { notBuilt } from '../not-built.ts'

export const registerSimulate: Register = program => {
  program
    .command('simulate')
    .description(
      "Run a scenario (or the built-in default: seed 003's stress-ng OOM) and print the kernel log"
    )
    .action(() => notBuilt('simulate'))
}
