/**
 * The analyst's report: one self-contained HTML page of Insights — an overview timeline
 * by account and region, then one section per insight with its per-minute chart against
 * the expected rate and band, the insight window shaded, Start/End, total events, why it
 * fired and who made the calls. uPlot and the page's script are inlined: the page needs
 * no network when it is opened, days later, from a mail or a ticket.
 */
import type { InsightContext } from '../insights/context.js';
import { formatAmount } from '../insights/reason-text.js';
import { encodeValueRuns, encodeZeroRuns } from '../insights/run-length.js';
import type { AttributionEntry, InsightRecord } from '../insights/record.js';
import { minuteToIso } from '../time/minute.js';
import { chartAssets, type ChartAssets } from './assets.js';
import { CLIENT_SCRIPT } from './client-script.js';
import { escapeHtml, jsonForScript, scriptSource } from './html.js';
import { insightViews, type InsightView } from './insight-view.js';
import { overviewSvg } from './overview.js';

export interface ReportOptions {
  /** The page title. Default "trail-insights report". */
  title?: string;
  /** Where the insights came from (a trail, a bucket), shown under the title. */
  source?: string;
  /** Shown as the report's time; pass it for byte-identical output. Default: now. */
  generatedAt?: Date;
  /** The charting library to inline; default uPlot from node_modules. */
  assets?: ChartAssets;
}

const when = (minute: number): string => `${minuteToIso(minute).slice(0, 16).replace('T', ' ')} UTC`;
const kindOf = (view: InsightView): 'call' | 'error' | 'drop' => (view.drop ? 'drop' : view.type === 'ApiErrorRateInsight' ? 'error' : 'call');
const KIND_LABEL = { call: 'call rate ▲', error: 'error rate ▲', drop: 'drop ▼' } as const;

function attributionRows(entries: readonly AttributionEntry[]): string {
  if (entries.length === 0) return '';
  const cell = (values: AttributionEntry['insight']) =>
    values.length === 0 ? '<td class="none">none</td>' : `<td><ul>${values.map((v) => `<li><code>${escapeHtml(v.value)}</code> ${formatAmount(v.average)}/min</li>`).join('')}</ul></td>`;
  const rows = entries.map((entry) => `<tr><th scope="row">${escapeHtml(entry.attribute)}</th>${cell(entry.insight)}${cell(entry.baseline)}</tr>`).join('');
  return `<table class="attributions"><thead><tr><th>top</th><th>during the insight</th><th>baseline</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function section(view: InsightView): string {
  const kind = kindOf(view);
  const id = escapeHtml(view.id);
  const end = view.end === undefined ? `<span class="open">open</span> (counts known to ${when(view.chart.until)})` : when(view.end);
  const duration = view.end === undefined ? '' : `<dt>Duration</dt><dd>${view.end - view.start} min</dd>`;
  const total = view.totalCounted ? String(view.totalEvents) : `≈ ${view.totalEvents} (average × duration; no per-minute counts kept)`;
  const reason = view.reasonFull
    ? `<p class="reason"><strong>Why:</strong> ${escapeHtml(view.reasonFull)}</p>`
    : '<p class="reason none">No context was kept for this insight (an AWS insight, or written before contexts): the chart shows its averages.</p>';
  return `<section class="insight ${kind}" id="insight-${id}" data-insight-id="${id}">
<header><h2>${escapeHtml(view.api)}</h2><span class="badge ${kind}">${KIND_LABEL[kind]}</span><span class="where">${escapeHtml(view.account)} · ${escapeHtml(view.region)}</span></header>
<div class="chart" aria-label="events per minute"></div>
<dl class="facts"><dt>Start</dt><dd>${when(view.start)}</dd><dt>End</dt><dd>${end}</dd>${duration}<dt>Total events</dt><dd>${total}</dd><dt>Rate</dt><dd>${formatAmount(view.insightAverage)}/min against a baseline of ${formatAmount(view.baselineAverage)}/min</dd>${view.topPrincipal ? `<dt>Top principal</dt><dd><code>${escapeHtml(view.topPrincipal)}</code></dd>` : ''}<dt>Id</dt><dd><code>${id}</code></dd></dl>
${reason}
${attributionRows(view.attributions)}
</section>`;
}

const options = (values: readonly string[]): string => values.map((value) => `<option value="${escapeHtml(value)}">${escapeHtml(value)}</option>`).join('');

const STYLE = `
:root{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
body{margin:0 auto;max-width:1200px;padding:16px 24px}
h1{font-size:22px;margin:4px 0}h2{font-size:16px;margin:0}
.meta{color:#57606a;margin-bottom:12px}
.panel,.insight{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:12px 0}
.overview text{font-size:11px;fill:#57606a}.overview .lane-rule,.overview line.tick{stroke:#eaeef2}
.bar{stroke-width:0}.bar.call{fill:#1f6feb}.bar.error{fill:#d1242f}.bar.drop{fill:#8250df}.bar.open{opacity:.6}.bar.dimmed{opacity:.12}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
.controls{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}.controls label{color:#57606a}
.insight header{display:flex;gap:12px;align-items:baseline;flex-wrap:wrap}.where{color:#57606a}
.badge{font-size:12px;padding:1px 8px;border-radius:10px;color:#fff}.badge.call{background:#1f6feb}.badge.error{background:#d1242f}.badge.drop{background:#8250df}
.chart{margin:8px 0;min-height:250px}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}.facts dt{color:#57606a}.facts dd{margin:0}
.open{color:#bf3989;font-weight:600}.reason{margin:8px 0}.reason.none{color:#57606a}
.attributions{border-collapse:collapse;width:100%;font-size:13px}.attributions th,.attributions td{border-top:1px solid #eaeef2;padding:4px 8px;text-align:left;vertical-align:top}
.attributions ul{margin:0;padding:0;list-style:none}.attributions .none{color:#8c959f}code{font-size:12px;word-break:break-all}
.empty{color:#57606a}
`;

/**
 * The report page for these records (Start and End, any order, duplicates allowed) and
 * whatever contexts exist for them; insights without a context are drawn from their
 * records' averages.
 *
 * @example
 * const html = renderReport(result.records, contexts, { source: 'events/sample-trail', generatedAt: new Date() });
 * await writeFile('report.html', html);
 */
export function renderReport(records: readonly InsightRecord[], contexts: readonly InsightContext[], reportOptions: ReportOptions = {}): string {
  const assets = reportOptions.assets ?? chartAssets();
  const views = insightViews(records, contexts);
  const title = reportOptions.title ?? 'trail-insights report';
  const generated = (reportOptions.generatedAt ?? new Date()).toISOString().slice(0, 16).replace('T', ' ');
  const open = views.filter((view) => view.end === undefined).length;
  const data = {
    insights: views.map((view) => ({
      id: view.id,
      account: view.account,
      region: view.region,
      api: view.api,
      kind: kindOf(view),
      start: view.start,
      totalEvents: view.totalEvents,
      // Sort key "most unusual first": the rate against its baseline (drops by how far below).
      severity: view.drop ? view.baselineAverage / Math.max(view.insightAverage, 1e-6) : view.insightAverage / Math.max(view.baselineAverage, 1e-6),
      chart: {
        ...view.chart,
        // The page carries the stored encodings and decodes them (a tenth of the bytes).
        counts: encodeZeroRuns(view.chart.counts),
        expected: encodeValueRuns(view.chart.expected),
        upper: encodeValueRuns(view.chart.upper),
      },
    })),
  };
  const distinct = (pick: (view: InsightView) => string) => [...new Set(views.map(pick))].sort();
  const controls =
    views.length === 0
      ? ''
      : `<div class="panel controls">
<label>Account <select id="f-account"><option value="">all</option>${options(distinct((v) => v.account))}</select></label>
<label>Region <select id="f-region"><option value="">all</option>${options(distinct((v) => v.region))}</select></label>
<label>Type <select id="f-type"><option value="">all</option><option value="call">call rate</option><option value="error">error rate</option><option value="drop">drop</option></select></label>
<label>API <input id="f-api" type="search" placeholder="iam:, RunInstances…"></label>
<label>Sort <select id="sort"><option value="start">start time</option><option value="severity">most unusual</option><option value="events">total events</option><option value="api">API</option><option value="where">account, region</option></select></label>
<span>showing <b id="shown">${views.length}</b> of ${views.length}</span>
</div>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${assets.css}${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="meta">${views.length} insight${views.length === 1 ? '' : 's'} (${open} open)${reportOptions.source ? ` from <code>${escapeHtml(reportOptions.source)}</code>` : ''} · generated ${generated} UTC</div>
<div class="panel"><h2>Overview</h2>
<div class="legend"><span><i style="background:#1f6feb"></i>call rate</span><span><i style="background:#d1242f"></i>error rate</span><span><i style="background:#8250df"></i>drop</span><span>faded: still open</span></div>
${overviewSvg(views)}</div>
${controls}
<div id="insights">
${views.map(section).join('\n')}
</div>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${scriptSource(assets.script)}</script>
<script>${scriptSource(CLIENT_SCRIPT)}</script>
</body>
</html>
`;
}
