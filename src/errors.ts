/**
 * @module Errors a user can cause. They carry an exit code and print as one line, never a
 * stack trace.
 */

/** Exit codes, decided once for every command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

/**
 * A mistake in the user's input: a bad flag, a missing file, a malformed scenario or log.
 * `where` is "file:line:col" (or just "file") when there is one.
 */
export class UserError extends Error {
  readonly exitCode: number
  readonly where: string | undefined
  /** Further mistakes of the same input, each printed on a line of its own after this one. */
  readonly more: readonly { message: string; where?: string }[]
  constructor(
    message: string,
    options: {
      where?: string
      exitCode?: number
      more?: readonly { message: string; where?: string }[]
    } = {}
  ) {
    super(message)
    this.name = 'UserError'
    this.where = options.where
    this.exitCode = options.exitCode ?? EXIT.usage
    this.more = options.more ?? []
  }

  /** The one line printed on stderr. */
  line(): string {
    return this.where ? `oomkit: ${this.where}: ${this.message}` : `oomkit: ${this.message}`
  }

  /** Every line printed on stderr: this mistake's, then one per further mistake. */
  lines(): string[] {
    return [
      this.line(),
      ...this.more.map(m => (m.where ? `oomkit: ${m.where}: ${m.message}` : `oomkit: ${m.message}`))
    ]
  }
}
