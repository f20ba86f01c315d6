/**
 * The HTML reports in a real headless Chromium: they load without console errors or network
 * requests, the charts draw their series, OOM markers reveal their ranking by click and by
 * keyboard, injected comm names stay text, and the layout holds on a phone and in dark mode.
 * Saves a screenshot of the default scenario's report to artifacts/report-default.png (and to
 * docs/img/ with OOMKIT_UPDATE_DOCS=1).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadAssets } from '../../src/html/assets.ts'
import { renderSimulationHtml } from '../../src/html/simulation-page.ts'
import {
  DEFAULT_SCENARIO_NAME,
  DEFAULT_SCENARIO_YAML,
  parseScenario,
  runScenario
} from '../../src/sim/index.ts'
import { runCli } from '../helpers.ts'
import { chartInk, hasChromium, launch, openPage, CHROMIUM } from './browser.ts'
import type { Browser } from './browser.ts'
import { sampleSimulation } from './sample-pages.ts'

if (!hasChromium) console.log(`tests/html: skipping browser tests, no chromium at ${CHROMIUM}`)

const root = join(import.meta.dirname, '..', '..')
const FIXTURE = join(root, 'tests', 'fixtures', 'oomlogs', 'cnnotes611_1.log')

describe.skipIf(!hasChromium)('HTML report in Chromium', () => {
  let browser: Browser
  let dir: string
  let sampleUrl: string

  beforeAll(async () => {
    browser = await launch()
    dir = mkdtempSync(join(tmpdir(), 'oomkit-html-'))
    const file = join(dir, 'sample.html')
    writeFileSync(file, renderSimulationHtml(sampleSimulation(), await loadAssets()))
    sampleUrl = pathToFileURL(file).href
  })

  afterAll(async () => {
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('loads without console errors or network requests and draws every chart', async () => {
    const { page, errors, requests } = await openPage(browser, sampleUrl)
    expect(errors).toEqual([])
    expect(requests).toEqual([])
    const ink = await chartInk(page)
    // The biggest zone first, then the other zone, RSS, swap.
    expect(ink.map(c => c.id)).toEqual(['chart-zone-1', 'chart-zone-0', 'chart-rss', 'chart-swap'])
    for (const c of ink) {
      expect(c.points, c.id).toBe(801)
      expect(c.width, c.id).toBeGreaterThan(400)
      expect(c.ink, c.id).toBeGreaterThan(300)
    }
    await page.close()
  })

  it('shows an OOM ranking when its marker is clicked, and only that one', async () => {
    const { page } = await openPage(browser, sampleUrl)
    // The first OOM is open from the start (issue 17: no placeholder).
    expect(await page.isVisible('#oom-1')).toBe(true)
    expect(await page.isVisible('#oom-2')).toBe(false)
    await page.click('button.marker[data-oom="1"]')
    expect(await page.isVisible('#oom-2')).toBe(true)
    expect(await page.isVisible('#oom-1')).toBe(false)
    expect(await page.getAttribute('button.marker[data-oom="1"]', 'aria-pressed')).toBe('true')
    const victim = await page.textContent('#oom-2 table.ranking tr.victim')
    expect(victim).toContain('stress-ng-vm')
    expect(victim).toContain('117')
    // The list of OOMs above the inspector does the same.
    await page.click('button.oom-pick[data-select-oom="0"]')
    expect(await page.isVisible('#oom-1')).toBe(true)
    expect(await page.isVisible('#oom-2')).toBe(false)
    expect(await page.getAttribute('button.marker[data-oom="0"]', 'aria-pressed')).toBe('true')
    expect(await page.getAttribute('button.marker[data-oom="1"]', 'aria-pressed')).toBe('false')
    await page.close()
  })

  it('reaches OOM markers with Tab and opens the ranking with Enter', async () => {
    const { page } = await openPage(browser, sampleUrl)
    let focused: string | null = null
    for (let i = 0; i < 60 && focused === null; i++) {
      await page.keyboard.press('Tab')
      focused = await page.evaluate(() => {
        const d = globalThis as unknown as {
          document: {
            activeElement: {
              matches(s: string): boolean
              getAttribute(a: string): string | null
            } | null
          }
        }
        const a = d.document.activeElement
        return a !== null && a.matches('button.marker') ? a.getAttribute('data-oom') : null
      })
    }
    expect(focused).toBe('0')
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('Enter')
    expect(await page.isVisible('#oom-2')).toBe(true)
    // Focus moved to the section heading for screen readers.
    const active = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document
          .activeElement?.id
    )
    expect(active).toBe('oom-2-h')
    await page.close()
  })

  it('keeps comm names as text (no HTML injection)', async () => {
    const { page } = await openPage(browser, sampleUrl)
    await page.click('button.marker[data-oom="0"]')
    const pwned = await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)
    expect(pwned).toBeUndefined()
    expect(await page.locator('img').count()).toBe(0)
    expect(await page.textContent('#oom-1 table.ranking')).toContain('<img src=x onerror=')
    await page.close()
  })

  it('fits a phone screen and follows the dark colour scheme', async () => {
    const page = await browser.context.newPage()
    await page.setViewportSize({ width: 390, height: 800 })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.goto(sampleUrl)
    const m = await page.evaluate(() => {
      const g = globalThis as unknown as {
        document: { documentElement: { scrollWidth: number }; body: unknown }
        getComputedStyle(e: unknown): { backgroundColor: string }
      }
      return {
        scrollWidth: g.document.documentElement.scrollWidth,
        bg: g.getComputedStyle(g.document.body).backgroundColor
      }
    })
    expect(m.scrollWidth).toBeLessThanOrEqual(390)
    const [r, gr, b] = (m.bg.match(/\d+/g) ?? []).map(Number)
    expect((r ?? 255) + (gr ?? 255) + (b ?? 255)).toBeLessThan(150)
    const ink = await chartInk(page)
    for (const c of ink) expect(c.ink, c.id).toBeGreaterThan(100)
    await page.close()
  })

  it('simulate --html renders the default scenario; saves its screenshot', async () => {
    const file = join(dir, 'default.html')
    const r = await runCli(['simulate', '--html', file])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    // The same deterministic run, for what the page must show.
    const run = runScenario(parseScenario(DEFAULT_SCENARIO_YAML, DEFAULT_SCENARIO_NAME))
    const { page, errors } = await openPage(browser, pathToFileURL(file).href)
    expect(errors).toEqual([])
    const ink = await chartInk(page)
    expect(ink.length).toBeGreaterThanOrEqual(2)
    for (const c of ink) expect(c.ink, c.id).toBeGreaterThan(100)
    const markers = await page.locator('button.marker').count()
    expect(markers).toBe(run.summary.oomInvocations)
    await page.click('button.marker[data-oom="0"]')
    const victim = run.summary.victims[0]
    expect(victim).toBeDefined()
    const row = await page.textContent('#oom-1 table.ranking tr.victim')
    expect(row).toContain(victim!.comm)
    expect(row).toContain(String(victim!.pid))
    await page.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0)
    )
    mkdirSync(join(root, 'artifacts'), { recursive: true })
    await page.screenshot({ path: join(root, 'artifacts', 'report-default.png'), fullPage: true })
    if (process.env.OOMKIT_UPDATE_DOCS === '1') {
      // The README picture: from the top to the end of the OOM's memory state.
      const box = await page.locator('#oom-1 .oom-memory').boundingBox()
      expect(box).not.toBeNull()
      mkdirSync(join(root, 'docs', 'img'), { recursive: true })
      await page.screenshot({
        path: join(root, 'docs', 'img', 'report-default.png'),
        fullPage: true,
        clip: { x: 0, y: 0, width: 1280, height: Math.ceil(box!.y + box!.height + 24) }
      })
    }
    await page.close()
  })

  it('explain --html on a real report shows one section per OOM with the victim ranked first', async () => {
    const file = join(dir, 'explain.html')
    const r = await runCli(['explain', '--html', file, FIXTURE])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const { page, errors, requests } = await openPage(browser, pathToFileURL(file).href)
    expect(errors).toEqual([])
    expect(requests).toEqual([])
    expect(await page.locator('section.oom').count()).toBe(1)
    const victim = await page.textContent('#oom-1 table.ranking tr.victim')
    expect(victim).toContain('stress-ng-vm')
    expect(victim).toContain('116')
    expect(await page.textContent('#oom-1 table.ranking tbody tr:first-child')).toContain('116')
    expect(await page.locator('#oom-1 table.zones tbody tr').count()).toBe(3)
    await page.close()
  })
})
