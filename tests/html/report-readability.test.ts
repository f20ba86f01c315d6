/**
 * Issue 17's HTML items, looked at in headless Chromium: a simulation page opens its first OOM
 * (not a placeholder) even when there is one; the memory axes tick at round binary sizes labelled
 * KiB/MiB/GiB; the streaming-read example draws its page cache; the reclaim legend entry has a
 * marker one can see.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { loadAssets } from '../../src/html/assets.ts'
import { simulationPageFrom } from '../../src/html/from-sim.ts'
import { renderSimulationHtml } from '../../src/html/simulation-page.ts'
import { findProfile } from '../../src/kernel/profiles.ts'
import { parseScenario, runScenario } from '../../src/sim/index.ts'
import { chartInk, hasChromium, launch, openPage } from './browser.ts'
import type { Browser } from './browser.ts'

/** Write the simulation page of an example and return its file URL. */
async function examplePage(dir: string, name: string): Promise<string> {
  const file = `examples/${name}.yaml`
  const run = runScenario(parseScenario(readFileSync(file, 'utf8'), file))
  const profile = findProfile(run.summary.profile)
  if (profile === undefined) throw new Error(`no profile ${run.summary.profile}`)
  const out = join(dir, `${name}.html`)
  writeFileSync(out, renderSimulationHtml(simulationPageFrom(run, profile), await loadAssets()))
  return pathToFileURL(out).href
}

/** The y-axis tick labels of every chart, as uPlot drew them. */
function yTicks(page: Page): Promise<{ id: string; log: boolean; labels: string[] }[]> {
  return page.evaluate(() => {
    interface U {
      root: { parentElement: { id: string } | null }
      axes: { _values?: (string | null)[] }[]
      scales: { y: { distr: number } }
    }
    const w = globalThis as unknown as { __oomkit: { charts(): U[] } }
    return w.__oomkit.charts().map(u => ({
      id: u.root.parentElement?.id ?? '',
      log: u.scales.y.distr === 3,
      labels: (u.axes[1]?._values ?? []).filter((v): v is string => v !== null)
    }))
  })
}

describe.skipIf(!hasChromium)('simulation page readability (issue 17)', () => {
  let browser: Browser
  let dir = ''

  beforeAll(async () => {
    browser = await launch()
    dir = mkdtempSync(join(tmpdir(), 'oomkit-html17-'))
  })

  afterAll(async () => {
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('opens the first OOM of a run with a single OOM, without a placeholder', async () => {
    const { page, errors } = await openPage(browser, await examplePage(dir, 'swap-then-oom'))
    expect(await page.locator('section.oom').count()).toBe(1)
    expect(await page.isVisible('#oom-1')).toBe(true)
    expect(await page.isVisible('#inspector-hint')).toBe(false)
    expect(await page.getAttribute('button.oom-pick[data-select-oom="0"]', 'aria-pressed')).toBe(
      'true'
    )
    expect(await page.locator('#oom-1 table.ranking tr.victim').count()).toBe(1)
    expect(errors).toEqual([])
    await page.close()
  })

  it('ticks memory axes at round binary sizes labelled KiB/MiB/GiB', async () => {
    for (const name of ['swap-then-oom', 'streaming-read', 'stress-ng-6.11']) {
      const { page } = await openPage(browser, await examplePage(dir, name))
      const charts = (await yTicks(page)).filter(c => !c.log)
      expect(charts.length, name).toBeGreaterThan(0)
      for (const c of charts) {
        expect(c.labels.length, `${name} ${c.id}`).toBeGreaterThan(1)
        for (const label of c.labels) {
          // A whole number of a binary unit, or a quarter of one (1.25 GiB): never 195 or 391 MiB.
          expect(label, `${name} ${c.id}`).toMatch(/^(0 B|\d+(\.(25|5|75))? (KiB|MiB|GiB|TiB))$/)
          const n = Number(label.split(' ')[0])
          if (Number.isInteger(n) && n >= 8) expect(n % 8, `${name} ${c.id} ${label}`).toBe(0)
        }
      }
      expect(await page.textContent('body')).not.toMatch(/\d (MB|GB)\b/)
      await page.close()
    }
  })

  it('draws the page cache of the streaming-read example', async () => {
    const { page } = await openPage(browser, await examplePage(dir, 'streaming-read'))
    const ink = await chartInk(page)
    const cache = ink.find(c => c.id === 'chart-pagecache')
    expect(cache).toBeDefined()
    expect(cache!.ink).toBeGreaterThan(300)
    expect(await page.textContent('#chart-pagecache-d')).toMatch(/page cache peaks at \d/)
    await page.close()
  })

  it('gives the reclaim legend entry a visible marker, in light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.context.newPage()
      await page.emulateMedia({ colorScheme: scheme })
      await page.goto(await examplePage(dir, 'streaming-read'))
      const swatch = await page.$eval('.legend .swatch.m-reclaim', el => {
        const g = globalThis as unknown as {
          getComputedStyle(e: unknown): { backgroundColor: string; width: string; height: string }
        }
        const s = g.getComputedStyle(el)
        return { bg: s.backgroundColor, w: parseFloat(s.width), h: parseFloat(s.height) }
      })
      // An opaque colour (rgb(), not a faint rgba()) over at least 3x12 px.
      expect(swatch.bg, scheme).toMatch(/^rgb\(/)
      expect(swatch.w * swatch.h, scheme).toBeGreaterThanOrEqual(36)
      await page.close()
    }
  })
})
