/**
 * Replay speed and memory, as ratios measured in one run (these machines are noisy):
 *
 * 1. The floor: read, `gunzipSync` and `JSON.parse` every log file of the trail, one
 *    thread, nothing else (bench/support/decode-floor.mjs).
 * 2. The bundled CLI, `trail-insights replay DIR --format jsonl`, with default options
 *    (a decode worker per core), then with `--workers 1`, each in its own process, its
 *    peak RSS read from the process itself (bench/support/peak-rss.mjs), worker threads
 *    included. Repetitions are interleaved (floor, default, one worker, floor, ...) and
 *    the figures quoted are medians of each repetition's ratio to its own floor.
 *    Both variants must print byte-identical records.
 * 3. Memory against the trail's length: the same generator's 7-day and 21-day trails
 *    (same accounts, same daily rate) replayed with default options; the ratio of their
 *    peak RSS.
 * 4. A month in a small heap: a 30-day trail replayed under `--max-old-space-size=256`.
 *
 *   npm run bench:replay [-- --trail DIR] [--repetitions 3] [--parts speed,memory,month]
 *
 * Default trail: bench/out/replay-synth (the synthetic `full` profile, seed 1, 12 days:
 * 4 accounts, 10 account-regions, ≈ 1.04 M records), generated on first use. Prints a
 * table and writes bench/out/replay.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate } from './synth/generate.js';

const USAGE = 'usage: npm run bench:replay [-- --trail DIR] [--repetitions N] [--parts speed,memory,month]';
const { values } = parseArgs({
  options: {
    trail: { type: 'string' },
    repetitions: { type: 'string', default: '3' },
    parts: { type: 'string', default: 'speed,memory,month' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const repetitions = Number(values.repetitions);
const parts = new Set(values.parts.split(','));
if (!Number.isInteger(repetitions) || repetitions < 1 || [...parts].some((part) => !['speed', 'memory', 'month'].includes(part))) {
  console.error(USAGE);
  process.exit(2);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'bench', 'out');
const cli = join(root, 'dist', 'trail-insights.mjs');
const floorScript = join(root, 'bench', 'support', 'decode-floor.mjs');
const peakRss = join(root, 'bench', 'support', 'peak-rss.mjs');
mkdirSync(out, { recursive: true });

/** A `full`-profile trail of `days` days (seed 1), generated once and kept under bench/out. */
function trailOf(days: number): string {
  const dir = join(out, `replay-synth${days === 12 ? '' : `-${days}d`}`);
  if (!existsSync(join(dir, 'labels.json'))) {
    const started = Date.now();
    generate({ seed: 1, out: dir, profile: 'full', days });
    console.error(`generated ${dir} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  return dir;
}

interface Run {
  seconds: number;
  peakRssMB: number;
  stdout: string;
}

/** Runs `node [nodeArgs] script args` with the peak-RSS probe; fails loudly on a non-zero exit. */
function measure(nodeArgs: string[], script: string, args: string[]): Run {
  const probe = join(tmpdir(), `trail-insights-rusage-${process.pid}.json`);
  const started = performance.now();
  const child = spawnSync(process.execPath, [...nodeArgs, '--import', peakRss, script, ...args], {
    env: { ...process.env, PEAK_RSS_OUT: probe },
    maxBuffer: 1024 ** 3,
    encoding: 'utf8',
  });
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`${script} ${args.join(' ')} exited ${child.status}: ${child.stderr.slice(-2000)}`);
  const usage = JSON.parse(readFileSync(probe, 'utf8')) as { maxRSS: number };
  rmSync(probe);
  return { seconds, peakRssMB: usage.maxRSS / 1024, stdout: child.stdout };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

console.error('building the CLI (npm run build:cli)');
const build = spawnSync('npm', ['run', '-s', 'build:cli'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

const report: Record<string, unknown> = { cores: availableParallelism(), node: process.version };
const replayArgs = (dir: string, extra: string[] = []) => ['replay', dir, '--format', 'jsonl', ...extra];

if (parts.has('speed')) {
  const trail = values.trail ?? trailOf(12);
  const rows: Array<{ floor: number; defaults: Run; oneWorker: Run; floorRss: number }> = [];
  let floorInfo = { files: 0, records: 0, bytes: 0 };
  for (let i = 0; i < repetitions; i++) {
    const floor = measure([], floorScript, [trail]);
    floorInfo = JSON.parse(floor.stdout) as typeof floorInfo;
    const defaults = measure([], cli, replayArgs(trail));
    const oneWorker = measure([], cli, replayArgs(trail, ['--workers', '1']));
    if (defaults.stdout !== oneWorker.stdout) throw new Error('replay printed different records with --workers 1 than with the default');
    rows.push({ floor: floor.seconds, defaults, oneWorker, floorRss: floor.peakRssMB });
    console.error(
      `repetition ${i + 1}: floor ${floor.seconds.toFixed(1)} s, replay ${defaults.seconds.toFixed(1)} s (${defaults.peakRssMB.toFixed(0)} MB), ` +
        `--workers 1 ${oneWorker.seconds.toFixed(1)} s (${oneWorker.peakRssMB.toFixed(0)} MB)`,
    );
  }
  const speed = {
    trail,
    files: floorInfo.files,
    records: floorInfo.records,
    jsonGB: floorInfo.bytes / 1e9,
    floorSeconds: median(rows.map((row) => row.floor)),
    defaultRatio: median(rows.map((row) => row.defaults.seconds / row.floor)),
    oneWorkerRatio: median(rows.map((row) => row.oneWorker.seconds / row.floor)),
    defaultSeconds: median(rows.map((row) => row.defaults.seconds)),
    oneWorkerSeconds: median(rows.map((row) => row.oneWorker.seconds)),
    defaultPeakRssMB: Math.max(...rows.map((row) => row.defaults.peakRssMB)),
    oneWorkerPeakRssMB: Math.max(...rows.map((row) => row.oneWorker.peakRssMB)),
    insightRecords: rows[0]!.defaults.stdout.split('\n').filter(Boolean).length,
  };
  report.speed = speed;
  const rate = (seconds: number) => `${Math.round(speed.records / seconds / 1000)}k records/s`;
  console.log(`\nreplay of ${trail}: ${speed.files} files, ${speed.records} records, ${speed.jsonGB.toFixed(2)} GB of JSON, ${availableParallelism()} cores`);
  console.log('variant                          time ÷ floor   records/s        peak RSS');
  console.log(`floor (gunzipSync + JSON.parse)  1.00           ${rate(speed.floorSeconds).padEnd(16)} —`);
  console.log(`replay, default options          ${speed.defaultRatio.toFixed(2).padEnd(14)} ${rate(speed.defaultSeconds).padEnd(16)} ${speed.defaultPeakRssMB.toFixed(0)} MB`);
  console.log(`replay --workers 1               ${speed.oneWorkerRatio.toFixed(2).padEnd(14)} ${rate(speed.oneWorkerSeconds).padEnd(16)} ${speed.oneWorkerPeakRssMB.toFixed(0)} MB`);
  console.log(`(median of ${repetitions} interleaved repetitions; both variants printed the same ${speed.insightRecords} records)`);
}

if (parts.has('memory')) {
  const week = measure([], cli, replayArgs(trailOf(7)));
  const threeWeeks = measure([], cli, replayArgs(trailOf(21)));
  report.memory = { days7PeakRssMB: week.peakRssMB, days21PeakRssMB: threeWeeks.peakRssMB, ratio: threeWeeks.peakRssMB / week.peakRssMB };
  console.log(`\npeak RSS, default options: 7 days ${week.peakRssMB.toFixed(0)} MB, 21 days ${threeWeeks.peakRssMB.toFixed(0)} MB, ratio ${(threeWeeks.peakRssMB / week.peakRssMB).toFixed(2)}`);
}

if (parts.has('month')) {
  const month = measure(['--max-old-space-size=256'], cli, replayArgs(trailOf(30)));
  report.month = { days: 30, maxOldSpaceMB: 256, seconds: month.seconds, peakRssMB: month.peakRssMB };
  console.log(`\n30 days under --max-old-space-size=256: completed in ${month.seconds.toFixed(0)} s, peak RSS ${month.peakRssMB.toFixed(0)} MB`);
}

writeFileSync(join(out, 'replay.json'), JSON.stringify({ command: `npm run bench:replay -- ${process.argv.slice(2).join(' ')}`.trim(), ...report }, null, 2));
