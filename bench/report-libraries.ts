/**
 * Which charting library the report inlines: uPlot, ECharts or Vega-Lite, measured on the
 * report's own job — one chart per insight of per-minute counts, expected rate, the band
 * above it and the insight window shaded — with the sample trail's real insights (11, and
 * 30 copies of them: 330).
 *
 *   npx tsx bench/report-libraries.ts [--runs 3] [--trail events/sample-trail]
 *
 * Prints, per library: the bytes it adds to every report (raw and gzip) and the time from
 * navigation to every chart drawn in headless Debian Chromium (median of --runs), as
 * milliseconds and as a ratio to uPlot. Numbers depend on the machine; the ratios and
 * sizes are what the choice rests on. The report itself: bench/report-size.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { contextChart } from '../lib/insights/context.js';
import { jsonForScript, scriptSource } from '../lib/report/html.js';
import { launchChromium } from '../test/support/chromium.js';
import { replicateInsights } from '../test/support/report-data.js';
import { drawTime } from './report/draw-time.js';
import { trailInsights } from './report/sample-insights.js';

// From the repository's node_modules: some of these packages export no file paths.
const NODE_MODULES = fileURLToPath(new URL('../node_modules/', import.meta.url));
const read = (path: string): string => readFileSync(join(NODE_MODULES, path), 'utf8');

interface Chart {
  from: number;
  counts: number[];
  expected: number[];
  upper: number[];
  start: number;
  until: number;
}

interface Library {
  name: string;
  /** Everything inlined into the page for this library. */
  scripts: string[];
  styles: string[];
  /** Page script: draws every chart of `window.CHARTS` into `.chart` divs, then calls `window.done()`. */
  draw: string;
}

const LIBRARIES: Library[] = [
  {
    name: 'uPlot 1.6',
    scripts: [read('uplot/dist/uPlot.iife.min.js')],
    styles: [read('uplot/dist/uPlot.min.css')],
    draw: `
      CHARTS.forEach(function (c, k) {
        var x = c.counts.map(function (_, i) { return (c.from + i) * 60; });
        new uPlot({ width: 900, height: 220, scales: { x: { time: true } },
          series: [{}, { stroke: '#1f6feb', fill: 'rgba(31,111,235,.2)', paths: uPlot.paths.stepped({ align: 1 }) }, { stroke: '#57606a', dash: [4, 4] }, { stroke: '#2da44e' }],
          bands: [{ series: [3, 2], fill: 'rgba(45,164,78,.13)' }],
          hooks: { drawClear: [function (u) { var l = u.valToPos(c.start * 60, 'x', true), r = u.valToPos(c.until * 60, 'x', true); u.ctx.fillStyle = 'rgba(207,34,46,.14)'; u.ctx.fillRect(l, u.bbox.top, Math.max(r - l, 4), u.bbox.height); }] }
        }, [x, c.counts, c.expected, c.upper], document.getElementById('c' + k));
      });
      done();`,
  },
  {
    name: 'ECharts 6',
    scripts: [read('echarts/dist/echarts.min.js')],
    styles: [],
    draw: `
      CHARTS.forEach(function (c, k) {
        var el = document.getElementById('c' + k); el.style.width = '900px'; el.style.height = '220px';
        var x = c.counts.map(function (_, i) { return (c.from + i) * 60000; });
        var pairs = function (ys) { return ys.map(function (y, i) { return [x[i], y]; }); };
        var chart = echarts.init(el, null, { renderer: 'canvas' });
        chart.setOption({ animation: false, xAxis: { type: 'time' }, yAxis: { type: 'value' },
          series: [
            { type: 'line', step: 'end', symbol: 'none', data: pairs(c.counts), areaStyle: { opacity: .2 },
              markArea: { itemStyle: { color: 'rgba(207,34,46,.14)' }, data: [[{ xAxis: c.start * 60000 }, { xAxis: c.until * 60000 }]] } },
            { type: 'line', symbol: 'none', stack: 'band', data: pairs(c.expected), lineStyle: { type: 'dashed' } },
            { type: 'line', symbol: 'none', stack: 'band', data: pairs(c.upper.map(function (u, i) { return u - c.expected[i]; })), areaStyle: { opacity: .13 } }
          ] });
      });
      done();`,
  },
  {
    name: 'Vega-Lite 5 (vega 5 + vega-embed 6)',
    scripts: [read('vega/build/vega.min.js'), read('vega-lite/build/vega-lite.min.js'), read('vega-embed/build/vega-embed.min.js')],
    styles: [],
    draw: `
      Promise.all(CHARTS.map(function (c, k) {
        var values = c.counts.map(function (n, i) { return { t: (c.from + i) * 60000, n: n, e: c.expected[i], u: c.upper[i] }; });
        return vegaEmbed('#c' + k, { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', width: 900, height: 220,
          data: { values: values }, encoding: { x: { field: 't', type: 'temporal' } },
          layer: [
            { data: { values: [{ a: c.start * 60000, b: c.until * 60000 }] }, mark: { type: 'rect', color: 'rgba(207,34,46,.14)' }, encoding: { x: { field: 'a', type: 'temporal' }, x2: { field: 'b' } } },
            { mark: { type: 'area', opacity: .13, color: '#2da44e' }, encoding: { y: { field: 'e', type: 'quantitative' }, y2: { field: 'u' } } },
            { mark: { type: 'line', strokeDash: [4, 4], color: '#57606a' }, encoding: { y: { field: 'e', type: 'quantitative' } } },
            { mark: { type: 'line', interpolate: 'step-after', color: '#1f6feb' }, encoding: { y: { field: 'n', type: 'quantitative' } } }
          ] }, { renderer: 'canvas', actions: false });
      })).then(done);`,
  },
];

function page(library: Library, charts: readonly Chart[]): string {
  const divs = charts.map((_, k) => `<div class="chart" id="c${k}"></div>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>${library.styles.join('')}</style></head><body>${divs}
<script>window.CHARTS = ${jsonForScript(charts)}; window.done = function () { requestAnimationFrame(function () { window.DRAWN = performance.now(); }); };</script>
${library.scripts.map((script) => `<script>${scriptSource(script)}</script>`).join('\n')}
<script>${library.draw}</script></body></html>`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, trail: { type: 'string', default: 'events/sample-trail' } } });
  const runs = Number(values.runs);
  const sample = await trailInsights([values.trail!]);
  const many = replicateInsights(sample.records, sample.contexts, 30);
  const chartsOf = (contexts: typeof sample.contexts): Chart[] =>
    contexts.map((context) => {
      const chart = contextChart(context);
      const start = Date.parse(context.start) / 60_000;
      return { ...chart, start, until: context.end ? Date.parse(context.end) / 60_000 : chart.from + chart.counts.length - 1 };
    });
  const sets = [
    { label: `${sample.contexts.length} charts`, charts: chartsOf(sample.contexts) },
    { label: `${many.contexts.length} charts`, charts: chartsOf(many.contexts) },
  ];

  const dir = mkdtempSync(join(tmpdir(), 'report-libraries-'));
  const browser = await launchChromium();
  try {
    const rows: Array<{ name: string; bytes: number; gzip: number; times: number[] }> = [];
    for (const library of LIBRARIES) {
      const inlined = [...library.scripts, ...library.styles].join('');
      const times: number[] = [];
      for (const set of sets) {
        const file = join(dir, `${rows.length}-${set.charts.length}.html`);
        writeFileSync(file, page(library, set.charts));
        times.push(await drawTime(browser, file, runs));
      }
      rows.push({ name: library.name, bytes: Buffer.byteLength(inlined), gzip: gzipSync(inlined).length, times });
    }
    const base = rows[0]!;
    console.log(`Charting libraries, ${runs} runs each, headless Chromium (navigation to every chart drawn, median):`);
    console.log(`${'library'.padEnd(38)}${'inlined'.padStart(12)}${'gzip'.padStart(10)}${sets.map((s) => s.label.padStart(22)).join('')}`);
    for (const row of rows) {
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
      const ratio = (i: number) => `${row.times[i]!.toFixed(0)} ms (${(row.times[i]! / base.times[i]!).toFixed(1)}×)`;
      console.log(`${row.name.padEnd(38)}${kb(row.bytes).padStart(12)}${kb(row.gzip).padStart(10)}${sets.map((_, i) => ratio(i).padStart(22)).join('')}`);
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
