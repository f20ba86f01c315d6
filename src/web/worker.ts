/**
 * @module The Web Worker's entry: answers the page's requests (protocol.ts) off the main thread,
 * so a large paste or a long simulation never freezes the page. Bundled by scripts/build-web.ts.
 */
import { explainReport } from './explain-job.ts'
import { simulateScenario } from './simulate-job.ts'
import type { WebAnswer, WebRequest } from './protocol.ts'

interface WorkerScope {
  onmessage: ((e: { data: WebRequest }) => void) | null
  postMessage(a: WebAnswer): void
}

const scope = globalThis as unknown as WorkerScope

function answer(req: WebRequest): WebAnswer {
  const t0 = performance.now()
  if (req.kind === 'explain') {
    const r = explainReport(req.text, req.profile)
    return { id: req.id, ...r, ms: performance.now() - t0 }
  }
  const progress = (fraction: number): void =>
    scope.postMessage({ id: req.id, kind: 'progress', fraction })
  const r = simulateScenario(req.yaml, req.name, req.profile, progress)
  return r.kind === 'error'
    ? { id: req.id, ...r }
    : { id: req.id, ...r, ms: performance.now() - t0 }
}

scope.onmessage = e => {
  try {
    scope.postMessage(answer(e.data))
  } catch (error) {
    const message = String((error as Error).message)
    scope.postMessage({ id: e.data.id, kind: 'error', message, where: null, line: null, col: null })
  }
}
