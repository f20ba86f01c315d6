/**
 * @module The simulate panel: edit a scenario (line-numbered, the mistake marked at its line),
 * run it in the worker as you type, show the log (each line linked to its kernel function), the
 * progress of a long run, the step cap's message, and the report frame (charts, rankings).
 */
import { setStatus, showProgress } from './busy.ts'
import { markLine, showLineNumbers } from './gutter.ts'
import { showLinkedLines, walkLinksWithArrows } from './line-links.ts'
import type { WebPageData } from './page-data.ts'
import type { WebAnswer } from './protocol.ts'
import { reportFrameDocument, showInFrame } from './report-frame.ts'
import type { WorkerClient } from './worker-client.ts'

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T

/** Put the caret at `line` (1-based) of the scenario editor. */
function goToLine(area: HTMLTextAreaElement, line: number): void {
  const lines = area.value.split('\n')
  const at = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0)
  area.focus()
  area.setSelectionRange(at, at + (lines[line - 1]?.length ?? 0))
}

function showError(a: Extract<WebAnswer, { kind: 'error' }>): void {
  const err = $('sim-error')
  err.hidden = false
  err.textContent = a.where === null ? a.message : `${a.where}: ${a.message}`
  err.dataset.line = a.line === null ? '' : String(a.line)
  markLine($('gutter'), a.line)
  $('sim-cap').hidden = true
  setStatus('sim-status', 'error', 'the scenario has a mistake')
}

function showRun(a: Extract<WebAnswer, { kind: 'simulate' }>, data: WebPageData): void {
  const err = $('sim-error')
  err.hidden = true
  err.dataset.line = ''
  markLine($('gutter'), null)
  showLinkedLines($('sim-log'), a.lines, 'log')
  const cap = $('sim-cap')
  cap.hidden = !a.truncated
  cap.textContent = a.truncated
    ? `Stopped at the page's cap of ${a.steps.toLocaleString('en')} simulation steps: the log, ` +
      `charts and rankings show the run up to there. Shorten the scenario (its duration, or a ` +
      `coarser "every"), or run it with oomkit simulate, which has no such cap.`
    : ''
  const frame = $<HTMLIFrameElement>('sim-report')
  if (a.report === null) frame.hidden = true
  else showInFrame(frame, reportFrameDocument(a.report, data.assets))
  const capped = a.truncated ? ' (stopped at the step cap)' : ''
  setStatus('sim-status', 'done', `${a.lines.length} lines in ${a.ms.toFixed(0)} ms${capped}`)
}

/** Wire the simulate panel: editor, examples, profile, button, Ctrl+Enter, the error line. */
export function wireSimulate(
  w: WorkerClient,
  data: WebPageData,
  profileOf: (id: string) => string | null,
  onCtrlEnter: (el: HTMLElement, run: () => void) => void
): void {
  const area = $<HTMLTextAreaElement>('scenario')
  const gutter = $('gutter')
  const example = $<HTMLSelectElement>('example')
  let timer = 0
  const run = (): void => {
    setStatus('sim-status', 'queued', '')
    const name = example.value === '' ? 'scenario.yaml' : example.value
    // The bar shows once the run has taken half a second (onBusy), then follows the worker.
    let late = false
    let fraction = 0
    const onAnswer = (a: WebAnswer): void => {
      if (a.kind === 'progress') {
        fraction = a.fraction
        if (late) showProgress('sim-status', 'simulating', fraction)
      } else if (a.kind === 'error') showError(a)
      else if (a.kind === 'simulate') showRun(a, data)
    }
    const onBusy = (): void => ((late = true), showProgress('sim-status', 'simulating', fraction))
    w.send(
      { kind: 'simulate', yaml: area.value, name, profile: profileOf('sim-profile') },
      onAnswer,
      onBusy
    )
  }
  area.addEventListener('input', () => {
    showLineNumbers(gutter, area)
    setStatus('sim-status', 'queued', '')
    clearTimeout(timer)
    timer = window.setTimeout(run, 400)
  })
  area.addEventListener('scroll', () => (gutter.scrollTop = area.scrollTop))
  example.addEventListener('change', () => {
    area.value = data.examples.find(e => e.name === example.value)?.text ?? ''
    showLineNumbers(gutter, area)
    run()
  })
  $('sim-profile').addEventListener('change', run)
  $('sim-run').addEventListener('click', run)
  onCtrlEnter(area, run)
  walkLinksWithArrows($('sim-log'))
  $('sim-error').addEventListener('click', () => {
    const line = Number($('sim-error').dataset.line)
    if (line > 0) goToLine(area, line)
  })
}
