/**
 * @module `readQuiet`: a small /proc, /sys or cgroupfs file as text, or null for any failure
 * (the daemon polls files that vanish with their process or cgroup, and must never throw).
 */
import { readText } from './read-text.ts'

/** The file's text, or null when it cannot be read for any reason. `pidFile`: a file under
 * /proc/<pid>/, read in one read(2) (see `readText`). */
export function readQuiet(path: string, pidFile = false): string | null {
  try {
    const r = readText(path, pidFile)
    return r.ok ? r.value : null
  } catch {
    return null
  }
}
