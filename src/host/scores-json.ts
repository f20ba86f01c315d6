/** @module The `oomkit scores --json` document: every process, the global verdict, each memcg's. */
import type { Ranking } from './ranking.ts'

/** The `--json` document. */
export function scoresJson(r: Ranking): unknown {
  return {
    processes: r.processes.map(p => ({
      pid: p.pid,
      comm: p.comm,
      user: p.user,
      uid: p.uid,
      state: p.state,
      kthread: p.kthread,
      cgroup: p.memcg,
      rssPages: p.rssPages,
      swapPages: p.swapPages,
      pgtablesPages: p.pgtablesPages,
      oomScoreAdj: p.oomScoreAdj,
      eligible: p.badness.eligible,
      ineligibleReason: p.badness.eligible ? null : p.badness.reason,
      badness: p.points,
      predictedOomScore: p.predictedOomScore,
      kernelOomScore: p.kernelOomScore,
      nextVictim: { global: p.globalVictim, cgroups: p.victimIn }
    })),
    global: {
      release: r.release,
      profile: r.profile,
      ramPages: r.ramPages,
      swapPages: r.swapPages,
      totalPages: r.global.totalPages,
      candidates: r.global.candidates,
      victim: r.global.victim,
      action: r.global.action,
      memAvailableKb: r.memAvailableKb,
      psiSomeAvg10: r.psiSomeAvg10,
      psiFullAvg10: r.psiFullAvg10,
      vmOomKill: r.vmOomKill
    },
    cgroups: r.cgroups.map(c => ({
      path: c.path,
      limitPages: c.limitPages,
      usagePages: c.usagePages,
      headroomPages: c.headroomPages,
      swapLimitPages: c.swapLimitPages,
      totalPages: c.totalPages,
      oomKillDisable: c.oomKillDisable,
      oomGroup: c.oomGroup,
      oomKills: c.oomKills,
      candidates: c.candidates,
      victim: c.victim
    })),
    vanished: r.vanished
  }
}
