/**
 * @module `readQuiet`: a small /proc, /sys or cgroupfs file as text, or null for any failure
 * (the daemon polls files that vanish with their process or cgroup, and must never throw).
 */
import { readText } from './read-text.ts'

/** The file's text, or null when it cannot be read for any reason. */
export function readQuiet(path: string): string | null {
  try {
    const r = readText(path)
    return r.ok ? r.value : null
  } catch {
    return null
  }
}
