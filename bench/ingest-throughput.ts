/**
 * Ingest throughput: MB/s of uncompressed log through the reader, against the bare
 * `gunzipSync + JSON.parse` of the same bytes. The machine is noisy, so variants run
 * interleaved, several times, and the figure to quote is the median of the paired ratios
 * (each repetition's baseline time over the variant's), not absolute speed.
 *
 *   npx tsx bench/ingest-throughput.ts [--repetitions 7] [--generated-mb 100]
 *
 * Corpora: the 55 real invictus files, one generated file of --generated-mb MB, and the
 * same volume as 2 MB files. All gzipped in memory before timing; sources hand the reader
 * 64 KiB at a time, as a socket would. Prints a table and writes
 * bench/out/ingest-throughput.json.
 *
 * Note on the one-file corpus: the bare baseline parses 100 MB into one object graph,
 * which costs it heavily in GC; the reader never holds more than a batch.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { classifyRecord } from '../lib/cloudtrail/classify.js';
import { objectIdOf } from '../lib/cloudtrail/log-key.js';
import { readRecordBatches } from '../lib/cloudtrail/read-records.js';
import { DEFAULT_DETECTOR_CONFIG } from '../lib/config/detector-config.js';
import { ingestLogFile } from '../lib/engine/ingest.js';
import { silentLogger } from '../lib/log/logger.js';
import { CollectingPublisher } from '../test/support/collecting-publisher.js';
import { MemoryStore } from '../lib/store/memory-store.js';
import { bigLogChunks } from '../test/support/big-log.js';
import { datasetPath } from '../test/support/datasets.js';

/** A set of gzipped log files, measured as a whole. */
export interface Corpus {
  name: string;
  /** Gzipped log files. */
  files: Buffer[];
  uncompressedBytes: number;
}

/** One way of ingesting a file; returns how many records it saw (a cross-check between variants). */
export interface Variant {
  name: string;
  run(gzipped: Buffer): Promise<number> | number;
}

export interface VariantResult {
  corpus: string;
  variant: string;
  records: number;
  /** Passes over the corpus timed together as one sample. */
  passesPerSample: number;
  /** Median over repetitions, MB (10^6 bytes) of uncompressed log per second. */
  medianMBps: number;
  /** Median over repetitions of baseline time / variant time (1 = as fast as the baseline). */
  ratio: number;
  samplesMBps: number[];
}

export interface MeasureOptions {
  repetitions: number;
  /** Untimed rounds first, for the JIT. */
  warmup?: number;
  /**
   * A small corpus is passed over several times per sample, so that each sample lasts at
   * least this long and one scheduler hiccup cannot decide it (default 300 ms).
   */
  minSampleMs?: number;
}

/**
 * Runs every variant over every file of the corpus, `repetitions` times, interleaved
 * (a different variant order each round so drift spreads evenly). The first variant is
 * the baseline of the ratios.
 */
export async function measureThroughput(
  corpus: Corpus,
  variants: readonly Variant[],
  { repetitions, warmup = 1, minSampleMs = 300 }: MeasureOptions,
): Promise<VariantResult[]> {
  const pass = async (variant: Variant): Promise<number> => {
    let seen = 0;
    for (const file of corpus.files) seen += await variant.run(file);
    return seen;
  };
  // Calibrate the passes per sample on the baseline (after a first, JIT-warming pass).
  await pass(variants[0]!);
  const calibration = performance.now();
  await pass(variants[0]!);
  const passes = Math.max(1, Math.ceil(minSampleMs / (performance.now() - calibration)));

  const times: number[][] = variants.map(() => []);
  const records: number[] = variants.map(() => 0);
  for (let round = 0; round < warmup + repetitions; round++) {
    for (let k = 0; k < variants.length; k++) {
      const index = (k + round) % variants.length;
      const variant = variants[index]!;
      const start = performance.now();
      for (let p = 0; p < passes; p++) records[index] = await pass(variant);
      const elapsed = (performance.now() - start) / passes;
      if (round >= warmup) times[index]!.push(elapsed);
    }
  }
  const baseline = times[0]!;
  return variants.map((variant, index) => {
    const own = times[index]!;
    return {
      corpus: corpus.name,
      variant: variant.name,
      records: records[index]!,
      passesPerSample: passes,
      medianMBps: round1(median(own.map((ms) => corpus.uncompressedBytes / 1e6 / (ms / 1000)))),
      ratio: round3(median(own.map((ms, r) => baseline[r]! / ms))),
      samplesMBps: own.map((ms) => round1(corpus.uncompressedBytes / 1e6 / (ms / 1000))),
    };
  });
}

// A socket or file stream hands over about this much at a time.
const SOURCE_CHUNK_BYTES = 64 * 1024;

async function* chunked(bytes: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += SOURCE_CHUNK_BYTES) yield bytes.subarray(at, at + SOURCE_CHUNK_BYTES);
}

const READ_OPTIONS = { maxDecompressedBytes: 2 ** 31 };
// Where classifications go, so the work cannot be optimised away.
const classified = { counted: 0, ignored: 0, malformed: 0 };

export const baseVariants: Variant[] = [
  {
    name: 'gunzipSync + JSON.parse',
    run: (gzipped) => (JSON.parse(gunzipSync(gzipped).toString('utf8')) as { Records: unknown[] }).Records.length,
  },
  {
    name: 'readRecordBatches',
    run: async (gzipped) => {
      let seen = 0;
      for await (const batch of readRecordBatches(chunked(gzipped), READ_OPTIONS)) seen += batch.length;
      return seen;
    },
  },
  {
    name: 'readRecordBatches + classifyRecord',
    run: async (gzipped) => {
      let seen = 0;
      for await (const batch of readRecordBatches(chunked(gzipped), READ_OPTIONS)) {
        for (const record of batch) classified[classifyRecord(record).kind] += 1;
        seen += batch.length;
      }
      return seen;
    },
  },
];

let ingested = 0;

/**
 * The engine's whole ingest of one file — read, classify, aggregate, apply (encoded, as
 * DynamoDB would store it), detect — with a fresh in-memory store, so only the network
 * round trips of Lambda are left out.
 */
export const ingestVariant: Variant = {
  name: 'ingestLogFile (full engine, memory store)',
  run: async (gzipped) => {
    const key = `bench/${ingested++}.json.gz`;
    const outcome = await ingestLogFile(
      { store: new MemoryStore(), publisher: new CollectingPublisher(), config: DEFAULT_DETECTOR_CONFIG, log: silentLogger, maxDecompressedBytes: READ_OPTIONS.maxDecompressedBytes },
      { bucket: 'bench', key, objectId: objectIdOf('bench', key), account: '123456789012', region: 'us-east-1', location: { bucket: 'bench', prefix: '' } },
      chunked(gzipped),
      { now: 0 },
    );
    return outcome.status === 'ingested' ? outcome.stats.records : 0;
  },
};

/** The 55 real files of `test/fixtures/datasets/invictus-stratus-run`, gzipped in memory. */
export function invictusCorpus(dir = datasetPath('invictus-stratus-run')): Corpus {
  const plain = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => readFileSync(join(dir, name)));
  return {
    name: 'invictus-stratus-run (55 files)',
    files: plain.map((bytes) => gzipSync(bytes)),
    uncompressedBytes: plain.reduce((sum, bytes) => sum + bytes.length, 0),
  };
}

/**
 * About `megabytes` MB of generated log (test/support/big-log.ts), as one file, or as
 * files of about `fileMegabytes` each (real CloudTrail files are mostly a few MB).
 */
export function generatedCorpus(megabytes: number, { seed = 42, fileMegabytes }: { seed?: number; fileMegabytes?: number } = {}): Corpus {
  const perFile = fileMegabytes ?? megabytes;
  const count = Math.max(1, Math.round(megabytes / perFile));
  const plain = Array.from({ length: count }, (_, i) =>
    Buffer.concat([...bigLogChunks({ uncompressedBytes: perFile * 1e6, seed: seed + i }).chunks]),
  );
  const uncompressedBytes = plain.reduce((sum, bytes) => sum + bytes.length, 0);
  return {
    name: `generated (${Math.round(uncompressedBytes / 1e6)} MB, ${count === 1 ? '1 file' : `${count} files`})`,
    files: plain.map((bytes) => gzipSync(bytes)),
    uncompressedBytes,
  };
}

export function formatTable(results: readonly VariantResult[]): string {
  const rows = [['corpus', 'variant', 'records', 'median MB/s', 'ratio vs bare'], ...results.map((r) => [r.corpus, r.variant, String(r.records), r.medianMBps.toFixed(1), r.ratio.toFixed(2)])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => row.map((cell, c) => (c >= 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ')).join('\n');
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`--${name} must be a positive number`);
  return value;
}

async function main(): Promise<void> {
  const repetitions = argument('repetitions', 7);
  const generatedMb = argument('generated-mb', 100);
  const corpora = [invictusCorpus(), generatedCorpus(generatedMb), generatedCorpus(generatedMb, { fileMegabytes: 2 })];
  const results: VariantResult[] = [];
  for (const corpus of corpora) {
    const measured = await measureThroughput(corpus, [...baseVariants, ingestVariant], { repetitions, warmup: 1 });
    results.push(...measured);
    console.log(formatTable(measured) + '\n');
  }
  const outDir = fileURLToPath(new URL('./out/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const report = {
    command: `npx tsx bench/ingest-throughput.ts --repetitions ${repetitions} --generated-mb ${generatedMb}`,
    node: process.version,
    date: new Date().toISOString(),
    results,
  };
  writeFileSync(join(outDir, 'ingest-throughput.json'), JSON.stringify(report, null, 2) + '\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
