/**
 * @module The scenario's recorded user-space register dump (a process's `userRegs`): the x86-64
 * registers a real report printed under its call trace, as hex digits.
 */
import { z } from 'zod'

const RegHex = z.string().regex(/^[0-9a-fA-F]{1,16}$/, 'hex digits without 0x')
const regNames = ['rip', 'rsp', 'eflags', 'rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp'] as const
const rNames = ['r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const

/** A recorded user-space register dump (x86-64), as the report printed it. */
export const UserRegsSpec = z.strictObject({
  ...Object.fromEntries([...regNames, ...rNames].map(n => [n, RegHex])),
  cs: RegHex.optional(),
  ss: RegHex.optional(),
  code: z.string().describe('The "Code:" bytes, the faulting one in <>')
} as Record<(typeof regNames)[number] | (typeof rNames)[number], typeof RegHex> & {
  cs: z.ZodOptional<typeof RegHex>
  ss: z.ZodOptional<typeof RegHex>
  code: z.ZodString
})
