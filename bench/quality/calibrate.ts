/**
 * Runs the reference detectors on a generated dataset and scores them: the benchmark's
 * yardstick: a naive threshold should fail it, a blunt detector should miss the modest
 * incidents, and a plain multi-window design with cold-start rules should come close to
 * the targets.
 *
 *   npx tsx bench/quality/calibrate.ts --data bench/out/full [--write DIR]
 *
 * With `--write`, each detector's Starts go to DIR/<name>.jsonl for `score.ts`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Labels } from '../synth/labels.js';
import { naiveDetector, referenceDetector } from './reference-detectors.js';
import { formatReport, score } from './score.js';
import { countSeries } from './series-counts.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, write: { type: 'string' } }, strict: true });
if (!values.data) {
  console.error('usage: npx tsx bench/quality/calibrate.ts --data DIR [--write OUTDIR]');
  process.exit(2);
}
const labels = JSON.parse(readFileSync(join(values.data, 'labels.json'), 'utf8')) as Labels;
const started = performance.now();
const counts = countSeries(values.data, labels);
console.log(`${counts.series.length} series counted in ${((performance.now() - started) / 1000).toFixed(1)} s`);
const scoredFrom = Math.round((Date.parse(labels.warmupEnd) - Date.parse(labels.start)) / 60_000);
for (const run of [naiveDetector(counts, scoredFrom), referenceDetector(counts, scoredFrom, { sensitive: false }), referenceDetector(counts, scoredFrom)]) {
  const report = score(labels, run.insights);
  console.log(`\n=== ${run.name}: ${run.insights.length} Starts ===`);
  console.log(formatReport(report, labels));
  if (values.write) {
    mkdirSync(values.write, { recursive: true });
    const file = join(values.write, `${run.name.split(' ')[0]}.jsonl`);
    writeFileSync(file, run.insights.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
}
