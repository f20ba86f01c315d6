/** @module `oomkit snapshot`. */
import type { Register } from '../main.ts'
import { notBuilt } from '../not-built.ts'

export const registerSnapshot: Register = program => {
  program
    .command('snapshot')
    .description(
      'Write this host (machine, sysctls, cgroups, processes) as a scenario for what-if runs'
    )
    .action(() => notBuilt('snapshot'))
}
