/**
 * @module The pages' stylesheet: light and dark themes from prefers-color-scheme via CSS
 * custom properties (the chart script reads the same properties), a single column on phones
 * and two columns from 900 px.
 */

/** The page CSS, inlined into every page. */
export const PAGE_CSS = `
:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --surface: #ffffff; --surface-2: #f0f2f5; --text: #1a1d23; --muted: #5c6573;
  --border: #dde1e6; --grid: rgba(26, 29, 35, 0.08); --accent: #1f5fd1; --focus: #1f5fd1;
  --c-free: #1f6fe5; --c-min: #d92d20; --c-low: #e08a00; --c-high: #12915a;
  --c-swap: #7a4dd6; --c-swap-total: #a3a9b3; --c-cache: #0f8f7e;
  --m-reclaim: rgba(100, 116, 139, 0.55); --m-reclaim-key: #64748b; --m-alloc-fail: #e08a00; --m-oom: #d92d20;
  --m-kill: #8f1d14; --m-reaper: #0f8f7e; --m-panic: #a21caf;
  --part-rss: #2f6fdf; --part-swap: #8457e0; --part-pgtables: #159a8c; --part-adjPlus: #e08a00;
  --victim-bg: rgba(217, 45, 32, 0.09); --victim-fg: #b42318;
  --log-invoked: rgba(224, 138, 0, 0.18); --log-killed: rgba(217, 45, 32, 0.18);
  --log-reaper: rgba(15, 143, 126, 0.18); --log-panic: rgba(162, 28, 175, 0.2);
  --log-summary: rgba(31, 95, 209, 0.14);
  --p0: #2f6fdf; --p1: #e0662f; --p2: #159a8c; --p3: #b83fb0; --p4: #c9a300;
  --p5: #5b8c2a; --p6: #8a5a44; --p7: #d6457a; --p8: #8e96a3;
  --radius: 10px; --shadow: 0 1px 2px rgba(16, 24, 40, 0.06), 0 1px 3px rgba(16, 24, 40, 0.08);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0e1116; --surface: #161a21; --surface-2: #1d222b; --text: #e5e8ed; --muted: #9aa3b0;
    --border: #2b313c; --grid: rgba(229, 232, 237, 0.09); --accent: #6ea2ff; --focus: #8fb8ff;
    --c-free: #5b9dff; --c-min: #ff6b5e; --c-low: #ffb340; --c-high: #3ccf8e;
    --c-swap: #b08cff; --c-swap-total: #6b7280; --c-cache: #3cd3bd;
    --m-reclaim: rgba(148, 163, 184, 0.55); --m-reclaim-key: #94a3b8; --m-alloc-fail: #ffb340; --m-oom: #ff6b5e;
    --m-kill: #ff9a8f; --m-reaper: #3cd3bd; --m-panic: #e879f9;
    --part-rss: #5b9dff; --part-swap: #b08cff; --part-pgtables: #3cc7b4; --part-adjPlus: #ffb340;
    --victim-bg: rgba(255, 107, 94, 0.13); --victim-fg: #ff8a7f;
    --log-invoked: rgba(255, 179, 64, 0.2); --log-killed: rgba(255, 107, 94, 0.24);
    --log-reaper: rgba(60, 211, 189, 0.2); --log-panic: rgba(232, 121, 249, 0.24);
    --log-summary: rgba(110, 162, 255, 0.18);
    --p0: #5b9dff; --p1: #ff8c5a; --p2: #3cc7b4; --p3: #e27ad9; --p4: #e6c84a;
    --p5: #8fcf5a; --p6: #c99a80; --p7: #ff7aa8; --p8: #8e96a3;
    --shadow: none;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
a { color: var(--accent); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
.wrap { max-width: 1240px; margin: 0 auto; padding: 20px 20px 48px; }
header.page { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; margin-bottom: 14px; }
header.page h1 { font-size: 1.5rem; margin: 0; letter-spacing: -0.01em; }
header.page .brand { color: var(--muted); font-weight: 600; font-size: 0.9rem; }
h2 { font-size: 1.15rem; margin: 0 0 10px; }
h3 { font-size: 1.08rem; margin: 0 0 10px; }
h4 { font-size: 0.82rem; margin: 14px 0 8px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
.card {
  background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius);
  box-shadow: var(--shadow); padding: 16px 18px; margin: 0 0 16px;
}
.muted { color: var(--muted); }
.sr-only {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 4px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 12px; top: 12px; background: var(--surface); padding: 6px 10px; z-index: 10; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 8px 16px; margin: 0 0 6px; }
dl.facts div { min-width: 0; }
dl.facts div.wide { grid-column: span 2; }
table.zones tbody th { white-space: nowrap; }
dl.facts dt { font-size: 0.75rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
dl.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
dl.facts-compact { grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); margin-top: 10px; }
dl.facts-compact dd { font-weight: 500; }
.charts-head { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: 8px; }
.chart-block { margin: 10px 0 18px; }
.chart-block h3 { font-size: 0.95rem; margin: 0 0 2px; }
.chart-block .sub { font-size: 0.82rem; color: var(--muted); margin: 0 0 4px; }
.zone-grid { display: grid; grid-template-columns: 1fr; gap: 0 24px; }
@media (min-width: 900px) { .zone-grid.multi { grid-template-columns: 1fr 1fr; } }
.chart { width: 100%; min-height: 60px; position: relative; }
.rail-wrap { position: relative; margin: 4px 0 2px; }
.rail { position: relative; display: flex; flex-wrap: wrap; gap: 6px; min-height: 30px; padding: 0; margin: 0; list-style: none; }
.rail.placed { display: block; }
.rail li { display: inline-block; }
.rail.placed li { position: absolute; top: 0; transform: translateX(-50%); }
.marker {
  font: 600 0.78rem/1 inherit; font-family: inherit; cursor: pointer; border-radius: 999px;
  border: 2px solid var(--m-oom); background: var(--surface); color: var(--m-oom);
  padding: 5px 9px; white-space: nowrap; min-width: 28px; min-height: 26px;
}
.marker:hover { background: var(--victim-bg); }
.marker[aria-pressed="true"] { background: var(--m-oom); color: var(--surface); }
.marker.kind-panic { border-color: var(--m-panic); color: var(--m-panic); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; list-style: none; padding: 0; margin: 8px 0 0; font-size: 0.8rem; color: var(--muted); }
.legend li { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; }
.swatch.line { height: 3px; border-radius: 2px; width: 16px; }
.swatch.tick-min, .swatch.tick-low, .swatch.tick-high { width: 3px; height: 14px; border-radius: 1px; }
.c-free { background: var(--c-free); }
.m-reclaim { background: var(--m-reclaim-key); }
.swatch.line.m-reclaim { width: 3px; height: 12px; border-radius: 1px; }
.m-alloc-fail { background: var(--m-alloc-fail); }
.m-oom { background: var(--m-oom); } .m-kill { background: var(--m-kill); }
.m-reaper { background: var(--m-reaper); } .m-panic { background: var(--m-panic); }
.oom-list { list-style: none; display: flex; flex-wrap: wrap; gap: 8px; padding: 0; margin: 0 0 12px; }
.oom-pick {
  font: inherit; font-size: 0.88rem; cursor: pointer; text-align: left; color: var(--text);
  background: var(--surface); border: 1px solid var(--border); border-left: 4px solid var(--m-oom);
  border-radius: 8px; padding: 7px 12px; box-shadow: var(--shadow);
}
.oom-pick:hover { background: var(--surface-2); }
.oom-pick[aria-pressed="true"] { background: var(--victim-bg); border-color: var(--m-oom); font-weight: 600; }
.inspector-hint { border: 1px dashed var(--border); border-radius: var(--radius); padding: 14px 16px; color: var(--muted); margin: 0 0 16px; }
.oom h3 { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
.oom-memory { display: grid; grid-template-columns: minmax(0, 1fr); gap: 0 28px; }
.oom-memory h4 { grid-column: 1 / -1; }
@media (min-width: 1000px) { .oom-memory { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); align-items: start; } .oom-memory dl.facts-compact { margin-top: 0; } }
.notes { margin: 6px 0; padding-left: 20px; color: var(--muted); font-size: 0.9rem; }
.table-scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: 0.88rem; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--border); vertical-align: middle; }
thead th { font-size: 0.74rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 600; white-space: nowrap; }
tbody th { font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.parts, th.parts { width: 38%; min-width: 140px; }
td.parts .muted { overflow-wrap: anywhere; }
.comm { overflow-wrap: anywhere; min-width: 90px; }
tr.victim { background: var(--victim-bg); }
tr.victim th, tr.victim td { color: var(--victim-fg); }
tr.victim th.comm { font-weight: 700; }
tr.ineligible { opacity: 0.65; }
.badge { display: inline-block; font-size: 0.68rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; padding: 1px 6px; border-radius: 999px; margin-left: 6px; vertical-align: 1px; }
.badge-victim { background: var(--m-oom); color: #fff; }
.bar { position: relative; display: flex; height: 14px; border-radius: 4px; background: var(--surface-2); overflow: hidden; }
.seg { display: block; height: 100%; }
.seg-rss { background: var(--part-rss); } .seg-swap { background: var(--part-swap); }
.seg-pgtables { background: var(--part-pgtables); } .seg-adjPlus { background: var(--part-adjPlus); }
.seg-minus, .swatch.seg-minus {
  background: repeating-linear-gradient(135deg, var(--surface) 0 3px, var(--muted) 3px 5px); opacity: 0.85;
}
.bar .seg-minus { position: absolute; top: 0; bottom: 0; }
.gauge-col { width: 42%; min-width: 150px; }
.gauge { position: relative; height: 14px; border-radius: 4px; background: var(--surface-2); margin: 2px 0; }
.gauge-fill { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 4px; background: var(--c-free); }
.gauge-fill.warn { background: var(--c-low); } .gauge-fill.crit { background: var(--c-min); }
.tick { position: absolute; top: -3px; bottom: -3px; width: 2px; margin-left: -1px; }
.tick-min { background: var(--c-min); } .tick-low { background: var(--c-low); } .tick-high { background: var(--c-high); }
details > summary { cursor: pointer; color: var(--accent); font-weight: 600; font-size: 0.88rem; margin: 10px 0 6px; }
pre.log {
  margin: 0; padding: 10px 12px; background: var(--surface-2); border: 1px solid var(--border);
  border-radius: 8px; font-size: 0.76rem; line-height: 1.45; max-height: 26rem; overflow: auto; white-space: pre;
}
pre.log mark { color: inherit; border-radius: 2px; display: inline-block; min-width: 100%; }
mark.log-invoked { background: var(--log-invoked); } mark.log-killed { background: var(--log-killed); font-weight: 700; }
mark.log-reaper { background: var(--log-reaper); } mark.log-panic { background: var(--log-panic); font-weight: 700; }
mark.log-summary { background: var(--log-summary); }
.events td.kind { white-space: nowrap; }
.events .dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 6px; }
.linkish { font: inherit; color: var(--accent); background: none; border: 0; padding: 0; cursor: pointer; text-decoration: underline; }
nav.toc ol { margin: 0; padding-left: 22px; columns: 2 280px; }
nav.toc li { margin: 2px 0; }
footer { color: var(--muted); font-size: 0.8rem; margin-top: 24px; }
.u-legend { font-size: 0.78rem !important; color: var(--text); }
.u-legend .u-marker { border-radius: 2px; }
.uplot { font-family: inherit !important; }
@media (max-width: 600px) {
  .wrap { padding: 12px 10px 36px; }
  .card { padding: 12px 12px; }
  body { font-size: 14px; }
  header.page h1 { font-size: 1.25rem; }
  dl.facts { grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); }
  table { font-size: 0.8rem; }
  th, td { padding: 4px 4px; }
  table.ranking td.parts, table.ranking th.parts { min-width: 64px; width: 26%; }
  table.ranking th.parts { white-space: normal; }
  .comm { min-width: 64px; }
  .badge { margin-left: 0; }
  table.zones .gauge-col, .mem-zones .legend { display: none; }
}
@media print {
  .marker, .skip { display: none; }
  [data-hideable] { display: block !important; }
}
`
