/**
 * Child process of the memory-bound test: reads one log file in the given mode, under
 * whatever heap limit the parent sets, and prints one JSON line (`ProbeReport`) with what
 * it saw and its peak memory.
 *
 *   node --max-old-space-size=128 --import tsx test/support/memory-probe.ts <log path> <mode>
 *
 * Modes are entries of `modes`; add one to measure another path over the same file.
 */
import { createReadStream } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { pathToFileURL } from 'node:url';
import type { FileStats } from '../../lib/aggregate/types.js';
import { classifyRecord } from '../../lib/cloudtrail/classify.js';
import { objectIdOf } from '../../lib/cloudtrail/log-key.js';
import { readRecordBatches } from '../../lib/cloudtrail/read-records.js';
import { DEFAULT_DETECTOR_CONFIG } from '../../lib/config/detector-config.js';
import { ingestLogFile } from '../../lib/engine/ingest.js';
import { silentLogger } from '../../lib/log/logger.js';
import { CollectingPublisher } from './collecting-publisher.js';
import { MemoryStore } from '../../lib/store/memory-store.js';

/** What a mode saw: the engine's own per-file statistics, less what only the engine tracks. */
export type ProbeCounts = Pick<FileStats, 'records' | 'counted' | 'writes' | 'errors' | 'ignored' | 'malformed'>;

export interface ProbeReport extends ProbeCounts {
  mode: string;
  durationMs: number;
  /** Largest V8 heap in use seen between batches. */
  peakHeapUsedBytes: number;
  /** Peak resident set size of the process (getrusage), Buffers and zlib included. */
  peakRssBytes: number;
}

/** Reads `path` and counts what it holds; calls `sample` between batches so peak heap is seen. */
export type ProbeMode = (path: string, sample: () => void) => Promise<ProbeCounts>;

// Far above a real CloudTrail file; the probe is about memory, not the cap.
const MAX_DECOMPRESSED_BYTES = 4 * 1024 ** 3;

export const modes: Record<string, ProbeMode> = {
  /** The reader and the classifier over every record. */
  reader: async (path, sample) => {
    const counts: ProbeCounts = { records: 0, counted: 0, writes: 0, errors: 0, ignored: {}, malformed: {} };
    for await (const batch of readRecordBatches(createReadStream(path), { maxDecompressedBytes: MAX_DECOMPRESSED_BYTES })) {
      for (const record of batch) {
        counts.records += 1;
        const classified = classifyRecord(record);
        if (classified.kind === 'counted') {
          counts.counted += 1;
          if (classified.write) counts.writes += 1;
          if (classified.errorCode !== undefined) counts.errors += 1;
        } else {
          const bucket = classified.kind === 'ignored' ? counts.ignored : counts.malformed;
          bucket[classified.reason] = (bucket[classified.reason] ?? 0) + 1;
        }
      }
      sample();
    }
    return counts;
  },

  /**
   * The whole ingest path the Lambda runs — read, classify, aggregate per series and
   * minute with attributions, apply to the store, detect — with the in-memory store.
   * The heap is sampled on a timer, since the engine owns the batch loop.
   */
  ingest: async (path, sample) => {
    const timer = setInterval(sample, 20);
    try {
      const outcome = await ingestLogFile(
        {
          store: new MemoryStore(),
          publisher: new CollectingPublisher(),
          config: DEFAULT_DETECTOR_CONFIG,
          log: silentLogger,
          maxDecompressedBytes: MAX_DECOMPRESSED_BYTES,
        },
        {
          bucket: 'local',
          key: path,
          objectId: objectIdOf('local', path),
          account: '123456789012',
          region: 'us-east-1',
          location: { bucket: 'local', prefix: '' },
        },
        createReadStream(path),
        { now: 0 },
      );
      if (outcome.status !== 'ingested') throw new Error(`ingest ended ${outcome.status}: ${JSON.stringify(outcome)}`);
      const { stats } = outcome;
      return { records: stats.records, counted: stats.counted, writes: stats.writes, errors: stats.errors, ignored: stats.ignored, malformed: stats.malformed };
    } finally {
      clearInterval(timer);
    }
  },
};

export async function probe(path: string, mode: string): Promise<ProbeReport> {
  const run = modes[mode];
  if (run === undefined) throw new Error(`unknown mode ${mode}; known: ${Object.keys(modes).join(', ')}`);
  let peakHeapUsedBytes = 0;
  const sample = (): void => {
    peakHeapUsedBytes = Math.max(peakHeapUsedBytes, getHeapStatistics().used_heap_size);
  };
  const started = performance.now();
  const counts = await run(path, sample);
  sample();
  return {
    mode,
    ...counts,
    durationMs: Math.round(performance.now() - started),
    peakHeapUsedBytes,
    // maxRSS is in kilobytes.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [path, mode = 'reader'] = process.argv.slice(2);
  if (path === undefined) {
    console.error('usage: memory-probe.ts <log path> [mode]');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(await probe(path, mode)) + '\n');
}
