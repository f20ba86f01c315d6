/**
 * @module The script inlined into a simulation report (plain ES2017, runs in the browser):
 * draws the uPlot charts from the page's JSON data with the theme's colours, draws the event
 * markers on every chart, places the OOM marker buttons over the time axis, and shows an OOM's
 * ranking when its marker is clicked or activated from the keyboard. Zoom (drag) and the
 * cursor are synced across charts; a double click resets the zoom.
 *
 * Kept as a string: the project compiles without DOM types and the page must not load modules.
 */
import { SIZE_UNIT_NAMES } from '../units.ts'

/** The browser script. Expects `window.uPlot` and `<script id="oomkit-data">` JSON. */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var dataEl = document.getElementById('oomkit-data');
  if (!dataEl) return;
  var data = JSON.parse(dataEl.textContent || '{}');
  var markers = data.markers || [];
  var charts = [];
  var selected = -1;
  var syncing = false;
  var MARKER_VARS = {
    reclaim: '--m-reclaim', 'alloc-fail': '--m-alloc-fail', oom: '--m-oom',
    kill: '--m-kill', reaper: '--m-reaper', panic: '--m-panic'
  };

  function css(name) {
    var v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return v || '#888888';
  }
  function alpha(color, a) {
    var m = /^#([0-9a-f]{6})$/i.exec(color);
    if (!m) return color;
    var n = parseInt(m[1], 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }
  // formatSize() of src/units.ts, in the browser (tests/units.test.ts holds them equal).
  var SIZE_UNITS = ${JSON.stringify(SIZE_UNIT_NAMES)};
  function fmtBytes(bytes) {
    var sign = bytes < 0 ? '-' : '';
    var v = Math.abs(bytes), u = 0;
    while (v >= 1024 && u < SIZE_UNITS.length - 1) { v /= 1024; u++; }
    var digits = u === 0 || v % 1 === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2;
    return sign + v.toFixed(digits) + ' ' + SIZE_UNITS[u];
  }
  function fmtKb(kb) {
    if (kb == null || isNaN(kb)) return '–';
    return fmtBytes(kb * 1024);
  }
  function fmtSec(s) {
    if (s == null || isNaN(s)) return '–';
    return (Math.abs(s) >= 100 ? s.toFixed(1) : Math.abs(s) >= 1 ? s.toFixed(3) : s.toFixed(4)) + ' s';
  }
  // y ticks at round binary sizes (kB values: 1 KiB .. 1 PiB in powers of two), so an axis reads
  // 64 MiB, 128 MiB, 192 MiB rather than 195 or 391 MiB.
  var BINARY_INCRS = [];
  for (var p2 = 0; p2 <= 40; p2++) BINARY_INCRS.push(Math.pow(2, p2));
  function fmtTick(s) {
    var r = Math.round(s * 1000) / 1000;
    return r + ' s';
  }

  function markerPlugin() {
    return {
      hooks: {
        draw: function (u) {
          var ctx = u.ctx, b = u.bbox, dpr = window.devicePixelRatio || 1;
          ctx.save();
          ctx.beginPath();
          ctx.rect(b.left, b.top, b.width, b.height);
          ctx.clip();
          var colors = {};
          Object.keys(MARKER_VARS).forEach(function (k) { colors[k] = css(MARKER_VARS[k]); });
          for (var i = 0; i < markers.length; i++) {
            var m = markers[i];
            var x = Math.round(u.valToPos(m.timeSec, 'x', true));
            if (x < b.left - 1 || x > b.left + b.width + 1) continue;
            var strong = m.oom !== null && m.oom === selected && (m.kind === 'oom' || m.kind === 'kill');
            ctx.strokeStyle = colors[m.kind] || '#888888';
            ctx.lineWidth = (m.kind === 'reclaim' ? 1 : strong ? 3 : 1.5) * dpr;
            ctx.setLineDash(m.kind === 'reaper' ? [4 * dpr, 3 * dpr] : m.kind === 'alloc-fail' ? [2 * dpr, 2 * dpr] : []);
            ctx.beginPath();
            var top = m.kind === 'reclaim' ? b.top + b.height - 10 * dpr : b.top;
            ctx.moveTo(x + 0.5, top);
            ctx.lineTo(x + 0.5, b.top + b.height);
            ctx.stroke();
          }
          ctx.restore();
        }
      }
    };
  }

  // Log axis: keep one label every few powers of two so labels do not collide.
  function logFilter(u, splits) {
    var px = u.bbox.height / (window.devicePixelRatio || 1);
    var every = Math.max(1, Math.ceil(splits.length * 18 / Math.max(px, 1)));
    return splits.map(function (v, i) {
      var p = Math.round(Math.log2(v));
      return p % every === 0 ? v : null;
    });
  }

  function stack(values) {
    var out = [], acc = null;
    for (var i = 0; i < values.length; i++) {
      var row = values[i], next = new Array(row.length);
      for (var j = 0; j < row.length; j++) {
        var below = acc ? acc[j] : 0;
        next[j] = (row[j] == null ? 0 : row[j]) + (below == null ? 0 : below);
      }
      out.push(next);
      acc = next;
    }
    return out;
  }

  function build(spec, el) {
    var width = Math.max(el.clientWidth, 280);
    var muted = css('--muted'), grid = css('--grid');
    var raws = spec.series.map(function (s) { return s.values; });
    var ys = spec.stacked ? stack(raws) : raws;
    if (spec.log) {
      ys = ys.map(function (col) {
        return col.map(function (v) { return v == null ? null : Math.max(v, 1); });
      });
    }
    var order = spec.series.map(function (_, i) { return i; });
    if (spec.stacked) order.reverse();
    var series = [{ label: 'time', value: function (u, v) { return fmtSec(v); } }];
    var plotData = [spec.x];
    order.forEach(function (i) {
      var s = spec.series[i];
      var color = css(s.color);
      series.push({
        label: s.label,
        stroke: color,
        width: s.width || 1.5,
        dash: s.dash || undefined,
        fill: spec.stacked ? alpha(color, 0.55) : s.fill ? alpha(color, 0.12) : undefined,
        points: { show: false },
        spanGaps: false,
        value: function (u, v, si, idx) { return idx == null ? '–' : fmtKb(raws[i][idx]); }
      });
      plotData.push(ys[i]);
    });
    var axis = {
      stroke: muted,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 }
    };
    var opts = {
      width: width,
      height: spec.height || 200,
      series: series,
      scales: {
        x: { time: false },
        y: spec.log
          ? { distr: 3, log: 2 }
          : { range: function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; } }
      },
      axes: [
        Object.assign({}, axis, { values: function (u, splits) { return splits.map(fmtTick); } }),
        Object.assign({}, axis, {
          size: 72,
          incrs: spec.log ? undefined : BINARY_INCRS,
          values: function (u, splits) { return splits.map(function (v) { return v == null ? null : fmtKb(v); }); },
          filter: spec.log ? logFilter : undefined
        })
      ],
      cursor: { sync: { key: 'oomkit' }, drag: { x: true, y: false } },
      legend: { live: true },
      plugins: [markerPlugin()],
      hooks: {
        setScale: [function (u, key) {
          if (key !== 'x' || syncing) return;
          syncing = true;
          var min = u.scales.x.min, max = u.scales.x.max;
          charts.forEach(function (o) { if (o !== u) o.setScale('x', { min: min, max: max }); });
          syncing = false;
          placeRail();
        }]
      }
    };
    el.innerHTML = '';
    var u = new uPlot(opts, plotData, el);
    el.setAttribute('data-rendered', String(spec.x.length));
    return u;
  }

  function buildAll() {
    charts.forEach(function (u) { u.destroy(); });
    charts = [];
    (data.charts || []).forEach(function (spec) {
      var el = document.getElementById(spec.id);
      if (el) charts.push(build(spec, el));
    });
    placeRail();
  }

  var rail = document.getElementById('oom-rail');
  var buttons = Array.prototype.slice.call(document.querySelectorAll('button.marker'));
  var pickers = Array.prototype.slice.call(document.querySelectorAll('button[data-select-oom][aria-pressed]'));
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.oom[data-hideable]'));
  var hint = document.getElementById('inspector-hint');

  function placeRail() {
    if (!rail || charts.length === 0) return;
    var u = charts[0];
    var over = u.over.getBoundingClientRect();
    var base = rail.getBoundingClientRect();
    rail.classList.add('placed');
    var items = Array.prototype.slice.call(rail.querySelectorAll('li'));
    var lanes = [];
    items.forEach(function (li) {
      var t = parseFloat(li.getAttribute('data-time'));
      var x = over.left - base.left + u.valToPos(t, 'x');
      var inside = x >= over.left - base.left - 1 && x <= over.right - base.left + 1;
      li.style.display = inside ? '' : 'none';
      if (!inside) return;
      var w = li.offsetWidth || 40;
      var lane = 0;
      while (lane < lanes.length && lanes[lane] > x - w / 2 - 4) lane++;
      lanes[lane] = x + w / 2;
      li.style.left = x + 'px';
      li.style.top = lane * 32 + 'px';
    });
    rail.style.height = Math.max(1, lanes.length) * 32 + 'px';
  }

  function select(i, focus, quiet) {
    selected = i;
    var shown = null;
    sections.forEach(function (sec) {
      var on = Number(sec.getAttribute('data-oom')) === i;
      sec.hidden = !on;
      if (on) shown = sec;
    });
    if (hint) hint.hidden = shown !== null;
    pickers.forEach(function (b) {
      b.setAttribute('aria-pressed', String(Number(b.getAttribute('data-select-oom')) === i));
    });
    charts.forEach(function (u) { u.redraw(false, false); });
    if (shown && focus) {
      var h = shown.querySelector('h3');
      shown.scrollIntoView({ block: 'start' });
      if (h) h.focus({ preventScroll: true });
    }
    if (shown && !quiet) {
      try { history.replaceState(null, '', '#' + shown.id); } catch (e) { /* file:// in some browsers */ }
    }
  }

  document.addEventListener('click', function (ev) {
    var t = ev.target;
    var btn = t && t.closest ? t.closest('[data-select-oom]') : null;
    if (btn) {
      ev.preventDefault();
      select(Number(btn.getAttribute('data-select-oom')), true);
      return;
    }
    var back = t && t.closest ? t.closest('[data-back-to]') : null;
    if (back) {
      ev.preventDefault();
      var target = document.querySelector('button.marker[data-oom="' + back.getAttribute('data-back-to') + '"]');
      if (target) { target.scrollIntoView({ block: 'center' }); target.focus({ preventScroll: true }); }
    }
  });

  if (rail) {
    rail.addEventListener('keydown', function (ev) {
      var k = ev.key;
      if (k !== 'ArrowLeft' && k !== 'ArrowRight' && k !== 'Home' && k !== 'End') return;
      var visible = buttons.filter(function (b) { return b.offsetParent !== null; });
      var at = visible.indexOf(document.activeElement);
      if (at < 0) return;
      var next = k === 'Home' ? 0 : k === 'End' ? visible.length - 1 :
        Math.max(0, Math.min(visible.length - 1, at + (k === 'ArrowRight' ? 1 : -1)));
      visible[next].focus();
      ev.preventDefault();
    });
  }

  sections.forEach(function (sec) { sec.hidden = true; });
  if (hint) hint.hidden = false;
  buildAll();
  var m = /^#oom-(\d+)$/.exec(location.hash);
  if (m) {
    var idx = -1;
    sections.forEach(function (sec) { if (sec.id === 'oom-' + m[1]) idx = Number(sec.getAttribute('data-oom')); });
    if (idx >= 0) select(idx, false);
  }
  // Open the first OOM rather than a placeholder (the hint stays for a run without one).
  if (selected < 0 && sections.length > 0) select(0, false, true);

  var pending = false;
  function onResize() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      charts.forEach(function (u) {
        var el = u.root.parentNode;
        var w = Math.max(el.clientWidth, 280);
        if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height: u.height });
      });
      placeRail();
    });
  }
  if (window.ResizeObserver) {
    var main = document.getElementById('charts');
    if (main) new ResizeObserver(onResize).observe(main);
  } else {
    window.addEventListener('resize', onResize);
  }
  if (window.matchMedia) {
    var mq = window.matchMedia('(prefers-color-scheme: dark)');
    if (mq.addEventListener) mq.addEventListener('change', buildAll);
  }
  window.__oomkit = { charts: function () { return charts; }, select: select };
})();
`
