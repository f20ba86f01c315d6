/**
 * @module The page's side of the worker: starts it from a Blob URL of its embedded code and
 * sends requests, keeping only the newest answer per kind (an older one is dropped), and calls
 * `onBusy` when a request has run for half a second.
 */
import type { WebAnswer, WebJob, WebRequest } from './protocol.ts'

type Kind = WebRequest['kind']
type Handler = (a: WebAnswer) => void

/** A worker that answers the newest request of each kind. */
export interface WorkerClient {
  send(req: WebJob, onAnswer: Handler, onBusy: () => void): void
}

export function startWorker(code: string): WorkerClient {
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }))
  const worker = new Worker(url)
  let next = 1
  const latest = new Map<Kind, { id: number; onAnswer: Handler; timer: number }>()
  worker.onmessage = (e: MessageEvent<WebAnswer>) => {
    for (const [kind, pending] of latest) {
      if (pending.id !== e.data.id) continue
      if (e.data.kind !== 'progress') {
        clearTimeout(pending.timer)
        latest.delete(kind)
      }
      pending.onAnswer(e.data)
    }
  }
  return {
    send(req, onAnswer, onBusy) {
      const id = next++
      const old = latest.get(req.kind)
      if (old) clearTimeout(old.timer)
      latest.set(req.kind, { id, onAnswer, timer: window.setTimeout(onBusy, 500) })
      const message: WebRequest = { ...req, id }
      worker.postMessage(message)
    }
  }
}
