/**
 * Helpers for the web page tests: open the written page in headless Chromium with every request
 * that would leave the file (http, https, ws) aborted and recorded, and wait for a panel's answer.
 */
import type { Page } from 'playwright-core'
import type { Browser } from '../html/browser.ts'

/** Open `file` with the network cut off; `blocked` collects any request that tried to leave. */
export async function openOffline(
  b: Browser,
  file: string
): Promise<{ page: Page; errors: string[]; blocked: string[] }> {
  const blocked: string[] = []
  await b.context.route('**/*', async route => {
    const url = route.request().url()
    if (url.startsWith('file:') || url.startsWith('blob:') || url.startsWith('data:'))
      return route.continue()
    blocked.push(url)
    return route.abort()
  })
  const page = await b.context.newPage()
  const errors: string[] = []
  page.on('console', m => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', e => errors.push(e.message))
  await page.goto(`file://${file}`)
  await page.waitForLoadState('load')
  return { page, errors, blocked }
}

/** Wait until the status element `id` says done or error; resolves to that state. */
export async function settled(page: Page, id: string, timeout = 30_000): Promise<string> {
  const sel = `#${id}[data-state="done"], #${id}[data-state="error"]`
  const el = await page.waitForSelector(sel, { timeout })
  return (await el.getAttribute('data-state')) ?? ''
}

/** Paste `text` into the report box and explain it; resolves to the page's model JSON. */
export async function explainInPage(page: Page, text: string): Promise<unknown> {
  await page.fill('#report', text)
  await page.click('#explain-run')
  await settled(page, 'explain-status')
  const json = await page.getAttribute('#explain-text', 'data-json')
  return JSON.parse(json ?? 'null')
}
