/**
 * @module The tmpfs files hogs leave behind (`hog -K`: /dev/shm/oomkit-conf-tmpfs-<pid>, written
 * and closed, so they outlive the hog): removed at teardown, and stale ones at start.
 */
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

/** Where `hog -K` writes (HOG_SHM_DIR, else /dev/shm). */
export const SHM_DIR = process.env.HOG_SHM_DIR ?? '/dev/shm'
const PREFIX = 'oomkit-conf-tmpfs-'

/** Remove the tmpfs files of these hog pids (all of them when `pids` is null). */
export function removeTmpfsFiles(pids: readonly number[] | null): void {
  let names: string[]
  try {
    names = readdirSync(SHM_DIR).filter(n => n.startsWith(PREFIX))
  } catch {
    return
  }
  const mine = pids === null ? null : new Set(pids.map(p => `${PREFIX}${p}`))
  for (const n of names) if (mine === null || mine.has(n)) rmSync(join(SHM_DIR, n), { force: true })
}
