/**
 * @module The explain panel: paste or drop a report, explain it in the worker, show the victims,
 * the explanation (each line linked to its kernel function) and the explain page's sections
 * (ranking with score parts, memory state, log excerpt).
 */
import { setStatus, showProgress } from './busy.ts'
import { showLinkedLines, walkLinksWithArrows } from './line-links.ts'
import type { WebAnswer } from './protocol.ts'
import type { WorkerClient } from './worker-client.ts'

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T

function showVictims(a: Extract<WebAnswer, { kind: 'explain' }>): void {
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
}

function showExplain(a: WebAnswer): void {
  if (a.kind === 'progress') return
  if (a.kind !== 'explain')
    return setStatus('explain-status', 'error', a.kind === 'error' ? a.message : '')
  showVictims(a)
  const text = $('explain-text')
  showLinkedLines(text, a.text.split('\n'), 'explain')
  text.dataset.json = a.json
  // Rendered by src/html from the model: every string in it is escaped there.
  $('explain-report').innerHTML = a.reportHtml
  const n = a.reports.length
  const took = `${n} OOM report${n === 1 ? '' : 's'} in ${a.ms.toFixed(0)} ms`
  setStatus('explain-status', 'done', took)
}

/** Wire the explain panel: button, Ctrl+Enter, paste, file input and drop. */
export function wireExplain(
  w: WorkerClient,
  profileOf: (id: string) => string | null,
  onCtrlEnter: (el: HTMLElement, run: () => void) => void
): void {
  const area = $<HTMLTextAreaElement>('report')
  const run = (): void => {
    setStatus('explain-status', 'queued', '')
    w.send(
      { kind: 'explain', text: area.value, profile: profileOf('explain-profile') },
      showExplain,
      () => showProgress('explain-status', 'reading the report', null)
    )
  }
  const load = (f: File | undefined): void => {
    if (f) void f.text().then(t => ((area.value = t), run()))
  }
  $('explain-run').addEventListener('click', run)
  onCtrlEnter(area, run)
  walkLinksWithArrows($('explain-text'))
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
