/**
 * `OOMKIT_SKIP_REAL_KERNEL=1` skips every test that works on this machine's kernel: real OOMs
 * in memory cgroups (tests/host/live-*, tests/daemon/integration*), the conformance runs against
 * the host kernel and the QEMU guest (tests/conformance/*), and the live /proc comparisons.
 */
export const SKIP_REAL_KERNEL = process.env.OOMKIT_SKIP_REAL_KERNEL === '1'

/** The reason printed when skipped. */
export const SKIP_REAL_KERNEL_REASON = 'OOMKIT_SKIP_REAL_KERNEL=1'
