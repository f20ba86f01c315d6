/**
 * @module The page script (bundled as an IIFE by scripts/build-web.ts): wires the explain and
 * simulate panels to the worker. All results come from the worker; the panels only show them.
 */
import { wireExplain } from './explain-view.ts'
import type { WebPageData } from './page-data.ts'
import { wireSimulate } from './simulate-view.ts'
import { startWorker } from './worker-client.ts'

/** Ctrl+Enter (or Cmd+Enter) in `el` runs `run`: the keyboard path to each panel's button. */
function onCtrlEnter(el: HTMLElement, run: () => void): void {
  el.addEventListener('keydown', e => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault()
      run()
    }
  })
}

function profileOf(id: string): string | null {
  const v = (document.getElementById(id) as HTMLSelectElement).value
  return v === '' ? null : v
}

const island = document.getElementById('oomkit-web-data')
const data = JSON.parse(island?.textContent ?? '{}') as WebPageData
const worker = startWorker(data.workerJs)
wireExplain(worker, profileOf, onCtrlEnter)
wireSimulate(worker, data, profileOf, onCtrlEnter)
