/**
 * @module Showing kernel log lines and explanation lines with a link each to the kernel function
 * that produced it (the table in kernel-functions.ts). The element's text stays exactly the lines
 * (the function's name is drawn by CSS), so copying the log copies what the kernel printed.
 * Keyboard: the block is one Tab stop; Arrow Down / Up walk its links, Enter opens one.
 */
import { kernelFunctionOf, kernelFunctionUrl, type KernelFunctionRow } from './kernel-functions.ts'

function link(text: string, row: KernelFunctionRow): HTMLAnchorElement {
  const a = document.createElement('a')
  a.className = 'kfn'
  a.href = kernelFunctionUrl(row.fn)
  a.target = '_blank'
  a.rel = 'noopener noreferrer'
  a.tabIndex = -1
  a.dataset.fn = `${row.fn}()`
  a.title = `${row.kind === 'log' ? 'printed' : 'decided'} by ${row.fn}() in ${row.file}`
  a.textContent = text
  return a
}

/** Fill `block` with `lines`, each linked to its kernel function when the table knows it. */
export function showLinkedLines(
  block: HTMLElement,
  lines: readonly string[],
  kind: KernelFunctionRow['kind']
): void {
  const frag = document.createDocumentFragment()
  lines.forEach((text, i) => {
    if (i > 0) frag.append('\n')
    const row = kernelFunctionOf(kind, text)
    frag.append(row === null ? text : link(text, row))
  })
  block.replaceChildren(frag)
}

/** Arrow Down / Up inside `block` move the focus between its links. */
export function walkLinksWithArrows(block: HTMLElement): void {
  block.addEventListener('keydown', e => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    const links = Array.from(block.querySelectorAll<HTMLAnchorElement>('a.kfn'))
    if (links.length === 0) return
    const at = links.indexOf(document.activeElement as HTMLAnchorElement)
    const next =
      at < 0
        ? e.key === 'ArrowDown'
          ? 0
          : links.length - 1
        : Math.max(0, Math.min(links.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))
    e.preventDefault()
    links[next]?.focus()
  })
}
