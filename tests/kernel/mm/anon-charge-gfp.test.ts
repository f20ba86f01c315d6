import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

// do_anonymous_page() charges a new page with GFP_KERNEL (2.6.32 .. 6.18), and mem_cgroup_oom()
// prints the charge's mask; the masks below are the ones real memcg reports print
// (tests/fixtures/oomlogs lkml_rhel6memcg_1 0xd0, lkml_tejun_1 0x6000c0 on 4.18,
// tests/fixtures/real-kernel/linux-6.18-memcg-v1 0xcc0).
const MASKS: Record<string, string> = {
  rhel6: 'gfp_mask=0xd0,',
  '3.10': 'gfp_mask=0xd0,',
  '4.19': 'gfp_mask=0x6000c0(GFP_KERNEL),',
  '5.4': 'gfp_mask=0xcc0(GFP_KERNEL),',
  '6.18': 'gfp_mask=0xcc0(GFP_KERNEL),'
}

describe('memcg OOM from an anonymous fault: the charge path mask', () => {
  const text = readFileSync('examples/v2-oom-group.yaml', 'utf8')
  for (const [profile, mask] of Object.entries(MASKS)) {
    it(profile, () => {
      const r = runScenario(parseScenario(text, 'x'), { profile })
      const line = r.log.find(l => l.text.includes('invoked oom-killer'))?.text ?? ''
      expect(line).toContain(`worker invoked oom-killer: ${mask}`)
    })
  }
})
