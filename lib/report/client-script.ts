/**
 * The report page's own script (plain ES2017, runs in any current browser): draws one
 * uPlot chart per insight section from the page's JSON data, and sorts and filters the
 * sections and the overview bars. Kept as text here because it is inlined into the page,
 * not bundled; the browser test (`npm run test:browser`) runs it.
 *
 * When every chart is drawn it sets `data-charts-drawn` on `<html>` to their number, so
 * a test (or a person's devtools) can tell the page is complete.
 */
export const CLIENT_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var COLORS = { counts: '#1f6feb', countsFill: 'rgba(31,111,235,0.22)', expected: '#57606a', upper: '#2da44e', band: 'rgba(45,164,78,0.13)', window: 'rgba(207,34,46,0.14)', open: 'rgba(207,34,46,0.07)', edge: 'rgba(207,34,46,0.8)' };
  var charts = [];

  function shade(chart) {
    return function (u) {
      var left = u.valToPos(chart.start * 60, 'x', true);
      var right = u.valToPos((chart.open ? chart.until + 1 : chart.until) * 60, 'x', true);
      var ctx = u.ctx;
      ctx.save();
      var px = window.devicePixelRatio || 1;
      ctx.fillStyle = chart.open ? COLORS.open : COLORS.window;
      ctx.fillRect(left, u.bbox.top, Math.max(right - left, 4 * px), u.bbox.height);
      // Start (and End) as lines too: a one-minute insight over seven hours is a sliver.
      ctx.fillStyle = COLORS.edge;
      ctx.fillRect(left - px, u.bbox.top, px, u.bbox.height);
      if (!chart.open) ctx.fillRect(Math.max(right, left + 4 * px), u.bbox.top, px, u.bbox.height);
      ctx.restore();
    };
  }

  // The stored encodings (lib/insights/run-length.ts): -k is k zero minutes; [value, run] pairs.
  function zeroRuns(encoded) {
    var out = [];
    encoded.forEach(function (entry) { if (entry >= 0) out.push(entry); else for (var k = 0; k < -entry; k++) out.push(0); });
    return out;
  }
  function valueRuns(encoded) {
    var out = [];
    for (var i = 0; i < encoded.length; i += 2) for (var k = 0; k < encoded[i + 1]; k++) out.push(encoded[i]);
    return out;
  }

  function draw(section, insight) {
    var chart = { from: insight.chart.from, start: insight.chart.start, until: insight.chart.until, open: insight.chart.open, source: insight.chart.source,
      counts: zeroRuns(insight.chart.counts), expected: valueRuns(insight.chart.expected), upper: valueRuns(insight.chart.upper) };
    var host = section.querySelector('.chart');
    var x = new Array(chart.counts.length);
    for (var i = 0; i < x.length; i++) x[i] = (chart.from + i) * 60;
    var averages = chart.source === 'averages';
    var opts = {
      width: Math.max(320, host.clientWidth || 800),
      height: 220,
      // UTC, as every time on the page (uPlot shows the viewer's local time otherwise).
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); },
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } } },
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        {},
        { label: averages ? 'average events/min (record)' : 'events/min', stroke: COLORS.counts, fill: COLORS.countsFill, width: 1.5, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } },
        { label: averages ? 'baseline average' : 'expected', stroke: COLORS.expected, dash: [4, 4], width: 1, points: { show: false } },
        { label: 'normal up to', stroke: COLORS.upper, width: 1, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false }, show: !averages }
      ],
      bands: averages ? [] : [{ series: [3, 2], fill: COLORS.band }],
      axes: [{}, { label: 'events / min', size: 50 }],
      hooks: { drawClear: [shade(chart)] }
    };
    charts.push(new uPlot(opts, [x, chart.counts, chart.expected, chart.upper], host));
  }

  var byId = {};
  data.insights.forEach(function (insight) { byId[insight.id] = insight; });
  var sections = Array.prototype.slice.call(document.querySelectorAll('section[data-insight-id]'));
  sections.forEach(function (section) { draw(section, byId[section.getAttribute('data-insight-id')]); });
  document.documentElement.setAttribute('data-charts-drawn', String(charts.length));

  window.addEventListener('resize', function () {
    charts.forEach(function (u) { u.setSize({ width: Math.max(320, u.root.parentNode.clientWidth || 800), height: 220 }); });
  });

  var list = document.getElementById('insights');
  var controls = { account: 'f-account', region: 'f-region', type: 'f-type', api: 'f-api', sort: 'sort' };
  function value(name) { var el = document.getElementById(controls[name]); return el ? el.value : ''; }
  var SORTS = {
    start: function (a, b) { return a.start - b.start; },
    severity: function (a, b) { return b.severity - a.severity || a.start - b.start; },
    events: function (a, b) { return b.totalEvents - a.totalEvents || a.start - b.start; },
    api: function (a, b) { return a.api < b.api ? -1 : a.api > b.api ? 1 : a.start - b.start; },
    where: function (a, b) { var x = a.account + a.region, y = b.account + b.region; return x < y ? -1 : x > y ? 1 : a.start - b.start; }
  };
  function apply() {
    var account = value('account'), region = value('region'), type = value('type'), api = value('api').toLowerCase();
    var shown = 0;
    var ordered = sections.slice().sort(function (a, b) {
      return SORTS[value('sort') || 'start'](byId[a.getAttribute('data-insight-id')], byId[b.getAttribute('data-insight-id')]);
    });
    ordered.forEach(function (section) {
      var insight = byId[section.getAttribute('data-insight-id')];
      var visible = (!account || insight.account === account) && (!region || insight.region === region) &&
        (!type || insight.kind === type) && (!api || insight.api.toLowerCase().indexOf(api) >= 0);
      section.hidden = !visible;
      if (visible) shown++;
      var bar = document.querySelector('.overview rect[data-insight-id="' + insight.id + '"]');
      if (bar) bar.classList.toggle('dimmed', !visible);
      list.appendChild(section);
    });
    var count = document.getElementById('shown');
    if (count) count.textContent = String(shown);
  }
  Object.keys(controls).forEach(function (name) {
    var el = document.getElementById(controls[name]);
    if (el) el.addEventListener(el.tagName === 'INPUT' ? 'input' : 'change', apply);
  });
})();
`;
