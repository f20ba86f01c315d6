/**
 * @module The machine-readable summary of a run (`oomkit simulate --json`): victims in order,
 * panics, allocation failures, ENOMEMs, tasks left stuck, and the final memory state.
 *
 * Units: pages unless a name ends in Kb; times in simulated ns.
 */
import type { Sim, VictimRecord } from './sim-state.ts'

/** The summary of a run (`oomkit simulate --json`). */
export interface RunSummary {
  scenario: string
  profile: string
  endNs: number
  victims: VictimRecord[]
  panic: string | null
  oomInvocations: number
  allocFailures: { timeNs: number; pid: number | null; comm: string; gfp: number; order: number }[]
  enomem: { timeNs: number; pid: number; bytes: number }[]
  /** Tasks still looping in the allocator or waiting on a memcg at the end. */
  stuck: { pid: number; reason: string }[]
  survivors: number[]
  final: {
    zones: {
      node: number
      zone: string
      free: number
      min: number
      low: number
      high: number
      managed: number
    }[]
    freePages: number
    swapUsed: number
    swapTotal: number
    committedAs: number
    processes: {
      pid: number
      comm: string
      anon: number
      file: number
      shmem: number
      swapEnts: number
      totalVm: number
      pgtablesBytes: number
      oomScoreAdj: number
    }[]
    memcgs: {
      path: string
      usage: number
      limit: number | null
      events: Record<string, number>
      eventsLocal: Record<string, number>
      underOom: boolean
    }[]
  }
  stats: { steps: number; allocEvents: number; reclaimedPages: number; swapOuts: number }
}

/** Build the summary at the end of a run. */
export function buildSummary(sim: Sim): RunSummary {
  const w = sim.w
  return {
    scenario: sim.scenario.name,
    profile: sim.profile.name,
    endNs: sim.nowNs,
    victims: sim.victims,
    panic: sim.panic,
    oomInvocations: sim.oomInvocations,
    allocFailures: sim.allocFailures,
    enomem: sim.enomem,
    stuck: [...sim.blocked.values()].map(b => ({ pid: b.pid, reason: b.reason })),
    survivors: w.oom.processes.filter(p => !p.sigkillPending).map(p => p.pid),
    final: {
      zones: w.zones.map(z => ({
        node: z.node,
        zone: z.type,
        free: z.free,
        min: z.wmarkMin,
        low: z.wmarkLow,
        high: z.wmarkHigh,
        managed: z.managedPages
      })),
      freePages: w.zones.reduce((a, z) => a + z.free, 0),
      swapUsed: w.mem.swap.reduce((a, d) => a + d.used, 0),
      swapTotal: w.mem.swap.reduce((a, d) => a + (d.active ? d.pages : 0), 0),
      committedAs: w.mem.committedAs,
      processes: w.oom.processes.map(p => {
        const mm = p.mmId === null ? undefined : w.oom.mms.get(p.mmId)
        return {
          pid: p.pid,
          comm: p.comm,
          anon: mm?.anon ?? 0,
          file: mm?.file ?? 0,
          shmem: mm?.shmem ?? 0,
          swapEnts: mm?.swapEnts ?? 0,
          totalVm: mm?.totalVm ?? 0,
          pgtablesBytes: mm?.pgtablesBytes ?? 0,
          oomScoreAdj: p.oomScoreAdj
        }
      }),
      memcgs: [...w.oom.memcgs.values()].map(m => ({
        path: m.path,
        usage: m.usage,
        limit: m.limit,
        events: { ...m.events },
        eventsLocal: { ...m.eventsLocal },
        underOom: m.underOom
      }))
    },
    stats: {
      steps: sim.steps,
      allocEvents: w.stats.allocEvents,
      reclaimedPages: w.stats.reclaimedPages,
      swapOuts: w.stats.swapOuts
    }
  }
}

/**
 * One line for a run that ended without invoking the OOM killer (nor panicking), saying how it
 * ended; null when there was an OOM. The CLI prints it on stderr. Given the run's log, an
 * out_of_memory() call that printed no report and killed nothing (a !__GFP_FS allocation
 * returns early, a __GFP_NOFAIL one falls back to the reserves) does not count as an OOM.
 */
export function noOomNote(s: RunSummary, log?: readonly { text: string }[]): string | null {
  if (s.panic !== null || s.victims.length > 0) return null
  const reported = log === undefined || log.some(l => l.text.includes(' invoked oom-killer: '))
  if (s.oomInvocations > 0 && reported) return null
  const why: string[] = []
  if (s.oomInvocations > 0) why.push(`${s.oomInvocations} out_of_memory() calls without a report`)
  if (s.enomem.length > 0) why.push(`${s.enomem.length} ENOMEM from the overcommit check`)
  if (s.allocFailures.length > 0) why.push(`${s.allocFailures.length} allocation failures`)
  if (s.stuck.length > 0) why.push(`${s.stuck.length} tasks stuck`)
  const end = `ended at ${(s.endNs / 1e9).toFixed(3)}s`
  return `no OOM under profile ${s.profile}: ${[end, ...why].join(', ')}`
}
