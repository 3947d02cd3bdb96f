import { S3Client } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError, DEFAULT_DETECTOR_CONFIG, parseDetectorConfig, parseDetectorConfigText, type DetectorConfig } from '../../config/detector-config.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../../engine/deps.js';
import { createLogger, parseLogLevel } from '../../log/logger.js';
import { S3ObjectSource } from '../../runtime/object-source.js';
import { UsageError, type CliIo, type Command } from '../command.js';
import { formatJsonLines, formatTable } from '../format.js';
import { replay, type ReplayResult } from '../replay.js';
import { dateUnnamedFiles, findLocalFiles, findS3Files, MissingPathError, type SkippedFile, type TrailFile } from '../trail-files.js';

const USAGE = `Usage: trail-insights replay <path|s3://bucket/prefix>... [options]

Replays archived CloudTrail log files (.json.gz or .json, recursively; also files
holding a bare JSON array of records) through the Insights engine, offline.

Options:
  --format table|jsonl   table: one line per insight (default); jsonl: one AWS
                         Insights record per line (Start and End), nothing else
  --out DIR              also write the Insights files, AWS S3 layout, under DIR
  --config FILE          detector configuration (JSON; see README "Configuration")
  --lateness MINUTES     minutes before a minute is closed (overrides the config)
  --workers N            threads reading and parsing log files (default: one per
                         core, ${availableParallelism()} here; 0: none, all on one thread);
                         the output is the same for any N
  -h, --help             show this help

Exit status: 0 success, 1 failure, 2 usage error (bad option, missing path, bad config).
`;

/** More threads than this only cost memory: decoding is CPU-bound, and the engine applies files one at a time. */
const MAX_WORKERS = 64;

interface Options {
  paths: string[];
  format: 'table' | 'jsonl';
  outDir?: string;
  config: DetectorConfig;
  workers: number;
}

async function parseOptions(argv: readonly string[]): Promise<Options | 'help'> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'table' },
        out: { type: 'string' },
        config: { type: 'string' },
        lateness: { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals: paths } = parsed;
  if (values.help) return 'help';
  if (paths.length === 0) throw new UsageError('replay needs at least one path or s3:// URL');
  if (values.format !== 'table' && values.format !== 'jsonl') throw new UsageError(`--format must be table or jsonl, got ${values.format}`);
  let config = DEFAULT_DETECTOR_CONFIG;
  if (values.config !== undefined) {
    const text = await readFile(values.config, 'utf8').catch(() => {
      throw new UsageError(`cannot read config file ${values.config}`);
    });
    config = parseDetectorConfigText(text, values.config);
  }
  if (values.lateness !== undefined) {
    const lateness = Number(values.lateness);
    config = parseDetectorConfig({ ...config, latenessMinutes: Number.isInteger(lateness) ? lateness : values.lateness });
  }
  const workers = values.workers === undefined ? availableParallelism() : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 0 || workers > MAX_WORKERS) {
    throw new UsageError(`--workers must be a whole number from 0 to ${MAX_WORKERS}, got ${values.workers}`);
  }
  return { paths, format: values.format, config, workers, ...(values.out !== undefined && { outDir: values.out }) };
}

function summary(result: ReplayResult, skipped: readonly SkippedFile[]): string {
  const starts = result.records.filter((r) => r.insightDetails.state === 'Start').length;
  const ends = result.records.length - starts;
  const { totals } = result;
  const lines = [
    `trail-insights: ${result.filesRead} files read, ${skipped.length + result.unreadable.length} skipped, ${result.quarantined.length} quarantined; ` +
      `${totals.records} records (${totals.writes} writes, ${totals.errors} errors analysed, ${totals.duplicates} duplicates, ${totals.malformed} malformed); ` +
      `${starts} insights (${ends} ended, ${starts - ends} still open)`,
  ];
  for (const file of skipped) lines.push(`  skipped      ${file.name}: ${file.reason}`);
  for (const file of result.unreadable) lines.push(`  unreadable   ${file.name}: ${file.reason}`);
  for (const file of result.quarantined) lines.push(`  quarantined  ${file.name}: ${file.reason}`);
  return lines.join('\n') + '\n';
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let options: Options | 'help';
  try {
    options = await parseOptions(argv);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr(`trail-insights: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  const maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES;
  try {
    const files: TrailFile[] = [];
    const skipped: SkippedFile[] = [];
    let s3: S3Client | undefined;
    for (const path of options.paths) {
      let found;
      if (path.startsWith('s3://')) {
        s3 ??= new S3Client({ forcePathStyle: io.env.S3_FORCE_PATH_STYLE === 'true' });
        found = await findS3Files(s3, new S3ObjectSource(s3), path);
      } else {
        found = await findLocalFiles([path]);
      }
      files.push(...found.files);
      skipped.push(...found.skipped);
    }
    const { dated: replayable, failed } = await dateUnnamedFiles(files, maxDecompressedBytes);
    skipped.push(...failed);

    const started = Date.now();
    let lastProgress = 0;
    const result = await replay({
      files: replayable,
      config: options.config,
      maxDecompressedBytes,
      workers: options.workers,
      log: createLogger({ level: parseLogLevel(io.env.LOG_LEVEL, 'silent'), write: (line) => io.stderr(`${line}\n`) }),
      ...(options.outDir !== undefined && { outDir: options.outDir }),
      onProgress: (done, total) => {
        const now = Date.now();
        if (!io.interactive || now - started < 2_000 || now - lastProgress < 250) return;
        lastProgress = now;
        io.stderr(`\rreplaying: ${done}/${total} files`);
      },
    });
    if (io.interactive && lastProgress > 0) io.stderr('\r\x1b[K');
    io.stdout(options.format === 'jsonl' ? formatJsonLines(result.records) : formatTable(result.records));
    io.stderr(summary(result, skipped));
    return 0;
  } catch (error) {
    if (error instanceof MissingPathError || error instanceof ConfigError) {
      io.stderr(`trail-insights: ${error.message}\n`);
      return 2;
    }
    io.stderr(`trail-insights: ${(error as Error).message}\n`);
    return 1;
  }
}

export const replayCommand: Command = {
  name: 'replay',
  summary: 'replay archived CloudTrail logs through the engine, offline',
  usage: USAGE,
  run,
};
