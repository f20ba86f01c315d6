/**
 * @module What the QEMU guest needs, found or made once and cached between runs: QEMU itself, the
 * pinned Debian 6.1 cloud kernel (`apt-get download` of its .deb, unpacked with
 * `dpkg-deb --fsys-tarfile | tar -x ./boot`, no install hooks), a static busybox and the static
 * guest hog (conformance/qemu/ghog.c), packed with the guest scripts into an initramfs.
 *
 * Every failure is returned as a one-line reason (the test suite prints it and skips).
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  writeFileSync
} from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpioNewc, type CpioEntry } from './cpio.ts'

/** The pinned kernel: Debian bookworm's 6.1 cloud flavour (8250 console, cgroup2, memcg built in). */
export const KERNEL_PACKAGE = 'linux-image-6.1.0-50-cloud-amd64'
export const KERNEL_PACKAGE_VERSION = '6.1.176-1'
export const KERNEL_ABI = '6.1.0-50-cloud-amd64'

/**
 * What the pinned kernel's build and the guest's CPU decide about show_mem()'s lines: no
 * CONFIG_CMA and no CONFIG_MEMORY_FAILURE in the cloud flavour (no "pages cma reserved" /
 * "pages hwpoisoned" lines), and two hstates (1 GiB: `-cpu max` has pdpe1gb; 2 MiB), printed
 * by hugetlb_show_meminfo_node() for every hstate, empty ones too, in hstate order.
 */
export const GUEST_SHOW_MEM = {
  config: { cma: false, memoryFailure: false },
  hugepages: [
    { sizeKb: 1048576 as const, total: 0 },
    { sizeKb: 2048 as const, total: 0 }
  ]
}

const HERE = dirname(fileURLToPath(import.meta.url))

/** Where the kernel, hog and initramfs are cached between runs (outside node_modules, which
 * `npm ci` wipes): $OOMKIT_QEMU_CACHE, else $XDG_CACHE_HOME/oomkit-qemu, else ~/.cache/oomkit-qemu. */
export function cacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache')
  return process.env.OOMKIT_QEMU_CACHE ?? join(xdg, 'oomkit-qemu')
}

/** Everything needed to boot the guest. */
export interface GuestAssets {
  qemu: string
  kernel: string
  initrd: string
}

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' })
  const out = r.stdout.trim()
  return r.status === 0 && out !== '' ? out : null
}

/** The kernel image, downloading and unpacking the pinned .deb when not cached. */
export function ensureKernel(dir: string): string {
  const image = join(dir, 'boot', `vmlinuz-${KERNEL_ABI}`)
  if (existsSync(image)) return image
  mkdirSync(dir, { recursive: true })
  let deb = readdirSync(dir).find(f => f.startsWith(`${KERNEL_PACKAGE}_`) && f.endsWith('.deb'))
  if (deb === undefined) {
    if (which('apt-get') === null) throw new Error('no apt-get to download the 6.1 kernel')
    const r = spawnSync('apt-get', ['download', `${KERNEL_PACKAGE}=${KERNEL_PACKAGE_VERSION}`], {
      cwd: dir,
      encoding: 'utf8'
    })
    deb = readdirSync(dir).find(f => f.startsWith(`${KERNEL_PACKAGE}_`) && f.endsWith('.deb'))
    if (deb === undefined)
      throw new Error(
        `apt-get download ${KERNEL_PACKAGE}=${KERNEL_PACKAGE_VERSION} failed: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`
      )
  }
  const r = spawnSync(
    'sh',
    ['-c', `dpkg-deb --fsys-tarfile '${deb}' | tar -x ./boot/vmlinuz-${KERNEL_ABI}`],
    { cwd: dir, encoding: 'utf8' }
  )
  if (r.status !== 0 || !existsSync(image))
    throw new Error(`cannot unpack ${deb}: ${r.stderr.trim()}`)
  return image
}

/** A static busybox (busybox-static), or null. */
function staticBusybox(): string | null {
  for (const p of ['/bin/busybox', '/usr/bin/busybox', which('busybox')]) {
    if (p === null || !existsSync(p)) continue
    // A dynamically linked binary names its program interpreter.
    if (!readFileSync(p).includes('/lib64/ld-linux-x86-64.so')) return p
  }
  return null
}

/** The static guest hog, compiled when its source changed. */
function buildGuestHog(dir: string): string {
  const src = readFileSync(join(HERE, 'ghog.c'))
  const out = join(dir, `ghog-${createHash('sha256').update(src).digest('hex').slice(0, 12)}`)
  if (existsSync(out)) return out
  const cc = which('cc') ?? which('gcc')
  if (cc === null) throw new Error('no C compiler (cc) for the static guest hog')
  const r = spawnSync(
    cc,
    ['-static', '-O2', '-o', `${out}.tmp`, join(HERE, 'ghog.c'), '-lpthread'],
    {
      encoding: 'utf8'
    }
  )
  if (r.status !== 0) throw new Error(`cc -static ghog.c failed: ${r.stderr.trim().split('\n')[0]}`)
  renameSync(`${out}.tmp`, out)
  return out
}

/** The initramfs: busybox as /bin/sh, /init, the case library and the hog. */
function buildInitrd(dir: string, busybox: string, hog: string): string {
  const init = readFileSync(join(HERE, 'guest', 'init.sh'))
  const lib = readFileSync(join(HERE, 'guest', 'case-lib.sh'))
  const bb = readFileSync(busybox)
  const hogBin = readFileSync(hog)
  const key = createHash('sha256').update(init).update(lib).update(bb).update(hogBin).digest('hex')
  const out = join(dir, `initrd-${key.slice(0, 12)}.cpio.gz`)
  if (existsSync(out)) return out
  const entries: CpioEntry[] = [
    ...['bin', 'dev', 'etc', 'lib', 'proc', 'sys', 'tmp'].map((d): CpioEntry => ({
      path: d,
      kind: 'dir'
    })),
    { path: 'dev/console', kind: 'chardev', rdev: [5, 1] },
    { path: 'init', kind: 'file', mode: 0o755, data: init },
    { path: 'bin/busybox', kind: 'file', mode: 0o755, data: bb },
    { path: 'bin/sh', kind: 'symlink', data: 'busybox' },
    { path: 'bin/ghog', kind: 'file', mode: 0o755, data: hogBin },
    { path: 'lib/case-lib.sh', kind: 'file', data: lib }
  ]
  writeFileSync(`${out}.tmp`, cpioNewc(entries))
  renameSync(`${out}.tmp`, out)
  return out
}

/**
 * Can this QEMU start the guest's machine at all (its firmware found, TCG available)? Creates
 * the machine stopped (`-S`), with the guest's accelerator, CPU and memory, and quits it from
 * the monitor: ~0.1 s. Throws with QEMU's own last line when it cannot.
 */
export function probeQemu(qemu: string): void {
  const r = spawnSync(
    qemu,
    [
      ...['-accel', 'tcg', '-cpu', 'max', '-smp', '1', '-m', '256'],
      ...['-nodefaults', '-display', 'none', '-S', '-serial', 'none', '-monitor', 'stdio']
    ],
    { input: 'quit\n', encoding: 'utf8', timeout: 30_000 }
  )
  if (r.status === 0) return
  const last = (r.stderr ?? '').trim().split('\n').pop() ?? ''
  const why =
    last !== ''
      ? last
      : r.status !== null
        ? `exit status ${r.status}`
        : (r.error?.message ?? `killed by ${r.signal}`)
  throw new Error(`${qemu} cannot start a TCG machine: ${why}`)
}

/** Find or make every asset; throws with a one-line reason when something is missing. */
export function prepareAssets(): GuestAssets {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`needs Linux on x86-64 (this is ${process.platform}/${process.arch})`)
  const qemu = which('qemu-system-x86_64')
  if (qemu === null)
    throw new Error('qemu-system-x86_64 not installed (apt-get install qemu-system-x86)')
  probeQemu(qemu)
  const busybox = staticBusybox()
  if (busybox === null) throw new Error('no static busybox (apt-get install busybox-static)')
  const dir = cacheDir()
  mkdirSync(dir, { recursive: true })
  const kernel = ensureKernel(dir)
  const hog = buildGuestHog(dir)
  return { qemu, kernel, initrd: buildInitrd(dir, busybox, hog) }
}
