/**
 * The detection-quality benchmark: a labelled synthetic trail (generated once per seed
 * and cached under bench/out/), replayed through the engine exactly as `trail-insights
 * replay` does, scored against its labels. Detection delay uses the replay clock at which
 * each Start was published (the delivery time of the file that revealed it).
 *
 *   npx tsx bench/quality/run.ts [--seed 1] [--profile full|sample] [--config FILE] [--days N]
 *
 * Prints the scorer's report; writes bench/out/quality-<profile>-<seed>.json with the
 * report and the insights.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { replay } from '../../lib/cli/replay.js';
import { dateUnnamedFiles, findLocalFiles } from '../../lib/cli/trail-files.js';
import { DEFAULT_DETECTOR_CONFIG, parseDetectorConfigText } from '../../lib/config/detector-config.js';
import { silentLogger } from '../../lib/log/logger.js';
import { minuteToIso } from '../../lib/time/minute.js';
import type { ProfileName } from '../synth/profiles.js';
import { generate } from '../synth/generate.js';
import type { Labels } from '../synth/labels.js';
import { formatReport, score } from './score.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    profile: { type: 'string', default: 'full' },
    config: { type: 'string' },
    days: { type: 'string' },
  },
});
const seed = Number(values.seed);
const profile = values.profile as ProfileName;
const out = fileURLToPath(new URL('../out/', import.meta.url));
const trail = join(out, `trail-${profile}-${seed}${values.days ? `-${values.days}d` : ''}`);

if (!existsSync(join(trail, 'labels.json'))) {
  const started = Date.now();
  generate({ seed, out: trail, profile, ...(values.days && { days: Number(values.days) }) });
  console.error(`generated ${trail} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
const labels = JSON.parse(readFileSync(join(trail, 'labels.json'), 'utf8')) as Labels;
const config = values.config ? parseDetectorConfigText(readFileSync(values.config, 'utf8'), values.config) : DEFAULT_DETECTOR_CONFIG;

const started = Date.now();
const { dated: files } = await dateUnnamedFiles((await findLocalFiles([trail])).files, 1024 ** 3);
const result = await replay({ files, config, maxDecompressedBytes: 1024 ** 3, log: silentLogger });
const seconds = (Date.now() - started) / 1000;
const emissions = [...result.emittedAt].map(([eventID, minute]) => ({ eventID, emittedAt: minuteToIso(minute) }));
const report = score(labels, result.records, emissions);

console.log(formatReport(report, labels));
console.log(`replayed ${result.filesRead} files (${result.totals.records} records) in ${seconds.toFixed(1)} s`);
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, `quality-${profile}-${seed}.json`),
  JSON.stringify({ command: process.argv.slice(1).join(' '), replaySeconds: seconds, report, insights: result.records }, null, 2),
);
