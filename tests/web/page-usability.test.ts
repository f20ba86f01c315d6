/**
 * The web page for people, in headless Chromium with the network cut off: a progress bar for
 * work over half a second (a long simulation, a 60 MB paste), the step cap's message for a
 * scenario that would run too long, a keyboard path through every control (Tab order, names),
 * the dark colour scheme, and a phone-sized screen without horizontal scrolling.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { writeWebPage } from '../../scripts/build-web.ts'
import { MB, makeLog } from '../../bench/lib/syslog.ts'
import { WEB_MAX_STEPS } from '../../src/web/simulate-job.ts'
import { hasChromium, launch, type Browser } from '../html/browser.ts'
import { explainInPage, openOffline, settled } from './browser-page.ts'

/** Allocates and frees one page every microsecond for an hour: billions of steps. */
const ENDLESS = `name: runs too long
profile: '6.1'
machine: { memory: 256M }
duration: 3600s
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 2, comm: churn, rss: { anon: 1M } }
timeline:
  - { at: 1ms, do: alloc, pid: 2, gfp: GFP_KERNEL, free: true, every: 1us }
`

/**
 * Record every state the progress bar of status `id` goes through (shown, value, status text)
 * from now on: a bar may be up for well under a second, too short to poll for.
 */
function watchProgress(page: Page, id: string): Promise<void> {
  return page.$eval(`#${id}`, status => {
    const bar = document.getElementById(status.dataset.progress ?? '') as HTMLProgressElement
    const seen: string[] = []
    ;(window as unknown as { seen: string[] }).seen = seen
    const note = (): void => {
      if (!bar.hidden)
        seen.push(
          `${bar.hasAttribute('value') ? bar.value : 'indeterminate'} ${status.textContent}`
        )
    }
    const watch = new MutationObserver(note)
    watch.observe(bar, { attributes: true })
    watch.observe(status, { childList: true, characterData: true, subtree: true })
  })
}

/** What watchProgress recorded. */
function progressSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { seen: string[] }).seen)
}

/** Colours the page computes for `selector` (background and text). */
function colours(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, el => {
    const s = getComputedStyle(el)
    return `${s.backgroundColor} / ${s.color}`
  })
}

describe.skipIf(!hasChromium)('oomkit web for people, in Chromium', () => {
  let dir = ''
  let file = ''
  let browser: Browser

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oomkit-web-use-'))
    file = join(dir, 'oomkit.html')
    await writeWebPage(file)
    browser = await launch()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('shows progress on a long simulation and stops it at the step cap with a message', async () => {
    const { page, errors } = await openOffline(browser, file)
    await watchProgress(page, 'sim-status')
    await page.fill('#scenario', ENDLESS)
    expect(await settled(page, 'sim-status', 120_000)).toBe('done')
    const seen = await progressSeen(page)
    expect(seen.length).toBeGreaterThan(0)
    for (const s of seen) expect(s).toMatch(/^(0|0\.\d+|1) simulating… \d+%$/)
    expect(Number(seen[seen.length - 1]?.split(' ')[0])).toBeGreaterThan(0.2)
    expect(await page.isVisible('#sim-progress')).toBe(false)
    expect(await page.isVisible('#sim-cap')).toBe(true)
    expect(await page.textContent('#sim-cap')).toContain(
      `Stopped at the page's cap of ${WEB_MAX_STEPS.toLocaleString('en')} simulation steps`
    )
    expect(await page.textContent('#sim-status')).toContain('(stopped at the step cap)')
    expect(errors).toEqual([])
    await page.close()
  }, 180_000)

  it('shows progress while a 60 MB paste is explained', async () => {
    const { page } = await openOffline(browser, file)
    // Big enough to take well over half a second on a quiet machine too (20 MB took 535 ms).
    const text = readFileSync(makeLog(60 * MB, MB).path, 'utf8')
    await page.$eval('#report', (el, t) => ((el as HTMLTextAreaElement).value = t), text)
    await watchProgress(page, 'explain-status')
    await page.click('#explain-run')
    expect(await settled(page, 'explain-status', 60_000)).toBe('done')
    const took = Number(/in (\d+) ms/.exec((await page.textContent('#explain-status')) ?? '')?.[1])
    expect(took).toBeGreaterThan(600)
    expect(await progressSeen(page)).toContain('indeterminate reading the report…')
    expect(await page.isVisible('#explain-progress')).toBe(false)
    await page.close()
  }, 120_000)

  it('reaches every control with Tab, in reading order, each with a name', async () => {
    const { page } = await openOffline(browser, file)
    const order: string[] = []
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab')
      order.push(
        await page.evaluate(
          () => document.activeElement?.id || document.activeElement?.className || ''
        )
      )
    }
    expect(order.slice(0, 11)).toEqual([
      'skip',
      'report',
      'report-file',
      'explain-profile',
      'explain-run',
      'explain-text',
      'example',
      'sim-profile',
      'sim-run',
      'scenario',
      'sim-log'
    ])
    const unnamed = await page.$$eval('input, select, textarea, button, pre[tabindex]', els =>
      els
        .filter(el => {
          const labelled = (el as HTMLInputElement).labels?.length ?? 0
          return labelled === 0 && !el.getAttribute('aria-label') && !el.textContent?.trim()
        })
        .filter(el => !(el as HTMLElement).hidden)
        .map(el => el.id)
    )
    expect(unnamed).toEqual([])
    await page.close()
  })

  it('follows the dark colour scheme, in the page and in the report frame', async () => {
    const seen: Record<string, string[]> = {}
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.context.newPage()
      await page.emulateMedia({ colorScheme: scheme })
      await page.goto(`file://${file}`)
      await page.selectOption('#example', 'examples/sysrq-f.yaml')
      await settled(page, 'sim-status', 60_000)
      const frame = await (await page.waitForSelector('#sim-report:not([hidden])')).contentFrame()
      await frame?.waitForSelector('section.card')
      seen[scheme] = [
        await colours(page, 'body'),
        await colours(page, '#scenario'),
        await colours(page, '#sim-log'),
        (await frame?.$eval('section.card', el => getComputedStyle(el).backgroundColor)) ?? ''
      ]
      await page.close()
    }
    const [light, dark] = [seen.light ?? [], seen.dark ?? []]
    expect(dark).toHaveLength(4)
    for (let i = 0; i < light.length; i++) expect(dark[i], `item ${i}`).not.toBe(light[i])
    const [r, g, b] = ((dark[0] ?? '').match(/\d+/g) ?? []).map(Number)
    expect((r ?? 255) + (g ?? 255) + (b ?? 255)).toBeLessThan(150)
  })

  it('fits a 390x844 phone screen: no horizontal scroll of the body', async () => {
    const page = await browser.context.newPage()
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`file://${file}`)
    await explainInPage(page, readFileSync('tests/fixtures/oomlogs/cnnotes611_1.log', 'utf8'))
    await page.selectOption('#example', 'examples/fork-cow.yaml')
    await settled(page, 'sim-status', 60_000)
    const frameEl = await page.waitForSelector('#sim-report:not([hidden])')
    const frame = await frameEl.contentFrame()
    await frame?.waitForSelector('.chart[data-rendered] canvas')
    const inner = await frame?.evaluate(() => document.documentElement.scrollWidth)
    expect(inner).toBeLessThanOrEqual((await frameEl.boundingBox())?.width ?? 0)
    const width = await page.evaluate(() => ({
      doc: document.documentElement.scrollWidth,
      body: document.body.scrollWidth
    }))
    expect(width.doc).toBeLessThanOrEqual(390)
    expect(width.body).toBeLessThanOrEqual(390)
    await page.close()
  })
})
