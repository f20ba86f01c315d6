/**
 * @module Compile conformance/hog.c with `cc -O2 -pthread` into a temp directory, cached by
 * the source's hash (a changed source gets a fresh binary; an unchanged one is reused).
 */
import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Path of the hog source next to this module. */
export const HOG_SOURCE = fileURLToPath(new URL('./hog.c', import.meta.url))

/** Build (or reuse) the hog binary; returns its path. Throws with the compiler's output. */
export function buildHog(compiler = process.env.CC ?? 'cc'): string {
  const src = readFileSync(HOG_SOURCE)
  const hash = createHash('sha256').update(src).update(compiler).digest('hex').slice(0, 16)
  const dir = join(tmpdir(), `oomkit-hog-${hash}`)
  const bin = join(dir, 'hog')
  if (existsSync(bin)) return bin
  mkdirSync(dir, { recursive: true })
  const tmp = `${bin}.${process.pid}`
  const r = spawnSync(compiler, ['-O2', '-pthread', '-Wall', '-o', tmp, HOG_SOURCE], {
    encoding: 'utf8'
  })
  if (r.status !== 0) throw new Error(`cannot compile ${HOG_SOURCE}:\n${r.stderr}${r.stdout}`)
  renameSync(tmp, bin)
  return bin
}
