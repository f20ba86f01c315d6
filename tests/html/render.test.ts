/**
 * The HTML renderers and adapters without a browser: escaping holds for any text, the explain
 * page has one section per OOM event of every real report in the fixtures with the kernel's
 * victim marked, and the default simulation's page shows its OOMs and victims.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildCharts, groupProcesses, sampleIndices } from '../../src/html/charts.ts'
import { escapeHtml, jsonForScript } from '../../src/html/escape.ts'
import { extractLines } from '../../src/html/line-ranges.ts'
import { renderExplainHtml } from '../../src/html/explain-page.ts'
import { explainPageFrom } from '../../src/html/from-explain.ts'
import { simulationPageFrom } from '../../src/html/from-sim.ts'
import { renderRanking } from '../../src/html/ranking-table.ts'
import { renderSimulationHtml } from '../../src/html/simulation-page.ts'
import { findProfile } from '../../src/kernel/profiles.ts'
import { buildExplainModel } from '../../src/explain/explain-model.ts'
import { parseBuffer } from '../../src/explain/read-input.ts'
import {
  DEFAULT_SCENARIO_NAME,
  DEFAULT_SCENARIO_YAML,
  parseScenario,
  runScenario
} from '../../src/sim/index.ts'
import { runCli } from '../helpers.ts'
import { EVIL_COMM, sampleSimulation } from './sample-pages.ts'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'oomlogs')
const ASSETS = { uplotJs: 'window.uPlot=function(){}', uplotCss: '.uplot{}' }

function unescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

describe('escaping', () => {
  it('escapeHtml leaves no markup characters and round-trips', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), s => {
        const e = escapeHtml(s)
        expect(e).not.toMatch(/[<>"']/)
        expect(unescape(e)).toBe(s)
      })
    )
  })

  it('jsonForScript cannot close its script element and parses back', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (v, s) => {
        const data = { v, s: `${s}</script><!--` }
        const text = jsonForScript(data)
        expect(text.toLowerCase()).not.toContain('</script')
        expect(text).not.toContain('<!--')
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(data)))
      })
    )
  })

  it('a comm name never reaches the page as markup', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), comm => {
        const html = renderRanking(
          [
            {
              rank: 1,
              pid: 7,
              comm,
              oomScoreAdj: 0,
              points: 10,
              parts: { rss: 10, swap: 0, pgtables: 0, adj: 0, rootBonus: 0 },
              ineligible: null,
              victim: true
            }
          ],
          'pages',
          'OOM 1'
        )
        expect(html).toContain(escapeHtml(comm))
        if (/[<>"'&]/.test(comm))
          expect(html).not.toContain(comm.includes('<') ? `>${comm}<` : `"${comm}"`)
      })
    )
  })

  it('the sample simulation page holds exactly the three scripts it inlines', () => {
    const base = sampleSimulation()
    const evil = '</script><script>window.__pwned=2</script>'
    const page = {
      ...base,
      timeline: {
        ...base.timeline,
        processes: [
          ...base.timeline.processes,
          { pid: 9, comm: evil, rssKb: base.timeline.timesSec.map(() => 1) }
        ]
      },
      log: [...base.log, evil]
    }
    const html = renderSimulationHtml(page, ASSETS)
    expect(html.match(/<script[\s>]/g)?.length).toBe(3)
    expect(html).not.toContain(EVIL_COMM)
    expect(html).toContain(escapeHtml(EVIL_COMM))
  })
})

describe('charts', () => {
  it('sampleIndices keeps the ends, stays within the budget and is increasing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 2, max: 5_000 }),
        (n, max) => {
          const idx = sampleIndices(n, max)
          expect(idx.length).toBeLessThanOrEqual(Math.min(n, max))
          expect(idx[0]).toBe(0)
          expect(idx[idx.length - 1]).toBe(n - 1)
          for (let i = 1; i < idx.length; i++) expect(idx[i]!).toBeGreaterThan(idx[i - 1]!)
        }
      )
    )
  })

  it('groups small processes into "other" without losing memory', () => {
    const procs = Array.from({ length: 12 }, (_, i) => ({
      pid: i + 1,
      comm: `p${i}`,
      rssKb: [i * 10, i * 20, null]
    }))
    const g = groupProcesses(procs, 4)
    expect(g.shown.map(p => p.pid)).toEqual([12, 11, 10, 9])
    expect(g.otherCount).toBe(8)
    const total = (col: number): number => procs.reduce((a, p) => a + (p.rssKb[col] ?? 0), 0)
    const shown = (col: number): number => g.shown.reduce((a, p) => a + (p.rssKb[col] ?? 0), 0)
    expect(shown(1) + (g.other?.[1] ?? 0)).toBe(total(1))
    expect(g.other?.[2]).toBeNull()
  })

  it('plots a zone on a log axis only when free memory dwarfs its watermarks', () => {
    const charts = buildCharts(sampleSimulation().timeline)
    expect(charts.find(c => c.id === 'chart-zone-0')?.logScale).toBe(false)
    expect(charts.find(c => c.id === 'chart-zone-1')?.logScale).toBe(true)
  })
})

describe('explain page from the real reports', () => {
  const files = readdirSync(FIXTURES).filter(f => f.endsWith('.log'))

  it.each(files)('%s: one section per OOM event, the kernel victim marked once', file => {
    const text = readFileSync(join(FIXTURES, file))
    const events = parseBuffer(text)
    const model = buildExplainModel(events)
    const page = explainPageFrom(model, events, text.toString('utf8'), file)
    expect(page.ooms).toHaveLength(model.reports.length)
    page.ooms.forEach((s, i) => {
      const r = model.reports[i]!
      const victims = s.ranking.filter(row => row.victim)
      if (
        r.killed !== null &&
        r.replay.ranking.some(x => x.pid === r.killed!.pid || x.tgid === r.killed!.pid)
      ) {
        expect(victims.map(v => v.pid)).toContain(r.killed.pid)
      }
      expect(s.log.length).toBe(Math.min(400, r.lines.last - r.lines.first + 1))
      if (r.trigger !== null) expect(s.log.some(l => l.mark === 'invoked')).toBe(true)
      if (r.killed?.source === 'killed')
        expect(s.log.some(l => l.mark === 'killed' || l.mark === 'reaper')).toBe(true)
    })
    const html = renderExplainHtml(page)
    expect(html.match(/<section class="oom card"/g)?.length ?? 0).toBe(model.reports.length)
    expect(html).not.toContain('<script')
  })
})

describe('simulation page from the default scenario', () => {
  it('has one OOM section per invocation with the victim highlighted and its log', () => {
    const run = runScenario(parseScenario(DEFAULT_SCENARIO_YAML, DEFAULT_SCENARIO_NAME))
    const profile = findProfile(run.summary.profile)!
    const page = simulationPageFrom(run, profile)
    expect(page.ooms).toHaveLength(run.summary.oomInvocations)
    expect(page.timeline.markers.filter(m => m.kind === 'kill')).toHaveLength(
      run.summary.victims.length
    )
    const first = run.summary.victims[0]!
    const section = page.ooms[0]!
    const victim = section.ranking.filter(r => r.victim)
    expect(victim.map(r => r.pid)).toEqual([first.pid])
    expect(victim[0]!.rank).toBe(1)
    expect(section.log.some(l => l.mark === 'invoked')).toBe(true)
    expect(
      section.log.some(l => l.mark === 'killed' && l.text.includes(`Killed process ${first.pid}`))
    ).toBe(true)
    expect(page.timeline.zones.length).toBeGreaterThan(0)
    expect(page.timeline.timesSec.length).toBe(run.samples.tNs.length)
  })
})

describe('--html errors', () => {
  it.each([
    [['simulate', '--html', '/nonexistent-dir/r.html']],
    [['explain', '--html', '/nonexistent-dir/r.html', join(FIXTURES, 'cnnotes611_1.log')]]
  ])('%j: one line on stderr naming the file, exit 2', async argv => {
    const r = await runCli(argv)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'oomkit: /nonexistent-dir/r.html: cannot write the HTML report: no such directory\n'
    )
  })
})

describe('extractLines', () => {
  it('returns the lines the report parser numbers, from bytes or a string', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'grapheme', maxLength: 12 }).map(s => s.replace(/[\r\n]/g, '')),
          {
            maxLength: 40
          }
        ),
        fc.boolean(),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 45 }), fc.integer({ min: 0, max: 10 })), {
          maxLength: 5
        }),
        fc.integer({ min: 1, max: 8 }),
        (lines, crlf, spans, cap) => {
          const text = lines.join(crlf ? '\r\n' : '\n')
          const ranges = spans.map(([first, len]) => ({ first, last: first + len }))
          // Numbered as the report parser numbers them: a final newline ends the last line.
          const all = text === '' ? [] : text.split(/\r?\n/)
          if (text.endsWith('\n')) all.pop()
          for (const input of [text, new TextEncoder().encode(text)]) {
            const got = extractLines(input, ranges, cap)
            for (const r of ranges) {
              const last = Math.max(...ranges.filter(q => q.first === r.first).map(q => q.last))
              const want = all.slice(r.first - 1, Math.min(last, r.first + cap - 1))
              expect(got.get(r.first)).toEqual(want)
            }
          }
        }
      )
    )
  })
})

describe('simulation pages of every example scenario', () => {
  const dir = join(import.meta.dirname, '..', '..', 'examples')
  const files = existsSync(dir) ? readdirSync(dir).filter(f => f.endsWith('.yaml')) : []

  it.each(files)(
    '%s: a section per OOM invocation, each kill marked, victims highlighted',
    file => {
      const run = runScenario(parseScenario(readFileSync(join(dir, file), 'utf8'), file))
      const page = simulationPageFrom(run, findProfile(run.summary.profile)!)
      const invokes = run.trace.filter(e => e.type === 'oom.invoke').length
      const kills = run.trace.filter(e => e.type === 'oom.kill').length
      expect(page.ooms).toHaveLength(invokes)
      expect(page.timeline.markers.filter(m => m.kind === 'oom')).toHaveLength(invokes)
      expect(page.timeline.markers.filter(m => m.kind === 'kill')).toHaveLength(kills)
      for (const v of run.summary.victims) {
        const marked = page.ooms.some(s => s.ranking.some(r => r.victim && r.pid === v.pid))
        const inRanking = page.ooms.some(s => s.ranking.some(r => r.pid === v.pid))
        if (inRanking) expect(marked, `victim ${v.pid}`).toBe(true)
      }
      for (const s of page.ooms) {
        // Ranks are 1..n over the eligible rows, in order, and points never increase past rank 1.
        const ranked = s.ranking.filter(r => r.rank !== null)
        expect(ranked.map(r => r.rank)).toEqual(ranked.map((_, i) => i + 1))
        for (let i = 2; i < ranked.length; i++)
          expect(ranked[i]!.points!).toBeLessThanOrEqual(ranked[i - 1]!.points!)
      }
      if (run.summary.panic !== null)
        expect(page.timeline.markers.some(m => m.kind === 'panic')).toBe(true)
    }
  )
})
