/** @module The answer of a command whose implementation has not landed yet. */
import { EXIT, UserError } from '../errors.ts'

/** Throws the one-line "not built yet" error (exit 2). */
export function notBuilt(command: string): never {
  throw new UserError(`'${command}' is not built yet in this version of oomkit`, {
    exitCode: EXIT.usage
  })
}
