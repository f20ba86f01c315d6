/** @module `oomkit explain`. */
import type { Register } from '../main.ts'
import { notBuilt } from '../not-built.ts'

export const registerExplain: Register = program => {
  program
    .command('explain')
    .description('Read real kernel OOM reports, replay the selection and say why the victim died')
    .action(() => notBuilt('explain'))
}
