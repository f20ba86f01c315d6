/**
 * @module The web page's document: the report stylesheet, two panels (explain a pasted report;
 * edit and simulate a scenario), the data island (worker code, examples, profiles) and the page
 * script. Pure: the bundled scripts are passed in as text.
 */
import { escapeHtml, inlineSafe, jsonForScript } from '../html/escape.ts'
import { PAGE_CSS } from '../html/styles.ts'
import type { WebPageData } from './page-data.ts'
import { WEB_CSS } from './web-styles.ts'

function options(values: readonly string[], first: string): string {
  const rest = values.map(v => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`)
  return `<option value="">${escapeHtml(first)}</option>${rest.join('')}`
}

function explainPanel(data: WebPageData): string {
  return (
    `<section class="card" aria-labelledby="explain-h"><h2 id="explain-h">Explain an OOM report</h2>` +
    `<p class="muted">Paste kernel log text (dmesg, syslog, journalctl) or drop a file on the box. Nothing leaves this page.</p>` +
    `<textarea id="report" rows="10" spellcheck="false" aria-label="OOM report text"></textarea>` +
    `<div class="controls"><label>File <input type="file" id="report-file"></label>` +
    `<label>Profile <select id="explain-profile">${options(data.profiles, 'guess from the report')}</select></label>` +
    `<button type="button" id="explain-run">Explain</button>` +
    `<span id="explain-status" role="status" data-state="idle" data-progress="explain-progress"></span>` +
    `<progress id="explain-progress" max="1" hidden aria-label="Explaining the report"></progress></div>` +
    `<ol id="explain-victims" class="victims" aria-label="OOM victims"></ol>` +
    `<pre id="explain-text" class="out" tabindex="0" aria-label="Explanation; Arrow Down and Up move between the kernel function links"></pre>` +
    `<div id="explain-report" class="report"></div></section>`
  )
}

function simulatePanel(data: WebPageData): string {
  return (
    `<section class="card" aria-labelledby="sim-h"><h2 id="sim-h">Simulate a scenario</h2>` +
    `<div class="controls"><label>Example <select id="example">${options(
      data.examples.map(e => e.name),
      'choose an example'
    )}</select></label>` +
    `<label>Profile <select id="sim-profile">${options(data.profiles, "the scenario's own")}</select></label>` +
    `<button type="button" id="sim-run">Simulate</button>` +
    `<span id="sim-status" role="status" data-state="idle" data-progress="sim-progress"></span>` +
    `<progress id="sim-progress" max="1" hidden aria-label="Simulation progress"></progress></div>` +
    `<div class="editor"><pre id="gutter" aria-hidden="true">1</pre>` +
    `<textarea id="scenario" rows="18" spellcheck="false" aria-label="Scenario YAML" aria-describedby="sim-error"></textarea></div>` +
    `<p class="muted">Ctrl+Enter runs; click the error to jump to its line. Each log line links to the kernel function that printed it.</p>` +
    `<button type="button" id="sim-error" class="error" role="alert" hidden></button>` +
    `<p id="sim-cap" class="cap" role="alert" hidden></p>` +
    `<pre id="sim-log" class="out" tabindex="0" aria-label="Simulated kernel log; Arrow Down and Up move between the kernel function links"></pre>` +
    `<iframe id="sim-report" class="report-frame" title="Charts and OOM rankings of the simulation" hidden></iframe></section>`
  )
}

/** The whole self-contained document. */
export function renderWebPage(data: WebPageData, pageJs: string): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="color-scheme" content="light dark">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' blob:; worker-src blob:; style-src 'unsafe-inline'; img-src data:">` +
    `<title>oomkit in the browser</title><style>${PAGE_CSS}${WEB_CSS}</style></head>` +
    `<body><a class="skip" href="#main">Skip to content</a><div class="wrap">` +
    `<header class="page"><span class="brand">oomkit</span><h1>The OOM killer, offline, in one page</h1></header>` +
    `<main id="main">${explainPanel(data)}${simulatePanel(data)}</main>` +
    `<footer>A self-contained page: no network access; the engine runs in a Web Worker.</footer></div>` +
    `<script type="application/json" id="oomkit-web-data">${jsonForScript(data)}</script>` +
    `<script>${inlineSafe(pageJs, 'script')}</script></body></html>\n`
  )
}
