import type { FileStats } from '../aggregate/types.js';
import type { DetectorConfig } from '../config/detector-config.js';
import type { EngineDeps } from '../engine/deps.js';
import { evaluateAll } from '../engine/evaluate.js';
import { ingestLogFile } from '../engine/ingest.js';
import type { InsightRecord } from '../insights/record.js';
import type { Logger } from '../log/logger.js';
import { DirectoryWriter } from '../publish/directory-writer.js';
import { FanOutPublisher } from '../publish/fan-out-publisher.js';
import type { PublishedInsight, Publisher } from '../publish/publisher.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Minute } from '../time/minute.js';
import { EVALUATE_EVERY_MINUTES, replayPlan } from './replay-plan.js';
import type { SkippedFile, TrailFile } from './trail-files.js';

export interface ReplayOptions {
  files: readonly TrailFile[];
  config: DetectorConfig;
  maxDecompressedBytes: number;
  /** Also write the Insights files, in the AWS S3 layout, under this directory. */
  outDir?: string;
  evaluateEvery?: number;
  log: Logger;
  onProgress?: (done: number, total: number) => void;
}

export interface ReplayResult {
  /** Every record published, Start and End, ordered by eventTime then eventID. */
  records: InsightRecord[];
  /** The replay clock (delivery time) at which each record was published, by eventID. */
  emittedAt: Map<string, Minute>;
  filesRead: number;
  quarantined: SkippedFile[];
  unreadable: SkippedFile[];
  totals: Pick<FileStats, 'records' | 'counted' | 'writes' | 'errors' | 'duplicates'> & { malformed: number };
}

/** Keeps what was published and when, on the replay's clock. */
class RecordingPublisher implements Publisher {
  readonly records: InsightRecord[] = [];
  readonly emittedAt = new Map<string, Minute>();
  clock: Minute = 0;

  async publish(insights: readonly PublishedInsight[]): Promise<void> {
    for (const { record } of insights) {
      if (this.emittedAt.has(record.eventID)) continue;
      this.emittedAt.set(record.eventID, this.clock);
      this.records.push(record);
    }
  }
}

/**
 * Replays archived log files through the engine on one machine, with the in-memory
 * store: the same ingest and evaluate code as the Lambda functions, driven by
 * `replayPlan` on the trail's own clock.
 */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const recorder = new RecordingPublisher();
  const publisher: Publisher = options.outDir ? new FanOutPublisher([new DirectoryWriter({ root: options.outDir }), recorder]) : recorder;
  const deps: EngineDeps = {
    store: new MemoryStore(),
    publisher,
    config: options.config,
    log: options.log,
    maxDecompressedBytes: options.maxDecompressedBytes,
  };
  const result: ReplayResult = {
    records: [],
    emittedAt: recorder.emittedAt,
    filesRead: 0,
    quarantined: [],
    unreadable: [],
    totals: { records: 0, counted: 0, writes: 0, errors: 0, duplicates: 0, malformed: 0 },
  };
  const steps = replayPlan(options.files, options.evaluateEvery ?? EVALUATE_EVERY_MINUTES);
  let done = 0;
  for (const step of steps) {
    if (step.kind === 'evaluate') {
      recorder.clock = step.now;
      await evaluateAll(deps, step.now);
      continue;
    }
    const { file } = step;
    recorder.clock = file.deliveryMinute;
    options.onProgress?.(++done, options.files.length);
    let body: AsyncIterable<Uint8Array>;
    try {
      body = await file.open();
    } catch (error) {
      result.unreadable.push({ name: file.name, reason: (error as Error).message });
      continue;
    }
    const outcome = await ingestLogFile(deps, file.file, body, { now: file.deliveryMinute, acceptBareArray: true }).catch(
      (error: unknown) => {
        // A file the system cannot read (permissions, vanished) is listed; anything else is a real failure.
        if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
        return { status: 'unreadable' as const, reason: (error as Error).message };
      },
    );
    if (outcome.status === 'unreadable') {
      result.unreadable.push({ name: file.name, reason: outcome.reason });
      continue;
    }
    if (outcome.status === 'quarantined') {
      result.quarantined.push({ name: file.name, reason: `${outcome.code}: ${outcome.reason}` });
      continue;
    }
    result.filesRead += 1;
    if (outcome.status === 'ingested') {
      const { totals } = result;
      totals.records += outcome.stats.records;
      totals.counted += outcome.stats.counted;
      totals.writes += outcome.stats.writes;
      totals.errors += outcome.stats.errors;
      totals.duplicates += outcome.stats.duplicates;
      totals.malformed += Object.values(outcome.stats.malformed).reduce((sum, n) => sum + n, 0);
    }
  }
  result.records = [...recorder.records].sort((a, b) =>
    a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : a.eventID < b.eventID ? -1 : a.eventID > b.eventID ? 1 : 0,
  );
  return result;
}
