/**
 * @module Writing an HTML page to disk: load the chart library, render, write the file. The only
 * I/O of the HTML area besides assets.ts; file errors become one-line user errors.
 */
import { writeFileAtomicSync } from '../adapters/file/atomic-write.ts'
import { UserError } from '../errors.ts'
import type { ExplainModel } from '../explain/explain-model.ts'
import type { OomEvent } from '../explain/oom-event.ts'
import { loadAssets, loadAssetsSync } from './assets.ts'
import { renderExplainHtml } from './explain-page.ts'
import { explainPageFrom } from './from-explain.ts'
import { findProfile } from '../kernel/profiles.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import type { RunResult } from '../sim/runner.ts'
import { simulationPageFrom } from './from-sim.ts'
import type { SimulationPage } from './page-model.ts'
import { renderSimulationHtml } from './simulation-page.ts'

function writeError(file: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code
  const why =
    code === 'ENOENT'
      ? 'cannot write the HTML report: no such directory'
      : code === 'EACCES'
        ? 'cannot write the HTML report: permission denied'
        : code === 'EISDIR'
          ? 'cannot write the HTML report: is a directory'
          : code === 'ENOSPC'
            ? 'cannot write the HTML report: no space left on device'
            : `cannot write the HTML report: ${(error as Error).message}`
  return new UserError(why, { where: file })
}

/**
 * Write `html` to `file` (temporary file and rename: a failed write leaves the old page in
 * place), turning file-system errors into a UserError naming the file.
 */
export function writeHtmlFile(file: string, html: string): Promise<void> {
  try {
    writeFileAtomicSync(file, html)
    return Promise.resolve()
  } catch (error) {
    return Promise.reject(writeError(file, error))
  }
}

function profileOf(profile: KernelProfile | string): KernelProfile {
  if (typeof profile !== 'string') return profile
  const p = findProfile(profile)
  if (p === undefined) throw new UserError(`unknown kernel profile '${profile}'`)
  return p
}

/** Render a simulation page (view model) and write it. */
export async function writeSimulationPage(file: string, page: SimulationPage): Promise<void> {
  const assets = await loadAssets()
  await writeHtmlFile(file, renderSimulationHtml(page, assets))
}

/**
 * Render a simulation run (`runScenario()`'s result) as a self-contained page and write it
 * to `file`. `profile` is the kernel profile the run used (for the score unit).
 */
export async function writeSimulationHtmlFile(
  file: string,
  run: RunResult,
  profile: KernelProfile | string,
  title?: string
): Promise<void> {
  await writeSimulationPage(file, simulationPageFrom(run, profileOf(profile), title))
}

/**
 * `writeSimulationHtmlFile` for synchronous callers: `profile` may be the profile or its name
 * (`run.summary.profile`).
 */
export function writeSimulationHtmlFileSync(
  file: string,
  run: RunResult,
  profile: KernelProfile | string,
  title?: string
): void {
  const html = renderSimulationHtml(
    simulationPageFrom(run, profileOf(profile), title),
    loadAssetsSync()
  )
  try {
    writeFileAtomicSync(file, html)
  } catch (error) {
    throw writeError(file, error)
  }
}

/** What the explain command has at hand when it writes the page. */
export interface ExplainPageInput {
  model: ExplainModel
  events: readonly OomEvent[]
  /** The input text (Buffer or string), for the log excerpts. */
  text: string | Uint8Array
  /** The input's name as the user gave it ("-" or a path). */
  source: string
}

/** Render and write the explain page. */
export async function writeExplainHtmlFile(file: string, input: ExplainPageInput): Promise<void> {
  const page = explainPageFrom(input.model, input.events, input.text, input.source)
  await writeHtmlFile(file, renderExplainHtml(page))
}
