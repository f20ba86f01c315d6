/**
 * @module A panel's status line and progress bar: "queued", "busy" (the bar shows once a job has
 * run for half a second, with the fraction done when the worker reports one), "done", "error".
 */

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T

/** Set the status element `id` to `state` with `text`; any state but busy hides the bar. */
export function setStatus(id: string, state: string, text: string): void {
  const el = $(id)
  el.dataset.state = state
  el.textContent = text
  if (state !== 'busy') {
    const bar =
      el.dataset.progress === undefined ? null : $<HTMLProgressElement>(el.dataset.progress)
    if (bar !== null) bar.hidden = true
  }
}

/**
 * Show the progress bar of status `id`: `fraction` (0..1) when known, else an indeterminate bar;
 * the status text says what runs and how far it is.
 */
export function showProgress(id: string, what: string, fraction: number | null): void {
  const status = $(id)
  const bar = $<HTMLProgressElement>(status.dataset.progress ?? '')
  status.dataset.state = 'busy'
  bar.hidden = false
  if (fraction === null) {
    bar.removeAttribute('value')
    status.textContent = `${what}…`
  } else {
    bar.value = fraction
    status.textContent = `${what}… ${(fraction * 100).toFixed(0)}%`
  }
}
