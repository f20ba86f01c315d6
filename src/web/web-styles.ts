/** @module The web page's own styles, on top of the report stylesheet (src/html/styles.ts). */
export const WEB_CSS = `
.card { margin: 16px 0; }
textarea { width: 100%; box-sizing: border-box; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace;
  background: var(--surface); color: var(--text); border: 1px solid var(--border); border-radius: 6px; padding: 6px; }
textarea.drag { outline: 2px dashed var(--accent); }
.controls { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 8px 0; }
select, button, input { font: inherit; color: var(--text); background: var(--surface-2); border: 1px solid var(--border); border-radius: 6px; padding: 4px 8px; }
button:focus-visible, select:focus-visible, textarea:focus-visible, pre.out:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
.editor { display: flex; align-items: stretch; }
#gutter { margin: 0; padding: 7px 6px; text-align: right; color: var(--muted); user-select: none;
  font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; overflow: hidden; min-width: 3ch; }
#gutter .bad { color: var(--victim-fg); font-weight: 700; }
.editor textarea { flex: 1; resize: vertical; white-space: pre; overflow: auto; }
pre.out { max-height: 28em; overflow: auto; background: var(--surface-2); padding: 8px; border-radius: 6px; font-size: 12px; }
.error { color: var(--victim-fg); font-weight: 600; display: block; text-align: left; }
.error[hidden] { display: none; }
.victims li { margin: 2px 0; }
progress { width: 10em; height: 0.9em; accent-color: var(--accent); }
.cap { border-left: 4px solid var(--m-alloc-fail); background: var(--surface-2); padding: 8px 12px; border-radius: 6px; }
.cap[hidden] { display: none; }
a.kfn { color: inherit; text-decoration: none; }
a.kfn::after { content: "  \\2190 " attr(data-fn); color: var(--accent); font-size: 0.92em; }
a.kfn:hover, a.kfn:focus-visible { text-decoration: underline; background: var(--log-summary); }
a.kfn:focus-visible { outline: 2px solid var(--focus); outline-offset: 0; }
.report-frame { width: 100%; border: 0; display: block; margin-top: 12px; min-height: 120px; }
.report-frame[hidden] { display: none; }
#explain-report:empty { display: none; }
#explain-report { margin-top: 12px; }
[data-state="busy"]::before { content: "\\231B  "; }
`
