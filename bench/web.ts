/**
 * @module The offline web page (`oomkit web`) in headless Chromium, network cut off: its size,
 * and the time from pasting a 5 MB synthetic syslog (one OOM report per MB, bench/lib/syslog.ts)
 * to the explanation shown, in ms (best of 3). Skipped when Chromium is not installed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeWebPage } from '../scripts/build-web.ts'
import { hasChromium, launch } from '../tests/html/browser.ts'
import { openOffline, settled } from '../tests/web/browser-page.ts'
import { MB, makeLog } from './lib/syslog.ts'

export async function bench(): Promise<Record<string, number>> {
  if (!hasChromium) return {}
  const dir = mkdtempSync(join(tmpdir(), 'oomkit-bench-web-'))
  const file = join(dir, 'oomkit.html')
  const bytes = await writeWebPage(file)
  const text = readFileSync(makeLog(5 * MB, MB).path, 'utf8')
  const browser = await launch()
  try {
    const { page } = await openOffline(browser, file)
    let best = Infinity
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now()
      await page.$eval('#report', (el, t) => ((el as HTMLTextAreaElement).value = t), text)
      await page.click('#explain-run')
      await settled(page, 'explain-status', 60_000)
      best = Math.min(best, performance.now() - t0)
    }
    return { 'web.page.KiB': Math.round(bytes / 1024), 'web.explain.5MB.ms': Math.round(best) }
  } finally {
    await browser.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
