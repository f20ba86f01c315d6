/**
 * @module The user-space register dump at the bottom of an x86-64 call trace that started in a
 * user page fault: show_trace_log_lvl() reaches the pt_regs saved at entry and prints them short
 * (show_regs_if_on_stack() -> show_iret_regs() / __show_regs(..., SHOW_REGS_SHORT), 5.x-6.x,
 * arch/x86/kernel/dumpstack.c and process_64.c). Formats: `RIP: %04x:0x%lx` for a user ip,
 * `Code: ...` (show_opcodes()), `RSP: %04x:%016lx EFLAGS: %08lx`, then three registers a line
 * as `%016lx`. The values only come from a scenario that recorded them.
 */

/** Registers as the scenario gives them: hex digits, no 0x. */
export interface UserRegs {
  cs?: string | undefined
  ss?: string | undefined
  rip: string
  code: string
  rsp: string
  eflags: string
  rax: string
  rbx: string
  rcx: string
  rdx: string
  rsi: string
  rdi: string
  rbp: string
  r8: string
  r9: string
  r10: string
  r11: string
  r12: string
  r13: string
  r14: string
  r15: string
}

const pad = (hex: string, n: number): string => hex.toLowerCase().padStart(n, '0')

/** The register lines, in the kernel's order (user CS 0x33 and SS 0x2b by default). */
export function renderUserRegs(r: UserRegs): string[] {
  const q = (name: string, v: string): string => `${name}: ${pad(v, 16)}`
  return [
    `RIP: ${pad(r.cs ?? '33', 4)}:0x${r.rip.toLowerCase()}`,
    `Code: ${r.code}`,
    `RSP: ${pad(r.ss ?? '2b', 4)}:${pad(r.rsp, 16)} EFLAGS: ${pad(r.eflags, 8)}`,
    [q('RAX', r.rax), q('RBX', r.rbx), q('RCX', r.rcx)].join(' '),
    [q('RDX', r.rdx), q('RSI', r.rsi), q('RDI', r.rdi)].join(' '),
    [q('RBP', r.rbp), q('R08', r.r8), q('R09', r.r9)].join(' '),
    [q('R10', r.r10), q('R11', r.r11), q('R12', r.r12)].join(' '),
    [q('R13', r.r13), q('R14', r.r14), q('R15', r.r15)].join(' ')
  ]
}
