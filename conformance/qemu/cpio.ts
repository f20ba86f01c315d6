/**
 * @module A gzip-compressed "newc" cpio archive (the initramfs format the kernel unpacks), written
 * in a few lines so the host needs no `cpio` binary.
 */
import { gzipSync } from 'node:zlib'

/** One archive member: a directory, a regular file, a symlink (target in `data`) or a character
 * device (`rdev` = [major, minor]). */
export interface CpioEntry {
  path: string
  kind: 'dir' | 'file' | 'symlink' | 'chardev'
  rdev?: [number, number]
  mode?: number
  data?: Buffer | string
}

const S_IFDIR = 0o040000
const S_IFREG = 0o100000
const S_IFLNK = 0o120000
const S_IFCHR = 0o020000

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0')
}

function pad4(len: number): Buffer {
  return Buffer.alloc((4 - (len % 4)) % 4)
}

function member(
  ino: number,
  path: string,
  mode: number,
  data: Buffer,
  rdev: [number, number] = [0, 0]
): Buffer[] {
  const name = Buffer.from(`${path}\0`)
  const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, rdev[0], rdev[1], name.length, 0]
  const header = '070701' + fields.map(hex8).join('')
  const head = Buffer.concat([Buffer.from(header), name])
  return [head, pad4(head.length), data, pad4(data.length)]
}

/** The archive for `entries` (parents must come before their children), gzip-compressed. */
export function cpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = []
  entries.forEach((e, i) => {
    const data =
      e.data === undefined
        ? Buffer.alloc(0)
        : Buffer.isBuffer(e.data)
          ? e.data
          : Buffer.from(e.data)
    const type = { dir: S_IFDIR, file: S_IFREG, symlink: S_IFLNK, chardev: S_IFCHR }[e.kind]
    const perm = e.mode ?? (e.kind === 'dir' ? 0o755 : e.kind === 'symlink' ? 0o777 : 0o600)
    const body = e.kind === 'file' || e.kind === 'symlink' ? data : Buffer.alloc(0)
    parts.push(...member(i + 1, e.path, type | perm, body, e.rdev))
  })
  parts.push(...member(0, 'TRAILER!!!', 0, Buffer.alloc(0)))
  return gzipSync(Buffer.concat(parts), { level: 6 })
}
