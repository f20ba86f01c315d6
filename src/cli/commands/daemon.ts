/** @module `oomkit daemon`. */
import type { Register } from '../main.ts'
import { notBuilt } from '../not-built.ts'

export const registerDaemon: Register = program => {
  program
    .command('daemon')
    .description('A userspace OOM killer that acts before the kernel does')
    .action(() => notBuilt('daemon'))
}
