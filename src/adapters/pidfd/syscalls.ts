/**
 * @module Syscall numbers and flag values the daemon calls through FFI, in one place.
 *
 * The numbers below are the generic table shared by x86_64 and arm64 for these newer calls
 * (include/uapi/asm-generic/unistd.h and arch/x86/entry/syscalls/syscall_64.tbl agree).
 */

/** pidfd_send_signal(2), Linux >= 5.1. */
export const SYS_PIDFD_SEND_SIGNAL = 424
/** pidfd_open(2), Linux >= 5.3. */
export const SYS_PIDFD_OPEN = 434
/** process_mrelease(2), Linux >= 5.15. */
export const SYS_PROCESS_MRELEASE = 448

/** mlockall(2) flags (asm-generic/mman-common.h). */
export const MCL_CURRENT = 1
export const MCL_FUTURE = 2
export const MCL_ONFAULT = 4
/** mlock2(2) flag: lock pages as they are faulted in. */
export const MLOCK_ONFAULT = 1

/** prctl(2) options used by the daemon. */
export const PR_SET_NAME = 15

/** Signal numbers (x86_64 / arm64). */
export const SIGNALS = { SIGTERM: 15, SIGKILL: 9 } as const

/** errno values the daemon interprets. */
export const ERRNO = {
  EPERM: 1,
  ESRCH: 3,
  EINTR: 4,
  EBADF: 9,
  ENOMEM: 12,
  EACCES: 13,
  EINVAL: 22,
  ENOSYS: 38
} as const

/** Name of an errno value for log lines ("ESRCH"), or "errno N". */
export function errnoName(errno: number): string {
  for (const [name, value] of Object.entries(ERRNO)) if (value === errno) return name
  return `errno ${errno}`
}
