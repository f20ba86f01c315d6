/**
 * @module `oomkit web [-o FILE]`: write the offline web page (explain a pasted report, edit and
 * simulate a scenario, all in the browser) as one self-contained HTML file. The page is built
 * by `npm run build` (scripts/build-web.ts, dist/web/oomkit.html); this command copies it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { UserError } from '../../errors.ts'
import type { Register } from '../register.ts'

/** dist/web/oomkit.html of the package this file belongs to (from src/ or from dist/). */
export function builtWebPage(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    const page = join(dir, 'dist/web/oomkit.html')
    if (existsSync(join(dir, 'package.json'))) return existsSync(page) ? page : null
    dir = dirname(dir)
  }
  return null
}

export const registerWeb: Register = (program, io) => {
  program
    .command('web')
    .description('Write the offline web page: paste a report or edit a scenario in the browser')
    .option('-o, --output <file>', 'where to write the page', 'oomkit.html')
    .action((opts: { output: string }) => {
      const page = builtWebPage()
      if (page === null) throw new UserError('the web page is not built (run: npm run build)')
      const out = resolve(io.cwd, opts.output)
      const html = readFileSync(page)
      try {
        writeFileSync(out, html)
      } catch (e) {
        const code = (e as { code?: string }).code ?? 'error'
        throw new UserError(`cannot write '${opts.output}' (${code})`)
      }
      io.stdout.write(
        `wrote ${opts.output} (${(html.length / 1024).toFixed(0)} KiB, no network needed)\n`
      )
    })
}
