/**
 * The report of a trail and the insight contexts behind it, measured:
 *
 *   npx tsx bench/report-size.ts [--trail events/sample-trail] [--runs 3] [--out report.html]
 *
 * Replays the trail (the CLI's replay, in memory), builds each insight's context from the
 * log files (bench/report/trail-contexts.ts), and prints: the contexts' sizes (stored
 * JSON, gzip, and the same with plain per-minute arrays, to show what the encodings save),
 * the report's size, and the time from navigation to every chart drawn in headless
 * Chromium (median of --runs).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { contextChart } from '../lib/insights/context.js';
import { renderReport } from '../lib/report/render.js';
import { launchChromium } from '../test/support/chromium.js';
import { drawTime, timedReport } from './report/draw-time.js';
import { trailInsights } from './report/sample-insights.js';

const { values } = parseArgs({ options: { trail: { type: 'string', default: 'events/sample-trail' }, runs: { type: 'string', default: '3' }, out: { type: 'string' } } });
const started = Date.now();
const { records, contexts } = await trailInsights([values.trail!]);
const insights = new Set(records.map((record) => record.sharedEventID)).size;
console.log(`${values.trail}: ${insights} insights, ${contexts.length} with a context (replay and contexts in ${((Date.now() - started) / 1000).toFixed(1)} s)`);

const stats = (sizes: number[]) => {
  const sorted = [...sizes].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]} B, max ${sorted.at(-1)} B, total ${(sizes.reduce((a, b) => a + b, 0) / 1024).toFixed(1)} KiB`;
};
const stored = contexts.map((context) => JSON.stringify(context));
const plain = contexts.map((context) => JSON.stringify({ ...context, chart: contextChart(context) }));
console.log(`contexts, stored JSON:        ${stats(stored.map((text) => Buffer.byteLength(text)))}`);
console.log(`contexts, stored .json.gz:    ${stats(stored.map((text) => gzipSync(text).length))}`);
console.log(`same with plain arrays, JSON: ${stats(plain.map((text) => Buffer.byteLength(text)))}`);
console.log(`same with plain arrays, gzip: ${stats(plain.map((text) => gzipSync(text).length))}`);

const html = renderReport(records, contexts, { source: values.trail!, generatedAt: new Date(0) });
if (values.out) writeFileSync(values.out, html);
const dir = mkdtempSync(join(tmpdir(), 'report-size-'));
const file = join(dir, 'report.html');
writeFileSync(file, timedReport(html));
const browser = await launchChromium();
try {
  const drawn = await drawTime(browser, file, Number(values.runs));
  console.log(`report: ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB (gzip ${(gzipSync(html).length / 1024).toFixed(0)} KiB), every chart drawn ${drawn.toFixed(0)} ms after navigation (median of ${values.runs})`);
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
