/**
 * Builds the offline web page (`oomkit web`): the worker (src/web/worker.ts: explain + simulate)
 * and the page script (src/web/client.ts) bundled for the browser (esbuild, iife), the example
 * scenarios of examples/ and the chart library (uPlot, for the simulation report frame) embedded,
 * all in one self-contained HTML file: dist/web/oomkit.html.
 * Run by `npm run build` (scripts/build.ts calls it) or on its own:
 *   node --import tsx scripts/build-web.ts [OUT]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { loadAssets } from '../src/html/assets.ts'
import { profileNames } from '../src/kernel/profiles.ts'
import { renderWebPage } from '../src/web/shell.ts'
import type { WebExample } from '../src/web/page-data.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Where `npm run build` puts the page; `oomkit web` copies it from here. */
export const WEB_PAGE = join(root, 'dist/web/oomkit.html')

/**
 * zod's namespace export `z.locales` keeps its ~40 message locales (about 260 KB minified) in the
 * bundle although the engine only uses English (zod's default, registered by its schemas module):
 * the page gets an index that exports `en` alone.
 */
const englishOnlyZod: Plugin = {
  name: 'english-only-zod-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, args =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '../locales/en.js'), namespace: 'zod-en' }
        : undefined
    )
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, args => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)}`,
      resolveDir: dirname(args.path)
    }))
  }
}

async function bundle(entry: string): Promise<string> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    plugins: [englishOnlyZod]
  })
  return result.outputFiles[0]?.text ?? ''
}

/** The example scenarios, in file-name order. */
export function webExamples(): WebExample[] {
  const dir = join(root, 'examples')
  return readdirSync(dir)
    .filter(f => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map(f => ({ name: `examples/${f}`, text: readFileSync(join(dir, f), 'utf8') }))
}

/** The whole page as text. */
export async function buildWebHtml(): Promise<string> {
  const [workerJs, pageJs, assets] = await Promise.all([
    bundle('src/web/worker.ts'),
    bundle('src/web/client.ts'),
    loadAssets()
  ])
  const data = { workerJs, examples: webExamples(), profiles: [...profileNames], assets }
  return renderWebPage(data, pageJs)
}

/** Build the page and write it to `out` (dist/web/oomkit.html by default). */
export async function writeWebPage(out: string = WEB_PAGE): Promise<number> {
  const html = await buildWebHtml()
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, html)
  return html.length
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeWebPage(process.argv[2] ?? WEB_PAGE)
}
