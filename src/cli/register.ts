/** @module What a command file exports: a function that adds its command to the program. */
import type { Command } from 'commander'
import type { CliIO } from './io.ts'

/** Holds the exit code a command's action decided on. */
export interface RunState {
  exitCode: number
}

export type Register = (program: Command, io: CliIO, state: RunState) => void
