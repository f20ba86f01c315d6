/**
 * @module Call-trace offsets of the kernel builds we have real reports of. A `fn+off/size` entry
 * is a fact of one compiled kernel (the function's length and the return address inside it), so
 * the printer shows offsets only for a build listed here, keyed by `uname -r` and the utsname
 * version (`#15`); for any other build it prints the function names alone rather than invent
 * numbers (see docs/simulate.md, "Call traces").
 */

/** One build's symbols: `[offset, size]` of each return address the recorded trace shows. */
export interface BuildSymbols {
  /** Function name -> [offset into it, its size], as `%pB` printed them. */
  readonly symbols: Readonly<Record<string, readonly [number, number]>>
  /**
   * Stale return addresses the unwinder printed with `? ` (show_trace_log_lvl(): a text address
   * on the stack that is not a reliable frame), after the named frame, in the recorded trace.
   */
  readonly unreliable?: Readonly<Record<string, string>>
}

/**
 * Seed 003 / tests/fixtures/oomlogs/cnnotes611_1.log: 6.11.0-10669-g11a299a7933e-dirty #15,
 * a QEMU guest; every offset is the one that report printed.
 */
const cnnotes611: BuildSymbols = {
  symbols: {
    dump_stack_lvl: [0x3f, 0xb0],
    dump_header: [0x48, 0x190],
    oom_kill_process: [0x255, 0x350],
    out_of_memory: [0x3cc, 0x590],
    __alloc_pages_may_oom: [0xf4, 0x1b0],
    __alloc_pages_slowpath: [0x44e, 0x640],
    __alloc_pages_noprof: [0x27d, 0x330],
    alloc_pages_mpol_noprof: [0xa8, 0x140],
    pte_alloc_one: [0x2f, 0xd0],
    __pte_alloc: [0x2e, 0x170],
    do_pte_missing: [0xa5c, 0xcb0],
    handle_mm_fault: [0x3e9, 0x710],
    do_user_addr_fault: [0x1f7, 0x770],
    sched_clock_cpu: [0x10, 0x190],
    exc_page_fault: [0x5c, 0xe0],
    asm_exc_page_fault: [0x26, 0x30]
  },
  unreliable: { do_user_addr_fault: 'sched_clock_cpu' }
}

/** Known builds by `<release> <utsname version>`. */
const builds: Readonly<Record<string, BuildSymbols>> = {
  '6.11.0-10669-g11a299a7933e-dirty #15': cnnotes611
}

/** The symbols of a known build, or null (then traces print names only). */
export function buildSymbols(release: string, version: string | undefined): BuildSymbols | null {
  return builds[`${release} ${version ?? '#1'}`] ?? null
}

/** ` fn+0xoff/0xsize` when the build knows `fn`, else ` fn` (no invented offsets). */
export function symbolEntry(fn: string, b: BuildSymbols | null): string {
  const s = b?.symbols[fn]
  return s === undefined ? fn : `${fn}+0x${s[0].toString(16)}/0x${s[1].toString(16)}`
}
