/**
 * @module The simulation page of the HTML report (src/html: uPlot charts of zone, page-cache and
 * memcg memory over time with their event markers, and each OOM's ranking with score parts)
 * inside the web page, as the document of an iframe: the report's own script then runs as it
 * does in `oomkit simulate --html`, apart from the page around it. Pure: returns the document.
 */
import { CLIENT_SCRIPT } from '../html/client-script.ts'
import { inlineSafe, jsonForScript } from '../html/escape.ts'
import type { HtmlAssets } from '../html/page-model.ts'
import { PAGE_CSS } from '../html/styles.ts'
import type { SimulationReport } from './protocol.ts'

/** The frame's own styles: no page margin of its own, the card look of the page around it. */
const FRAME_CSS = `
body { background: transparent; }
.wrap { padding: 0; max-width: none; }
`

/** The iframe document for a simulation's charts and OOM sections. */
export function reportFrameDocument(report: SimulationReport, assets: HtmlAssets): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="color-scheme" content="light dark">` +
    `<style>${inlineSafe(assets.uplotCss, 'style')}</style>` +
    `<style>${inlineSafe(PAGE_CSS + FRAME_CSS, 'style')}</style></head>` +
    `<body><div class="wrap"><main id="main">${report.body}</main></div>` +
    `<script type="application/json" id="oomkit-data">${jsonForScript(report.data)}</script>` +
    `<script>${inlineSafe(assets.uplotJs, 'script')}</script>` +
    `<script>${inlineSafe(CLIENT_SCRIPT, 'script')}</script></body></html>\n`
  )
}

/** Show `doc` in `frame` and keep the frame as tall as its content (no inner scroll bar). */
export function showInFrame(frame: HTMLIFrameElement, doc: string): void {
  frame.hidden = false
  frame.onload = () => {
    const inner = frame.contentDocument
    if (inner === null) return
    const fit = (): void => {
      frame.style.height = `${inner.documentElement.scrollHeight}px`
    }
    fit()
    new ResizeObserver(fit).observe(inner.body)
  }
  frame.srcdoc = doc
}
