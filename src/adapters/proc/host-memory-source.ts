/**
 * @module A MemorySource on top of a `HostSource`: meminfo, PSI, vm.swappiness,
 * /proc/<pid>/status, oom_score_adj and user names come from it. What the daemon needs beyond
 * that interface (a process's start time from stat field 22 and get_mm_rss from field 24,
 * cmdline, exe and memory cgroup for rules, cached per process; one cgroup's counters every
 * 100 ms rather than the whole tree) comes from the live reader (live-memory-source.ts).
 */
import type { HostSource } from './host-source.ts'
import { createLiveSource } from './live-memory-source.ts'
import type { MemInfo, MemorySource, ProcReading, Psi } from './memory-source.ts'
import { hasSysAdmin, memInfoOf, statusFieldsOf } from './proc-fields.ts'

/** Wrap a HostSource; `procRoot`/`cgroupRoot` must describe the same host. */
export function createHostMemorySource(
  host: HostSource,
  procRoot = '/proc',
  cgroupRoot = '/sys/fs/cgroup'
): MemorySource {
  const own = createLiveSource(procRoot, cgroupRoot)

  const fromHost = (
    base: ProcReading | null,
    users: ReadonlyMap<number, string> = host.users()
  ): ProcReading | null => {
    if (!base) return null
    const status = host.procStatus(base.pid)
    if (!status.ok) return status.why === 'gone' ? null : base
    const s = statusFieldsOf(status.value)
    const adj = host.procOomScoreAdj(base.pid)
    return {
      ...base,
      uid: s.uid,
      user: users.get(s.uid) ?? String(s.uid),
      kthread: status.value.kthread ?? base.kthread,
      oomScoreAdj: adj.ok ? adj.value : base.oomScoreAdj,
      capSysAdmin: hasSysAdmin(s.capEff),
      rssAnonKb: s.rssAnonKb,
      rssFileKb: s.rssFileKb,
      rssShmemKb: s.rssShmemKb,
      swapKb: s.swapKb,
      pteKb: s.pteKb
    }
  }

  return {
    selfPid: own.selfPid,
    meminfo(): MemInfo {
      const m = host.meminfo()
      return m.ok ? memInfoOf(m.value) : own.meminfo()
    },
    psi(): Psi | null {
      const p = host.pressure()
      return p.ok ? p.value : null
    },
    vmSwappiness: () => host.sysctls().swappiness ?? own.vmSwappiness(),
    cgroup: path => own.cgroup(path),
    processes(pids?: readonly number[]): ProcReading[] {
      const out: ProcReading[] = []
      // /etc/passwd once per scan, not once per process.
      const users = host.users()
      // Without a pid list the live reader lists /proc itself, and prunes its cache to what lives.
      for (const base of own.processes(pids, false)) {
        const p = fromHost(base, users)
        if (p) out.push(p)
      }
      return out
    },
    process: pid => fromHost(own.process(pid, false)),
    cgroupPids: path => own.cgroupPids(path),
    cgroupDir: memcg => own.cgroupDir(memcg)
  }
}
