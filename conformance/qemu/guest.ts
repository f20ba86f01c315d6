/**
 * @module One running QEMU guest (TCG, Debian 6.1, busybox /init) driven over its serial console
 * on stdio with the line protocol of guest/init.sh: `@@run NAME`, the script, `@@end`; the guest
 * answers with the script's output and `@@done NAME RC`. Kernel messages stay off the console
 * (`loglevel=1`) unless a case raises the console loglevel (panic_on_oom).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import type { GuestAssets } from './assets.ts'
import { ConsoleLines } from './console-lines.ts'

/** Guest RAM in MiB (global OOM cases scale their hogs to it). */
export const GUEST_MEM_MIB = 256

/** What a script run produced. */
export interface ScriptResult {
  lines: string[]
  /** Exit code, or null when the guest died (e.g. a panic) before `@@done`. */
  rc: number | null
  ms: number
}

/** QEMU's command line: TCG (this host's /dev/kvm cannot run a stock kernel), one CPU, the
 * serial console on stdio, kernel messages off the console (loglevel=1), exit on panic. */
export function qemuArgs(assets: GuestAssets, memMib: number): string[] {
  return [
    ...['-accel', 'tcg', '-cpu', 'max', '-smp', '1', '-m', String(memMib)],
    ...['-nodefaults', '-nographic', '-no-reboot', '-serial', 'stdio', '-monitor', 'none'],
    ...['-kernel', assets.kernel, '-initrd', assets.initrd],
    ...['-append', 'console=ttyS0 loglevel=1 panic=-1 printk.devkmsg=on']
  ]
}

/** A booted guest. */
export class Guest {
  private readonly proc: ChildProcess
  private readonly console: ConsoleLines
  private exited = false
  private killed = false
  /** Kernel release and boot time (ms, spawn to `@@ready`). */
  release = ''
  bootMs = 0

  private constructor(assets: GuestAssets, memMib: number) {
    this.proc = spawn(assets.qemu, qemuArgs(assets, memMib), { stdio: ['pipe', 'pipe', 'pipe'] })
    this.console = new ConsoleLines(this.proc.stdout!)
    this.proc.stderr!.setEncoding('utf8')
    this.proc.stderr!.on('data', (d: string) => this.transcript.push(`[qemu] ${d.trim()}`))
    this.proc.stdin!.on('error', () => {})
    this.proc.on('exit', () => {
      this.exited = true
      this.console.end()
    })
  }

  /** Every console line since boot (for diagnostics). */
  get transcript(): string[] {
    return this.console.transcript
  }

  get pid(): number | undefined {
    return this.proc.pid
  }

  get alive(): boolean {
    return !this.exited && !this.killed
  }

  /** Boot a guest and wait for its `@@ready` line. */
  static async boot(
    assets: GuestAssets,
    memMib = GUEST_MEM_MIB,
    timeoutMs = 120_000
  ): Promise<Guest> {
    const started = Date.now()
    const g = new Guest(assets, memMib)
    // The firmware's escape sequences may precede the first line.
    const ready = await g.console.until(l => l.includes('@@ready '), timeoutMs)
    if (ready === null) {
      g.kill()
      throw new Error(
        `the guest did not boot within ${timeoutMs / 1000} s: ${g.transcript.slice(-5).join(' | ')}`
      )
    }
    g.release = ready.slice(ready.indexOf('@@ready ')).split(' ')[1] ?? ''
    g.bootMs = Date.now() - started
    return g
  }

  /** Run a script in the guest; its output lines come back. */
  async run(name: string, script: string, timeoutMs = 120_000): Promise<ScriptResult> {
    const started = Date.now()
    if (this.exited) return { lines: [], rc: null, ms: 0 }
    this.proc.stdin!.write(`@@run ${name}\n${script.replace(/\n*$/, '\n')}@@end\n`)
    const lines: string[] = []
    const done = await this.console.until(l => l.startsWith(`@@done ${name} `), timeoutMs, lines)
    const rc = done === null ? null : Number(done.split(' ').pop())
    return { lines, rc, ms: Date.now() - started }
  }

  /** Power off (or kill after a grace period). */
  async shutdown(): Promise<void> {
    if (this.exited) return
    this.proc.stdin!.write('@@off\n')
    await this.console.until(() => false, 5000)
    this.kill()
  }

  /** Kill the QEMU process now. */
  kill(): void {
    this.killed = true
    if (!this.exited) this.proc.kill('SIGKILL')
  }
}
