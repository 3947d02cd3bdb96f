import type { LogFileAggregate } from '../aggregate/log-file.js';
import type { FileStats } from '../aggregate/types.js';
import type { DetectorConfig } from '../config/detector-config.js';
import type { EngineDeps } from '../engine/deps.js';
import { EngineCache } from '../engine/cache.js';
import { evaluateAll } from '../engine/evaluate.js';
import { ingestAggregate } from '../engine/ingest.js';
import type { InsightRecord } from '../insights/record.js';
import type { Logger } from '../log/logger.js';
import { DirectoryWriter } from '../publish/directory-writer.js';
import { FanOutPublisher } from '../publish/fan-out-publisher.js';
import type { PublishedInsight, Publisher } from '../publish/publisher.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Minute } from '../time/minute.js';
import { DecodePool } from './decode-pool.js';
import { EVALUATE_EVERY_MINUTES, replayPlan } from './replay-plan.js';
import type { SkippedFile, TrailFile } from './trail-files.js';

export interface ReplayOptions {
  files: readonly TrailFile[];
  config: DetectorConfig;
  maxDecompressedBytes: number;
  /** Also write the Insights files, in the AWS S3 layout, under this directory. */
  outDir?: string;
  evaluateEvery?: number;
  /** Decode worker threads (read, gunzip, parse, count); 0 (the default) decodes on this thread. */
  workers?: number;
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

type Decoded = LogFileAggregate | { status: 'unreadable'; reason: string };

/**
 * Reads and counts one file of the replay. A file the system cannot read (permissions,
 * vanished) is listed as unreadable; anything else that fails is a real failure.
 */
async function decodeFile(pool: DecodePool, file: TrailFile): Promise<Decoded> {
  const unreadable = (error: unknown): Decoded => {
    if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
    return { status: 'unreadable', reason: (error as Error).message };
  };
  const task = { objectId: file.file.objectId, account: file.file.account, region: file.file.region, acceptBareArray: true };
  if (file.path !== undefined) return pool.decode({ ...task, source: { path: file.path } }).catch(unreadable);
  let bytes: Uint8Array;
  try {
    const chunks: Uint8Array[] = [];
    for await (const chunk of await file.open()) chunks.push(chunk);
    bytes = Buffer.concat(chunks);
  } catch (error) {
    return { status: 'unreadable', reason: (error as Error).message };
  }
  return pool.decode({ ...task, source: { bytes } }).catch(unreadable);
}

/**
 * Starts work on the items of a list up to `depth` ahead of the one consumed, and hands
 * the results back in list order. A failure is rethrown when its item is reached.
 */
class Lookahead<T, R> {
  private readonly started: Array<Promise<{ ok: true; value: R } | { ok: false; error: unknown }> | undefined> = [];
  private consumed = 0;

  constructor(
    private readonly items: readonly T[],
    private readonly depth: number,
    private readonly work: (item: T) => Promise<R>,
  ) {}

  async next(): Promise<R> {
    for (let i = this.consumed; i < Math.min(this.items.length, this.consumed + this.depth); i++) {
      this.started[i] ??= this.work(this.items[i]!).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    }
    const settled = await this.started[this.consumed]!;
    this.started[this.consumed++] = undefined;
    if (!settled.ok) throw settled.error;
    return settled.value;
  }
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
    // The trail's own clock: the store forgets what the table's TTLs would have deleted by then.
    store: new MemoryStore({ now: () => recorder.clock * 60_000 }),
    publisher,
    config: options.config,
    log: options.log,
    maxDecompressedBytes: options.maxDecompressedBytes,
    // As a warm Lambda container would: registry entries, and models rebuilt only when hours roll.
    cache: new EngineCache(),
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
  const workers = options.workers ?? 0;
  const pool = new DecodePool({ workers, config: options.config, maxDecompressedBytes: options.maxDecompressedBytes });
  // Files are decoded ahead of the engine, at most this many at once, and applied strictly
  // in delivery order: the same output for any number of workers, bounded memory (an
  // aggregate is a few KB). Deep enough that workers keep busy through an evaluation.
  const ahead = new Lookahead(steps.flatMap((step) => (step.kind === 'ingest' ? [step.file] : [])), workers === 0 ? 1 : 32 * workers, (file) =>
    decodeFile(pool, file),
  );
  let done = 0;
  try {
    for (const step of steps) {
      if (step.kind === 'evaluate') {
        recorder.clock = step.now;
        await evaluateAll(deps, step.now);
        continue;
      }
      const { file } = step;
      recorder.clock = file.deliveryMinute;
      options.onProgress?.(++done, options.files.length);
      const decoded = await ahead.next();
      if (decoded.status === 'unreadable') {
        result.unreadable.push({ name: file.name, reason: decoded.reason });
        continue;
      }
      const outcome = await ingestAggregate(deps, file.file, decoded, file.deliveryMinute);
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
  } finally {
    await pool.close();
  }
  result.records = [...recorder.records].sort((a, b) =>
    a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : a.eventID < b.eventID ? -1 : a.eventID > b.eventID ? 1 : 0,
  );
  return result;
}
