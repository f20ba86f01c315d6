/**
 * Helpers for the daemon's real-pressure tests and bench: v1 memory cgroups, the hog program,
 * kernel log markers, and the daemon as a child process. Everything created is removed by
 * `cleanup()`.
 */
import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  rmdirSync,
  writeFileSync
} from 'node:fs'
import { constants as osConstants, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const repoRoot = join(here, '..', '..')
export const V1_MEMORY_ROOT = '/sys/fs/cgroup/memory'

/** Why real-pressure tests cannot run here, or null when they can. */
export function labUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root'
  if (!existsSync(join(V1_MEMORY_ROOT, 'memory.limit_in_bytes')))
    return 'no cgroup v1 memory controller at /sys/fs/cgroup/memory'
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' })
  } catch {
    return 'no C compiler (cc) for the hog program'
  }
  return null
}

/** Compile tests/daemon/hog.c (the daemon's own hog: it times threshold crossings and SIGTERM,
 * which conformance/hog.c does not). */
export function buildHog(dir: string): string {
  const out = join(dir, 'hog')
  execFileSync('cc', ['-O2', '-o', out, join(here, 'hog.c')])
  return out
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Create a v1 memory cgroup with a limit (bytes). */
export function makeCgroup(name: string, limitBytes: number): string {
  const dir = join(V1_MEMORY_ROOT, name)
  mkdirSync(dir)
  writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitBytes))
  return dir
}

export function cgroupPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number)
  } catch {
    return []
  }
}

/** v1 memory.oom_control oom_kill counter. */
export function oomKills(dir: string): number {
  const m = /oom_kill (\d+)/.exec(readFileSync(join(dir, 'memory.oom_control'), 'utf8'))
  return m ? Number(m[1]) : 0
}

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))

/** Kill everything in the cgroup and remove it. */
export async function removeCgroup(dir: string): Promise<void> {
  if (!existsSync(dir)) return
  for (let i = 0; i < 50; i++) {
    const pids = cgroupPids(dir)
    if (pids.length === 0) break
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        /* gone */
      }
    }
    await sleep(50)
  }
  for (let i = 0; i < 20; i++) {
    try {
      rmdirSync(dir)
      return
    } catch {
      await sleep(100)
    }
  }
}

/** A hog started inside a cgroup. */
export interface Hog {
  child: ChildProcess
  pid: number
  /** With `wait: true`: start allocating now. */
  go(): void
  exited: Promise<{ code: number | null; signal: string | null }>
  alive(): boolean
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

/** The host PID of `pid`'s first child, once it has one. */
async function firstChild(pid: number): Promise<number> {
  for (let i = 0; i < 500; i++) {
    try {
      const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
      if (kids) return Number(kids.split(' ')[0])
    } catch {
      // not there yet, or gone
    }
    await sleep(10)
  }
  throw new Error(`process ${pid} started no child`)
}

/** An exit code of 128 + N from the namespace's shell: the hog died of signal N. */
function exitOf(
  code: number | null,
  signal: string | null
): { code: number | null; signal: string | null } {
  if (code === null || code <= 128) return { code, signal }
  const name = Object.entries(osConstants.signals).find(([, n]) => n === code - 128)?.[0]
  return name ? { code: null, signal: name } : { code, signal }
}

/**
 * Start the hog in `cgroupDir` (it joins the cgroup before exec). Resolves once it said ready.
 * The hog runs inside its own PID namespace (`unshare --pid --fork --kill-child`, as the issue's
 * runs do): a shell is the namespace's PID 1 (a hog as PID 1 would not get signals it has no
 * handler for) and the hog its child; `pid` is the hog's PID on the host, as the daemon sees it,
 * and `exited` tells its signal (the shell exits with 128 + N).
 */
export async function startHog(
  hogPath: string,
  cgroupDir: string | null,
  args: string[],
  options: { wait?: boolean; oomScoreAdj?: number; ignoreTerm?: boolean } = {}
): Promise<Hog> {
  const adj =
    options.oomScoreAdj === undefined
      ? ''
      : `echo ${options.oomScoreAdj} > /proc/self/oom_score_adj && `
  const join = cgroupDir ? `echo $$ > ${cgroupDir}/cgroup.procs && ` : ''
  const inner = `/bin/sh -c ${quote(`${join}${adj}exec "$0" "$@"`)} ${[hogPath, ...args].map(quote).join(' ')}`
  const script = `exec 3<&0; ${inner} <&3 3<&- & wait $!`
  const child = spawn('unshare', ['--pid', '--fork', '--kill-child', '/bin/sh', '-c', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      ...(options.wait ? { HOG_WAIT: '1' } : {}),
      ...(options.ignoreTerm ? { HOG_IGNORE_TERM: '1' } : {})
    }
  })
  let done = false
  const exited = new Promise<{ code: number | null; signal: string | null }>(resolve =>
    child.once('exit', (code, signal) => {
      done = true
      resolve(exitOf(code, signal))
    })
  )
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve())
    child.once('exit', () => reject(new Error('hog exited before it was ready')))
  })
  // unshare -> the namespace's shell (PID 1) -> the hog.
  const pid = await firstChild(await firstChild(child.pid!))
  return {
    child,
    pid,
    exited,
    alive: () => !done,
    go: () => {
      child.stdin.write('go\n')
    }
  }
}

/** Write a marker line into the kernel log; returns it. */
export function kmsgMarker(tag: string): string {
  const marker = `oomkit-test-marker ${tag} ${Date.now()}`
  writeFileSync('/dev/kmsg', marker)
  return marker
}

/** Kernel log lines after the marker. */
export function kernelLogSince(marker: string): string[] {
  const text = execFileSync('dmesg', { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const lines = text.split('\n')
  const at = lines.findIndex(l => l.includes(marker))
  return at < 0 ? lines : lines.slice(at + 1)
}

/** The daemon running as a child process from source. */
export interface DaemonChild {
  child: ChildProcess
  stderr: () => string
  exited: Promise<number | null>
  stop(): Promise<number | null>
}

/**
 * The CLI as users run it, built afresh from src/ into a scratch copy (`bin/oomkit.js` over its
 * own `dist/`) under node_modules/.cache, where koffi still resolves; returns the bin script.
 */
export async function buildCliCopy(): Promise<{ bin: string; remove(): void }> {
  const { buildBundle } = await import('../../scripts/build.ts')
  const cache = join(repoRoot, 'node_modules', '.cache')
  mkdirSync(cache, { recursive: true })
  const root = mkdtempSync(join(cache, 'oomkit-bundle-'))
  mkdirSync(join(root, 'bin'))
  copyFileSync(join(repoRoot, 'bin', 'oomkit.js'), join(root, 'bin', 'oomkit.js'))
  await buildBundle(join(root, 'dist'))
  return {
    bin: join(root, 'bin', 'oomkit.js'),
    remove: () => rmSync(root, { recursive: true, force: true })
  }
}

/** Start `oomkit daemon ARGS` and wait for its "started" log line: from source (tsx), or from
 * `bin` (a built copy, buildCliCopy()) as users run it. */
export async function startDaemon(
  args: string[],
  env: Record<string, string> = {},
  options: { bin?: string } = {}
): Promise<DaemonChild> {
  const entry = options.bin ? [options.bin] : ['--import', 'tsx', join(here, 'cli-child.ts')]
  const child = spawn(process.execPath, [...entry, 'daemon', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let err = ''
  child.stderr.on('data', (b: Buffer) => (err += b.toString()))
  child.stdout.resume()
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  const started = Date.now()
  while (!err.includes('oomkit daemon started')) {
    if (child.exitCode !== null) throw new Error(`daemon exited early: ${err}`)
    if (Date.now() - started > 30_000) throw new Error(`daemon did not start: ${err}`)
    await sleep(20)
  }
  return {
    child,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      return exited
    }
  }
}

/** Poll `fn` until it returns a value (not undefined) or the time runs out. */
export async function waitFor<T>(
  fn: () => T | undefined,
  timeoutMs: number,
  stepMs = 20
): Promise<T | undefined> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = fn()
    if (v !== undefined) return v
    if (Date.now() > end) return undefined
    await sleep(stepMs)
  }
}

/** A journal line as read back by tests (see src/daemon/journal.ts for the schema). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JournalRecord = Record<string, any>

/** Journal entries in a JSON-lines file. */
export function readJournal(path: string): JournalRecord[] {
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l) as JournalRecord)
}
