/**
 * The web page's report views in headless Chromium, network cut off: the explain page's ranking
 * tables under a pasted report (rows equal `oomkit explain --json`'s replay ranking), the
 * simulation report frame (a drawn chart canvas; one OOM section per invocation, victims as
 * `oomkit simulate --json` names them), and each log and explanation line linked to its kernel
 * function.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Frame, Page } from 'playwright-core'
import { writeWebPage } from '../../scripts/build-web.ts'
import { runCli } from '../helpers.ts'
import { hasChromium, launch, type Browser } from '../html/browser.ts'
import { explainInPage, openOffline, settled } from './browser-page.ts'

const LOGS = 'tests/fixtures/oomlogs'
const logs = readdirSync(LOGS).filter(f => f.endsWith('.log'))

interface JsonRow {
  pid: number
  points: number | null
}
interface JsonReport {
  replay: { ranking: JsonRow[] }
}

/** "pid:points" of every row of each OOM section's fullest ranking table. */
async function pageRankings(page: Page): Promise<string[][]> {
  return page.$$eval('#explain-report section.oom', secs =>
    secs.map(sec => {
      const tables = sec.querySelectorAll('table.ranking')
      const all = tables[tables.length - 1]
      if (all === undefined) return []
      return Array.from(all.querySelectorAll('tbody tr')).map(tr => {
        const cells = tr.querySelectorAll('td')
        const points = (cells[3]?.textContent ?? '').replace(/\s/g, '')
        return `${cells[1]?.textContent ?? ''}:${points === '–' ? '-' : points}`
      })
    })
  )
}

/** The report frame, once its charts are drawn. */
async function reportFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('#sim-report:not([hidden])')
  const frame = await handle.contentFrame()
  if (frame === null) throw new Error('no report frame')
  await frame.waitForSelector('.chart[data-rendered] canvas')
  return frame
}

describe.skipIf(!hasChromium)('oomkit web report views in Chromium, offline', () => {
  let dir = ''
  let browser: Browser
  let page: Page
  let errors: string[] = []
  let blocked: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oomkit-web-views-'))
    await writeWebPage(join(dir, 'oomkit.html'))
    browser = await launch()
    ;({ page, errors, blocked } = await openOffline(browser, join(dir, 'oomkit.html')))
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it.each(logs)('shows the ranking of %s as oomkit explain --json has it', async name => {
    const cli = await runCli(['explain', '--json', join(LOGS, name)])
    const model = JSON.parse(cli.stdout) as { reports: JsonReport[] }
    await explainInPage(page, readFileSync(join(LOGS, name), 'utf8'))
    const expected = model.reports.map(r =>
      r.replay.ranking.map(row => `${row.pid}:${row.points === null ? '-' : row.points}`).sort()
    )
    const shown = (await pageRankings(page)).map(rows => [...rows].sort())
    expect(shown).toEqual(expected)
  })

  it('draws the charts and the OOM rankings of a simulation in its report frame', async () => {
    const file = 'examples/fork-cow.yaml'
    const cli = await runCli(['simulate', '--json', file])
    const summary = JSON.parse(cli.stdout) as {
      oomInvocations: number
      victims: { pid: number; comm: string }[]
    }
    await page.selectOption('#sim-profile', '')
    await page.selectOption('#example', file)
    await settled(page, 'sim-status', 60_000)
    const frame = await reportFrame(page)
    const ink = await frame.$eval('.chart[data-rendered] canvas', c => {
      const canvas = c as HTMLCanvasElement
      const ctx = canvas.getContext('2d')
      const d = ctx?.getImageData(0, 0, canvas.width, canvas.height).data ?? []
      let n = 0
      for (let i = 3; i < d.length; i += 4) if ((d[i] ?? 0) > 200) n++
      return n
    })
    expect(ink).toBeGreaterThan(1000)
    expect(await frame.locator('section.oom').count()).toBe(summary.oomInvocations)
    for (const [i, v] of summary.victims.entries()) {
      await frame.click(`button.oom-pick[data-select-oom="${i}"]`)
      const row = await frame.textContent(`#oom-${i + 1} table.ranking tr.victim`)
      expect(row).toContain(String(v.pid))
      expect(row).toContain(v.comm)
    }
  })

  it('links each simulated line and each explanation line to its kernel function', async () => {
    await page.selectOption('#example', 'examples/sysrq-f.yaml')
    await settled(page, 'sim-status', 60_000)
    const invoked = page.locator('#sim-log a.kfn', { hasText: 'invoked oom-killer' })
    expect(await invoked.getAttribute('data-fn')).toBe('dump_header()')
    expect(await invoked.getAttribute('href')).toBe(
      'https://elixir.bootlin.com/linux/latest/A/ident/dump_header'
    )
    expect(await invoked.getAttribute('title')).toBe('printed by dump_header() in mm/oom_kill.c')
    const killed = page.locator('#sim-log a.kfn', { hasText: 'Killed process' })
    expect(await killed.getAttribute('data-fn')).toBe('__oom_kill_process()')
    const lines = (await page.textContent('#sim-log'))?.split('\n') ?? []
    expect(await page.locator('#sim-log a.kfn').count()).toBe(lines.length)
    // Keyboard: Arrow Down from the log walks its links.
    await page.focus('#sim-log')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(lines[1])

    await explainInPage(page, readFileSync(join(LOGS, 'askubuntu_1.log'), 'utf8'))
    const kill = page.locator('#explain-text a.kfn', { hasText: 'killed:' })
    expect(await kill.getAttribute('data-fn')).toBe('__oom_kill_process()')
    const rank = page.locator('#explain-text a.kfn', { hasText: '2853794' })
    expect(await rank.getAttribute('data-fn')).toBe('oom_badness()')
  })

  it('made no network request and logged no error', () => {
    expect(blocked).toEqual([])
    expect(errors).toEqual([])
  })
})
