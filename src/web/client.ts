/**
 * @module The page script (bundled as an IIFE by scripts/build-web.ts): wires the explain and
 * simulate panels to the worker. All results come from the worker; this file only shows them.
 */
import type { WebPageData } from './page-data.ts'
import type { WebAnswer } from './protocol.ts'
import { startWorker, type WorkerClient } from './worker-client.ts'
import { markLine, showLineNumbers } from './gutter.ts'

/** Ctrl+Enter (or Cmd+Enter) in `el` runs `run`: the keyboard path to each panel's button. */
function onCtrlEnter(el: HTMLElement, run: () => void): void {
  el.addEventListener('keydown', e => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault()
      run()
    }
  })
}

/** Put the caret at `line` (1-based) of the scenario editor. */
function goToLine(area: HTMLTextAreaElement, line: number): void {
  const lines = area.value.split('\n')
  const at = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0)
  area.focus()
  area.setSelectionRange(at, at + (lines[line - 1]?.length ?? 0))
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T

function setStatus(id: string, state: string, text: string): void {
  const el = $(id)
  el.dataset.state = state
  el.textContent = text
}

function showExplain(a: WebAnswer): void {
  if (a.kind === 'progress') return
  if (a.kind !== 'explain')
    return setStatus('explain-status', 'error', a.kind === 'error' ? a.message : '')
  const list = $('explain-victims')
  list.replaceChildren()
  for (const r of a.reports) {
    const li = document.createElement('li')
    li.className = 'victim'
    li.dataset.pid = r.victim ? String(r.victim.pid) : ''
    li.dataset.comm = r.victim?.comm ?? ''
    const who = r.victim ? `${r.victim.comm} (pid ${r.victim.pid})` : 'no victim named'
    li.textContent = `OOM #${r.index}: killed ${who}` + (r.reason ? ` — ${r.reason}` : '')
    list.append(li)
  }
  $('explain-text').textContent = a.text
  $('explain-text').dataset.json = a.json
  const n = a.reports.length
  setStatus(
    'explain-status',
    'done',
    `${n} OOM report${n === 1 ? '' : 's'} in ${a.ms.toFixed(0)} ms`
  )
}

function showSimulation(a: WebAnswer): void {
  const err = $('sim-error')
  if (a.kind === 'progress')
    return setStatus('sim-status', 'busy', `simulating… ${(a.fraction * 100).toFixed(0)}%`)
  if (a.kind === 'error') {
    err.hidden = false
    err.textContent = a.where === null ? a.message : `${a.where}: ${a.message}`
    err.dataset.line = a.line === null ? '' : String(a.line)
    markLine($('gutter'), a.line)
    return setStatus('sim-status', 'error', 'the scenario has a mistake')
  }
  if (a.kind !== 'simulate') return
  err.hidden = true
  err.dataset.line = ''
  markLine($('gutter'), null)
  $('sim-log').textContent = a.lines.join('\n')
  const cap = a.truncated ? ' — stopped at the step cap: shorten the scenario' : ''
  setStatus('sim-status', 'done', `${a.lines.length} lines in ${a.ms.toFixed(0)} ms${cap}`)
}

function profileOf(id: string): string | null {
  const v = $<HTMLSelectElement>(id).value
  return v === '' ? null : v
}

function wireExplain(w: WorkerClient): void {
  const area = $<HTMLTextAreaElement>('report')
  const run = (): void => {
    setStatus('explain-status', 'queued', '')
    w.send(
      { kind: 'explain', text: area.value, profile: profileOf('explain-profile') },
      showExplain,
      () => setStatus('explain-status', 'busy', 'reading the report…')
    )
  }
  const load = (f: File | undefined): void => {
    if (f) void f.text().then(t => ((area.value = t), run()))
  }
  $('explain-run').addEventListener('click', run)
  onCtrlEnter(area, run)
  $<HTMLInputElement>('report-file').addEventListener('change', e =>
    load((e.target as HTMLInputElement).files?.[0])
  )
  area.addEventListener('dragover', e => (e.preventDefault(), area.classList.add('drag')))
  area.addEventListener('dragleave', () => area.classList.remove('drag'))
  area.addEventListener('drop', e => {
    e.preventDefault()
    area.classList.remove('drag')
    load(e.dataTransfer?.files[0])
  })
  area.addEventListener('paste', () => setTimeout(run, 0))
}

function wireSimulate(w: WorkerClient, data: WebPageData): void {
  const area = $<HTMLTextAreaElement>('scenario')
  const gutter = $('gutter')
  const example = $<HTMLSelectElement>('example')
  let timer = 0
  const run = (): void => {
    setStatus('sim-status', 'queued', '')
    const name = example.value === '' ? 'scenario.yaml' : example.value
    w.send(
      { kind: 'simulate', yaml: area.value, name, profile: profileOf('sim-profile') },
      showSimulation,
      () => setStatus('sim-status', 'busy', 'simulating…')
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
  $('sim-error').addEventListener('click', () => {
    const line = Number($('sim-error').dataset.line)
    if (line > 0) goToLine(area, line)
  })
}

const data = JSON.parse($('oomkit-web-data').textContent ?? '{}') as WebPageData
const worker = startWorker(data.workerJs)
wireExplain(worker)
wireSimulate(worker, data)
