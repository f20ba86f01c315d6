/**
 * The explain HTML page: the text's "why", "saved by" and oom.group lines are there, /dev/kmsg
 * stamps read as in the text, and (in Chromium, when installed) the gfp string breaks only
 * between flags, never inside a name, even on a narrow screen.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { hasChromium, launch, openPage } from '../html/browser.ts'
import { runCli } from '../helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'oomkit-explain-html-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const example = join(import.meta.dirname, '..', '..', 'examples', 'v2-oom-group.yaml')

/** The simulated report as /dev/kmsg records ("level,seq,usec,-;msg"). */
async function kmsgReport(): Promise<string> {
  const sim = await runCli(['simulate', '--profile', '6.1', example])
  return sim.stdout
    .split('\n')
    .map((l, i) => {
      const m = /^\[\s*(\d+)\.(\d+)\] (.*)$/.exec(l)
      if (!m) return null
      const us = (Number(m[1]) + 8123) * 1_000_000 + Number(m[2])
      return `6,${20417 + i},${us},-;${m[3] ?? ''}`
    })
    .filter(l => l !== null)
    .join('\n')
}

describe('explain --html', () => {
  it('shows why, saved by and oom.group; /dev/kmsg stamps as dmesg shows them', async () => {
    const input = join(dir, 'kmsg.log')
    writeFileSync(input, await kmsgReport())
    const text = await runCli(['explain', input])
    const file = join(dir, 'kmsg.html')
    const r = await runCli(['explain', '--html', file, input])
    expect(r.code).toBe(0)
    const html = readFileSync(file, 'utf8')
    const why = /why: +(.*)/.exec(text.stdout)?.[1] ?? 'missing'
    const saved = /saved by: (.*)/.exec(text.stdout)?.[1] ?? 'missing'
    const unescape = (s: string): string => s.replace(/<wbr>/g, '').replace(/&#39;/g, "'")
    expect(unescape(html)).toContain(`<dt>Why</dt><dd>${why}</dd>`)
    expect(unescape(html)).toContain(`<dt>Saved by</dt><dd>${saved}</dd>`)
    expect(html).toContain('<dt>oom.group</dt><dd>every task in /job was killed</dd>')
    expect(text.stdout).toContain('at 8123.091000')
    expect(html).toContain('<dt>Time</dt><dd>[8123.091000]</dd>')
    expect(html).toContain('[ 8123.091000] worker invoked oom-killer:')
    expect(html).not.toMatch(/\d+,\d+,\d{7,},-;/)
  })

  it.skipIf(!hasChromium)(
    'the gfp string breaks between flags, not inside one, on a narrow screen',
    async () => {
      const sim = await runCli([
        'simulate',
        '--profile',
        '6.1',
        join(import.meta.dirname, '..', '..', 'examples', 'init-pins-mm.yaml')
      ])
      const input = join(dir, 'gfp.log')
      writeFileSync(input, sim.stdout)
      const file = join(dir, 'gfp.html')
      await runCli(['explain', '--html', file, input])
      const browser = await launch()
      try {
        const { page } = await openPage(browser, pathToFileURL(file).href)
        for (const width of [1280, 900, 700, 480, 360, 320]) {
          await page.setViewportSize({ width, height: 900 })
          const broken = await page.evaluate(() => {
            const out: string[] = []
            for (const dd of Array.from(document.querySelectorAll('dd'))) {
              if (!dd.textContent?.includes('GFP_')) continue
              const walker = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT)
              const tops: { ch: string; top: number }[] = []
              for (let n = walker.nextNode(); n; n = walker.nextNode())
                for (let i = 0; i < (n.textContent ?? '').length; i++) {
                  const range = document.createRange()
                  range.setStart(n, i)
                  range.setEnd(n, i + 1)
                  tops.push({
                    ch: n.textContent?.[i] ?? '',
                    top: range.getBoundingClientRect().top
                  })
                }
              for (let i = 1; i < tops.length; i++) {
                const a = tops[i - 1]
                const b = tops[i]
                if (a && b && b.top > a.top + 1 && /[\w]/.test(a.ch) && /[\w]/.test(b.ch))
                  out.push(`${dd.textContent ?? ''} @${i}`)
              }
            }
            return out
          })
          expect(broken, `width ${width}`).toEqual([])
        }
      } finally {
        await browser.close()
      }
    },
    60_000
  )
})
