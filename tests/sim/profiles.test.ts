import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { noOomNote, parseScenario, runScenario } from '../../src/sim/index.ts'
import { profileNames, profiles } from '../../src/kernel/profiles.ts'

const files = readdirSync('examples').filter(f => /\.(yaml|json)$/.test(f))
// Requests without __GFP_FS: >= 4.7 calls out_of_memory(), which returns early; the 2.6.32–4.6
// slow path never calls it (__alloc_pages_slowpath(), 3.10.4; alloc.slowPath 'shouldAllocRetry').
const noFsExamples = new Set(['gfp-nofs-loop.yaml', 'gfp-nofail.yaml'])
// Examples of one profile's mechanism (issue 15): the MGLRU min_ttl OOM (6.1+), and
// should_compact_retry()'s priorities (4.7+; the 3.x path retries an order-3 request forever).
const mechanism: Record<string, (p: string) => boolean> = {
  // On 6.11 (setup_per_zone_lowmem_reserve(), 6.11.11) the DMA zone's reserve against the empty
  // Normal zone is 0, so on this 512 MiB machine kswapd finds the node balanced after two passes
  // and sleeps before lru_gen_age_node() fails: no OOM.
  'mglru-min-ttl.yaml': p =>
    profiles[p]?.alloc.lruGenMinTtl === true && profiles[p]?.alloc.lowmemReserveEmptyZero !== true,
  'compaction-priorities.yaml': p => profiles[p]?.alloc.compactRetry === 'priorities',
  // The lowmemorykiller's own example: the kernel OOM killer only where there is none.
  'android-lowmemorykiller.yaml': p => profiles[p]?.alloc.lowmemorykiller !== true
}
const reachesOom = (f: string, p: string, ownOom: boolean): boolean =>
  mechanism[f] !== undefined
    ? mechanism[f](p)
    : noFsExamples.has(f) && profiles[p]?.alloc.slowPath === 'shouldAllocRetry'
      ? false
      : ownOom
// The Android lowmemorykiller may kill first and spare the OOM killer (profile 4.14-android).
const lmkKilled = (p: string, log: readonly { text: string }[]): boolean =>
  profiles[p]?.alloc.lowmemorykiller === true &&
  log.some(l => l.text.startsWith('lowmemorykiller: Killing'))

describe('--profile works on every example', () => {
  for (const f of files) {
    it(f, () => {
      const s = parseScenario(readFileSync(`examples/${f}`, 'utf8'), f)
      const ownOom = noOomNote(runScenario(s).summary) === null
      for (const p of profileNames) {
        const r = runScenario(s, { profile: p })
        expect(r.summary.profile).toBe(p)
        // An example that reaches the OOM killer (or a panic) on its own profile does on every
        // profile; one that does not is told so (`oomkit simulate` prints the note on stderr).
        const oom = noOomNote(r.summary) === null
        if (!(lmkKilled(p, r.log) && !oom))
          expect({ p, oom }).toEqual({ p, oom: reachesOom(f, p, ownOom) })
        for (const l of r.log) expect(l.text).not.toMatch(/undefined|NaN|\[object/)
        // Every victim got a "Killed process" line (or the report was rate limited).
        for (const v of r.summary.victims) {
          // "Killed process 801 (worker)", RHEL 6: "Killed process 801, UID 0, (worker)".
          expect(r.log.some(l => new RegExp(`Killed process ${v.pid}[ ,]`).test(l.text))).toBe(true)
        }
      }
    })
  }
})
