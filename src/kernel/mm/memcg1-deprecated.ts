/**
 * @module The one-time warnings of deprecated cgroup v1 memory controller files
 * (mm/memcontrol-v1.c, profile flag `format.memcg1Deprecations`; absent in 6.11.11, read in
 * 6.18.2): the first write of each file since boot logs one KERN_WARNING line (pr_warn_once():
 * one flag per call site, so one line per file, whatever memcg it names and whether or not the
 * value is then refused).
 *
 * The same series warns on writes of memory.soft_limit_in_bytes and kmem.tcp.limit_in_bytes
 * (memcg1_write()) and, once each, when memory.oom_control or memory.pressure_level is
 * registered for eventfd notification (memcg_write_event_control()); older warnings come with
 * kmem.limit_in_bytes, move_charge_at_immigrate and use_hierarchy 0. A scenario can write none
 * of those files (no `cgroup-set` key), so only oom_control's is here.
 */
import { printk, type World } from './world.ts'

/** The warning of each file a `cgroup-set` key writes, 6.18.2 mm/memcontrol-v1.c. */
const DEPRECATED: Readonly<Record<string, string>> = {
  // mem_cgroup_oom_control_write(): before the root / value check. ("linux-mm-@": sic.)
  'memory.oom_control.oom_kill_disable':
    'oom_control is deprecated and will be removed. Please report your usecase to ' +
    'linux-mm-@kvack.org if you depend on this functionality.'
}

/** KERN_WARNING */
const LEVEL = 4

/** The files whose warning each world has printed. */
const warned = new WeakMap<World, Set<string>>()

/** The line a write of `key` prints now (once per boot, on v1, where the profile warns), or null. */
export function deprecationWarning(w: World, key: string): { level: number; text: string } | null {
  const text = DEPRECATED[key]
  if (text === undefined || w.profile.format.memcg1Deprecations !== true) return null
  if (w.oom.cgroupVersion !== 1) return null
  let seen = warned.get(w)
  if (seen === undefined) warned.set(w, (seen = new Set()))
  if (seen.has(key)) return null
  seen.add(key)
  return { level: LEVEL, text }
}

/** A write the scenario made before its timeline (a group declared with the file): its
 * warning, if any, is logged at boot. */
export function declaredWrite(w: World, key: string): void {
  const warning = deprecationWarning(w, key)
  if (warning !== null) printk(w, warning.level, warning.text)
}
