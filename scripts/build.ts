/**
 * Builds the shipped CLI: one minified ESM bundle per entry point, split into chunks so that a
 * command loads only its own code (the lazy `await import()`s in src/cli/commands become chunk
 * loads; `oomkit --help` loads no yaml, zod or engine). Dependencies are bundled in, except
 * koffi (a native addon, optional) and uplot (its files are read as assets, src/html/assets.ts).
 *
 *   dist/cli.js       export `cli(io)`            (src/cli/main.ts; bin/oomkit.js loads it)
 *   dist/lean-vm.js   export `leanVm()`           (src/daemon/lean-vm.ts; before the CLI loads)
 *   dist/scores.js    export `scoresMain(io)`     (src/cli/commands/scores-entry.ts): `oomkit
 *                     scores` with common flags, one file without chunks or commander
 *   dist/chunks/*.js  shared and per-command code
 *   dist/help.json    `oomkit --help` and `--version` as the bundle prints them (`renderedHelp`):
 *                     bin/oomkit.js writes them without loading the CLI at all
 * The built-in default scenario is checked here and bundled as data (`prevalidatedDefault`).
 *
 * Type-checking is `npm run typecheck` (tsc); this script only transpiles and bundles.
 * `node --import tsx scripts/build.ts --meta` also writes dist/meta.json (esbuild's metafile) for inspection.
 */
import { rmSync, writeFileSync } from 'node:fs'
import { PassThrough } from 'node:stream'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild'
import { writeWebPage } from './build-web.ts'
import { DEFAULT_SCENARIO_NAME, DEFAULT_SCENARIO_YAML } from '../src/sim/default-scenario.ts'
import { parseScenario } from '../src/sim/load.ts'
import type { cli as cliOfSource } from '../src/cli/main.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

// CommonJS dependencies (commander, pino, ...) call require() for node builtins; an ESM bundle
// has no `require`, so each output file gets one made for its own URL.
const banner =
  "import{createRequire as __oomkitRequire}from'node:module';const require=__oomkitRequire(import.meta.url);"

/**
 * The default scenario, parsed and checked here, goes into the bundle as data in place of
 * src/cli/commands/default-scenario-data.ts (whose source says null): `oomkit simulate` without a
 * file then loads no YAML parser or schema library. A scenario file is still checked at run time.
 */
export function prevalidatedDefault(): Plugin {
  return {
    name: 'prevalidated-default-scenario',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]cli[\\/]commands[\\/]default-scenario-data\.ts$/ }, () => ({
        contents: `export const PREVALIDATED_DEFAULT = ${JSON.stringify(
          parseScenario(DEFAULT_SCENARIO_YAML, DEFAULT_SCENARIO_NAME)
        )}`,
        loader: 'js'
      }))
    }
  }
}

/**
 * commander loads node:child_process (with net, dgram and more) at start-up only to spawn
 * executable subcommands, which oomkit has none of: its `require` gets a stand-in that loads the
 * module on first use. Every command starts without it (a few ms of the fixed start-up cost).
 */
export function lazyChildProcessForCommander(): Plugin {
  return {
    name: 'lazy-child-process-for-commander',
    setup(b) {
      b.onResolve({ filter: /^node:child_process$/ }, args =>
        /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
          ? { path: 'lazy-child-process', namespace: 'oomkit-lazy' }
          : undefined
      )
      b.onLoad({ filter: /.*/, namespace: 'oomkit-lazy' }, () => ({
        contents:
          "let m; module.exports = new Proxy({}, { get: (_t, k) => (m ??= require('node:child_process'))[k] })",
        loader: 'js'
      }))
    }
  }
}

/** Bundle the CLI into `outdir` (emptied first); resolves to esbuild's metafile. */
export async function buildBundle(outdir: string): Promise<Metafile> {
  rmSync(outdir, { recursive: true, force: true })
  const main = await buildSplit(outdir)
  const scores = await buildScoresEntry(outdir)
  return {
    inputs: { ...main.inputs, ...scores.inputs },
    outputs: { ...main.outputs, ...scores.outputs }
  }
}

/** What every bundle of the CLI shares: minified ESM for Node 20, koffi and uPlot left out. */
const NODE_BUNDLE = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  external: ['koffi', 'uplot'],
  banner: { js: banner },
  metafile: true
} satisfies BuildOptions

/**
 * dist/scores.js: the scores command in one file, no splitting (its own copy of the code it
 * shares with dist/cli.js), so `oomkit scores` reads one module besides bin/oomkit.js.
 */
async function buildScoresEntry(outdir: string): Promise<Metafile> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { scores: 'src/cli/commands/scores-entry.ts' },
    outdir,
    ...NODE_BUNDLE,
    logLevel: 'warning'
  })
  return result.metafile
}

async function buildSplit(outdir: string): Promise<Metafile> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { cli: 'src/cli/main.ts', 'lean-vm': 'src/daemon/lean-vm.ts' },
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    ...NODE_BUNDLE,
    splitting: true,
    plugins: [prevalidatedDefault(), lazyChildProcessForCommander()],
    logLevel: 'warning'
  })
  return result.metafile
}

/** What `oomkit ARGS` writes on stdout, with stdout a terminal of `columns` (or not one). */
async function stdoutOf(cliJs: string, args: string[], columns?: number): Promise<string> {
  const { cli } = (await import(pathToFileURL(cliJs).href)) as { cli: typeof cliOfSource }
  let out = ''
  const stdin = new PassThrough()
  stdin.end()
  const stdout = {
    write: (t: string) => (out += t),
    isTTY: columns !== undefined,
    columns: columns ?? 80
  }
  const stderr = { write: () => true, isTTY: false }
  const code = await cli({ argv: args, stdin, stdout, stderr, env: {}, cwd: root })
  if (code !== 0) throw new Error(`oomkit ${args.join(' ')} exited ${code}`)
  return out
}

/**
 * The texts bin/oomkit.js prints for `--help` / `-h` and `--version` / `-V` without loading the
 * CLI, rendered by the bundle `cliJs` itself. Help wraps at a terminal's width: `help` is the
 * text off a terminal (80 columns), `helpColumns` the terminal widths (of 20..400) that print
 * the same text; on any other terminal the CLI renders its help itself.
 */
export async function renderedHelp(
  cliJs: string
): Promise<{ help: string; helpColumns: number[]; version: string }> {
  const help = await stdoutOf(cliJs, ['--help'])
  const helpColumns: number[] = []
  for (let columns = 20; columns <= 400; columns++)
    if ((await stdoutOf(cliJs, ['--help'], columns)) === help) helpColumns.push(columns)
  return { help, helpColumns, version: await stdoutOf(cliJs, ['--version']) }
}

/** The input files an output loads before it runs: itself and its static imports, transitively. */
export function staticInputs(meta: Metafile, output: string): Set<string> {
  const seen = new Set<string>()
  const inputs = new Set<string>()
  const visit = (out: string): void => {
    const file = meta.outputs[out]
    if (seen.has(out) || !file) return
    seen.add(out)
    for (const input of Object.keys(file.inputs)) inputs.add(input)
    for (const imp of file.imports) if (imp.kind === 'import-statement') visit(imp.path)
  }
  visit(output)
  return inputs
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const meta = await buildBundle(join(root, 'dist'))
  const help = await renderedHelp(join(root, 'dist/cli.js'))
  writeFileSync(join(root, 'dist/help.json'), JSON.stringify(help))
  await writeWebPage() // dist/web/oomkit.html, for `oomkit web`
  if (process.argv.includes('--meta')) {
    writeFileSync(join(root, 'dist/meta.json'), JSON.stringify(meta))
  }
}
