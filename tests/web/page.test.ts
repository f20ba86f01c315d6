/**
 * The offline web page in headless Chromium, network cut off: `oomkit web -o` writes it; each
 * report of tests/fixtures/oomlogs pasted in gives the model `oomkit explain --json` gives;
 * every example scenario gives `oomkit simulate`'s log; a mistake shows at its line. Saves a
 * screenshot to artifacts/web.png (and to docs/img/web.png with OOMKIT_UPDATE_DOCS=1).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { buildExplainModel, modelToJson } from '../../src/explain/explain-model.ts'
import { parseBuffer } from '../../src/explain/read-input.ts'
import { writeWebPage } from '../../scripts/build-web.ts'
import { runCli } from '../helpers.ts'
import { hasChromium, launch, type Browser } from '../html/browser.ts'
import { explainInPage, openOffline, settled } from './browser-page.ts'

const LOGS = 'tests/fixtures/oomlogs'
const logs = readdirSync(LOGS).filter(f => f.endsWith('.log'))
const SCENARIOS = readdirSync('examples')
  .filter(f => /\.(ya?ml|json)$/.test(f))
  .map(f => `examples/${f}`)

describe.skipIf(!hasChromium)('oomkit web in Chromium, offline', () => {
  let dir = ''
  let browser: Browser
  let page: Page
  let errors: string[] = []
  let blocked: string[] = []

  beforeAll(async () => {
    await writeWebPage()
    dir = mkdtempSync(join(tmpdir(), 'oomkit-web-'))
    const r = await runCli(['web', '-o', join(dir, 'oomkit.html')])
    expect(r.code).toBe(0)
    browser = await launch()
    ;({ page, errors, blocked } = await openOffline(browser, join(dir, 'oomkit.html')))
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it.each(logs)('explains %s as oomkit explain does', async name => {
    const buf = readFileSync(join(LOGS, name))
    const expected = buildExplainModel(parseBuffer(buf))
    const got = await explainInPage(page, buf.toString('utf8'))
    expect(got).toEqual(JSON.parse(modelToJson(expected)))
    const pids = await page.$$eval('#explain-victims li', lis => lis.map(l => l.dataset.pid))
    expect(pids).toEqual(expected.reports.map(r => (r.killed ? String(r.killed.pid) : '')))
  })

  it.each(SCENARIOS)('simulates %s with the log oomkit simulate prints', async file => {
    const cli = await runCli(['simulate', file])
    await page.selectOption('#sim-profile', '')
    await page.selectOption('#example', file)
    await settled(page, 'sim-status', 60_000)
    expect(await page.textContent('#sim-log')).toBe(cli.stdout.trimEnd())
  })

  it('switches the kernel profile as --profile does', async () => {
    const file = 'examples/sysrq-f.yaml'
    const cli = await runCli(['simulate', file, '--profile', '4.19'])
    await page.selectOption('#example', file)
    await settled(page, 'sim-status', 60_000)
    await page.selectOption('#sim-profile', '4.19')
    await settled(page, 'sim-status', 60_000)
    expect(await page.textContent('#sim-log')).toBe(cli.stdout.trimEnd())
  })

  it('shows a typed mistake at its line', async () => {
    await page.selectOption('#example', 'examples/sysrq-f.yaml')
    await settled(page, 'sim-status', 60_000)
    const text = await page.inputValue('#scenario')
    const lines = text.split('\n')
    const at = lines.findIndex(l => /\b\d+[KMG]\b/.test(l))
    expect(at).toBeGreaterThan(0)
    lines[at] = (lines[at] ?? '').replace(/\b\d+([KMG])\b/, 'lots$1')
    const broken = lines.join('\n')
    await page.focus('#scenario')
    await page.fill('#scenario', broken)
    expect(await settled(page, 'sim-status')).toBe('error')
    expect(await page.getAttribute('#sim-error', 'data-line')).toBe(String(at + 1))
    expect(await page.textContent('#gutter .bad')).toBe(`▶${at + 1}`)
    await page.click('#sim-error')
    const caret = await page.$eval('#scenario', el => {
      const a = el as HTMLTextAreaElement
      return a.value.slice(0, a.selectionStart).split('\n').length
    })
    expect(caret).toBe(at + 1)
  })

  it('runs from the keyboard: Ctrl+Enter in the report box', async () => {
    await page.fill('#report', readFileSync(join(LOGS, 'npd_1.log'), 'utf8'))
    await page.$eval('#explain-status', el => (el.dataset.state = 'idle'))
    await page.focus('#report')
    await page.keyboard.press('Control+Enter')
    expect(await settled(page, 'explain-status')).toBe('done')
  })

  it('takes the screenshot: a report explained, an example simulated', async () => {
    await explainInPage(page, readFileSync(join(LOGS, 'askubuntu_1.log'), 'utf8'))
    await page.selectOption('#sim-profile', '')
    await page.selectOption('#example', 'examples/sysrq-f.yaml')
    await settled(page, 'sim-status', 60_000)
    // The picture ends under the report frame's first chart: explanation, ranking, editor, log.
    const frameEl = await page.waitForSelector('#sim-report:not([hidden])')
    const frame = await frameEl.contentFrame()
    await frame?.waitForSelector('.chart[data-rendered] canvas')
    const chart = await frame?.$eval('.chart-block', el => el.getBoundingClientRect().bottom)
    const top = (await frameEl.boundingBox())?.y ?? 0
    const height = Math.ceil(top + (chart ?? 0) + 16)
    mkdirSync('artifacts', { recursive: true })
    const targets = ['artifacts/web.png']
    if (process.env.OOMKIT_UPDATE_DOCS === '1') targets.push('docs/img/web.png')
    const clip = { x: 0, y: 0, width: 1280, height }
    for (const path of targets) await page.screenshot({ path, fullPage: true, clip })
  })

  it('made no network request and logged no error', () => {
    expect(blocked).toEqual([])
    expect(errors).toEqual([])
  })
})
