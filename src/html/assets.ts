/**
 * @module The one file read of the HTML pages: the chart library (uPlot's IIFE build and its
 * stylesheet) from the installed `uplot` package, to be inlined into the page.
 */
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { HtmlAssets } from './page-model.ts'

let cached: Promise<HtmlAssets> | null = null

function uplotDist(): string {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('uplot/package.json')), 'dist')
}

/** Read uPlot's dist/uPlot.iife.min.js and dist/uPlot.min.css (once per process). */
export function loadAssets(): Promise<HtmlAssets> {
  cached ??= (async () => {
    const dir = uplotDist()
    const [uplotJs, uplotCss] = await Promise.all([
      readFile(join(dir, 'uPlot.iife.min.js'), 'utf8'),
      readFile(join(dir, 'uPlot.min.css'), 'utf8')
    ])
    return { uplotJs, uplotCss }
  })().catch((error: unknown) => {
    cached = null
    throw error
  })
  return cached
}

/** The same, synchronously (for callers whose command action is synchronous). */
export function loadAssetsSync(): HtmlAssets {
  const dir = uplotDist()
  return {
    uplotJs: readFileSync(join(dir, 'uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(join(dir, 'uPlot.min.css'), 'utf8')
  }
}
