/** @module `oomkit scores`. */
import type { Register } from '../main.ts'
import { notBuilt } from '../not-built.ts'

export const registerScores: Register = program => {
  program
    .command('scores')
    .description(
      'Rank the processes of this host as the kernel would at an OOM, next to /proc oom_score'
    )
    .action(() => notBuilt('scores'))
}
