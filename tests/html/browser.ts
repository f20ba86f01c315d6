/**
 * Headless Chromium for the HTML report tests: Debian's chromium driven by playwright-core,
 * with a fresh profile directory per launch. `hasChromium` is false when it is not installed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import type { BrowserContext, Page } from 'playwright-core'

export const CHROMIUM = process.env.OOMKIT_CHROMIUM ?? '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)

export interface Browser {
  context: BrowserContext
  close(): Promise<void>
}

/** Launch headless Chromium with a fresh user-data-dir. */
export async function launch(): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'oomkit-chromium-'))
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync'
    ],
    viewport: { width: 1280, height: 900 }
  })
  return {
    context,
    async close() {
      await context.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** A page that records console errors, page errors and any network request leaving file://. */
export async function openPage(
  b: Browser,
  url: string
): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await b.context.newPage()
  const errors: string[] = []
  const requests: string[] = []
  page.on('console', m => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', e => errors.push(e.message))
  page.on('request', r => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url())
  })
  await page.goto(url)
  await page.waitForLoadState('load')
  return { page, errors, requests }
}

/**
 * For every chart on the page: its point count and how many opaque pixels its series add to the
 * plot area (drawn with all series shown minus drawn with all hidden).
 */
export async function chartInk(
  page: Page
): Promise<{ id: string; points: number; ink: number; width: number }[]> {
  return page.evaluate(async () => {
    interface U {
      root: { parentElement: { id: string } | null }
      ctx: {
        canvas: { width: number }
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray }
      }
      data: number[][]
      series: unknown[]
      bbox: { left: number; top: number; width: number; height: number }
      setSeries(i: number, o: { show: boolean }): void
    }
    const w = globalThis as unknown as {
      __oomkit: { charts(): U[] }
      requestAnimationFrame(f: () => void): void
    }
    // uPlot commits redraws asynchronously: wait two frames.
    const settle = (): Promise<void> =>
      new Promise(r => w.requestAnimationFrame(() => w.requestAnimationFrame(() => r())))
    const opaque = (u: U): number => {
      const b = u.bbox
      const d = u.ctx.getImageData(b.left, b.top, Math.max(1, b.width), Math.max(1, b.height)).data
      let n = 0
      for (let i = 3; i < d.length; i += 4) if ((d[i] ?? 0) > 200) n++
      return n
    }
    const out: { id: string; points: number; ink: number; width: number }[] = []
    await settle()
    for (const u of w.__oomkit.charts()) {
      const all = opaque(u)
      for (let i = 1; i < u.series.length; i++) u.setSeries(i, { show: false })
      await settle()
      const none = opaque(u)
      for (let i = 1; i < u.series.length; i++) u.setSeries(i, { show: true })
      await settle()
      out.push({
        id: u.root.parentElement?.id ?? '',
        points: u.data[0]?.length ?? 0,
        ink: all - none,
        width: u.ctx.canvas.width
      })
    }
    return out
  })
}
