import { isMalformedLogFileError, readRecordBatches, type MalformedLogFileCode } from '../cloudtrail/read-records.js';
import { FileAggregator, type AggregationConfig } from './file-aggregator.js';
import type { Contribution, FileStats } from './types.js';

/** What one log file's bytes add up to, before anything is stored. */
export type LogFileAggregate =
  | { status: 'counted'; contributions: Contribution[]; stats: FileStats }
  /** Nothing in it at all (no bytes, or only whitespace). */
  | { status: 'empty' }
  /** Not a readable log file: quarantined, never retried (reading the same bytes again gives the same answer). */
  | { status: 'malformed'; code: MalformedLogFileCode; reason: string };

export interface AggregateOptions {
  objectId: string;
  /** The account and region of the file's key, for records that lack their own. */
  account: string;
  region: string;
  config: AggregationConfig;
  maxDecompressedBytes: number;
  /** Also read files holding a bare JSON array of records (CLI). */
  acceptBareArray?: boolean;
  /** Stops reading cleanly and throws its reason (e.g. just before the Lambda timeout). */
  signal?: AbortSignal;
}

/**
 * Reads, decompresses, parses and counts one CloudTrail log file: the CPU-bound half of
 * ingest, with no I/O but the body's. Lambda calls it before applying the counts; a
 * replay runs it in worker threads, several files at once, and applies the aggregates
 * in delivery order, so both count every file with this same code.
 *
 * Errors of the body itself (a reset socket) and the abort reason are thrown unchanged;
 * a malformed file is an outcome, never an exception.
 */
export async function aggregateLogFile(body: AsyncIterable<Uint8Array>, options: AggregateOptions): Promise<LogFileAggregate> {
  const aggregator = new FileAggregator({ objectId: options.objectId, account: options.account, region: options.region, config: options.config });
  try {
    for await (const batch of readRecordBatches(body, {
      maxDecompressedBytes: options.maxDecompressedBytes,
      acceptBareArray: options.acceptBareArray ?? false,
      ...(options.signal && { signal: options.signal }),
    })) {
      for (const record of batch) aggregator.add(record);
    }
  } catch (error) {
    if (!isMalformedLogFileError(error)) throw error;
    return error.code === 'empty' ? { status: 'empty' } : { status: 'malformed', code: error.code, reason: error.message };
  }
  return { status: 'counted', contributions: aggregator.contributions(), stats: aggregator.stats };
}
