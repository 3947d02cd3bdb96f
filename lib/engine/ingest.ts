import { aggregateLogFile, type LogFileAggregate } from '../aggregate/log-file.js';
import type { Contribution, FileStats } from '../aggregate/types.js';
import type { LogFile } from '../cloudtrail/log-key.js';
import type { InsightRecord } from '../insights/record.js';
import { ContributionTooLargeError } from '../store/errors.js';
import type { InsightState } from '../store/store.js';
import { hourOf, type Minute } from '../time/minute.js';
import type { EngineDeps } from './deps.js';
import { publishPending } from './publish-pending.js';
import { checkSpikes } from './spike-check.js';

export type IngestOutcome =
  | { status: 'ingested'; applied: boolean; stats: FileStats; published: InsightRecord[] }
  | { status: 'quarantined'; code: string; reason: string }
  | { status: 'skipped'; reason: string };

export interface IngestOptions {
  /** Stops reading cleanly (e.g. just before the Lambda timeout); the message is retried. */
  signal?: AbortSignal;
  /** When it happened, for the quarantine record. */
  now: Minute;
  /** Also read files holding a bare JSON array of records (CLI). */
  acceptBareArray?: boolean;
}

/**
 * Ingests one CloudTrail log file: stream-parse and count it, apply its counts exactly
 * once, check the series it touched for spikes and publish any Start.
 *
 * Failure semantics (what makes retries safe):
 * - A malformed file is quarantined with its reason and reported as done: reading the
 *   same bytes again cannot help, so it must not be retried forever.
 * - Any other error (network, throttling, abort) propagates, so the message is retried.
 *   Nothing was applied unless `applyFile` returned, and every step after it is
 *   idempotent, so a retry — or a duplicate notification — repeats them harmlessly.
 */
export async function ingestLogFile(
  deps: EngineDeps,
  file: LogFile,
  body: AsyncIterable<Uint8Array>,
  options: IngestOptions,
): Promise<IngestOutcome> {
  const aggregate = await aggregateLogFile(body, {
    objectId: file.objectId,
    account: file.account,
    region: file.region,
    config: deps.config,
    maxDecompressedBytes: deps.maxDecompressedBytes,
    ...(options.acceptBareArray !== undefined && { acceptBareArray: options.acceptBareArray }),
    ...(options.signal && { signal: options.signal }),
  });
  return ingestAggregate(deps, file, aggregate, options.now);
}

/**
 * The second half of `ingestLogFile`, for a file already read and counted (by
 * `aggregateLogFile`, possibly in another thread): quarantine it, or apply its counts and
 * check for spikes. `now` dates the quarantine record.
 */
export async function ingestAggregate(deps: EngineDeps, file: LogFile, aggregate: LogFileAggregate, now: Minute): Promise<IngestOutcome> {
  const log = deps.log.child({ key: file.key });
  if (aggregate.status === 'empty') {
    log.debug('skipped empty log file');
    return { status: 'skipped', reason: 'empty' };
  }
  if (aggregate.status === 'malformed') return quarantine(deps, file, aggregate.code, aggregate.reason, now);

  const { contributions, stats } = aggregate;
  let applied: boolean;
  try {
    applied = (await deps.store.applyFile(file.objectId, contributions)) === 'applied';
  } catch (error) {
    if (!(error instanceof ContributionTooLargeError)) throw error;
    return quarantine(deps, file, 'contribution-too-large', error.message, now);
  }

  const owed: InsightState[] = [];
  for (const contribution of contributions) {
    owed.push(...(await afterApply(deps, file, contribution)));
  }
  const published = await publishPending(deps.store, deps.publisher, owed, log);
  log.info(applied ? 'log file ingested' : 'log file was already ingested', {
    records: stats.records, writes: stats.writes, errors: stats.errors, duplicates: stats.duplicates,
    malformed: stats.malformed, series: contributions.reduce((n, c) => n + c.series.length, 0), insights: published.length,
  });
  return { status: 'ingested', applied, stats, published };
}

/**
 * Registers the account-region, marks hours that evaluate already rolled (or is rolling)
 * as dirty so they are rolled again with this file, and checks for spikes. Run on every
 * attempt, applied or not, so a crash after the write is completed by the retry.
 */
async function afterApply(deps: EngineDeps, file: LogFile, contribution: Contribution): Promise<InsightState[]> {
  const { store } = deps;
  const { account, region } = contribution;
  const minutes = contribution.series.flatMap((series) => series.minutes.map((cell) => cell.minute));
  if (minutes.length === 0) return [];
  const entry = deps.cache?.accountRegion(account, region) ?? (await store.touch(account, region, Math.min(...minutes), file.location));
  deps.cache?.rememberAccountRegion(entry);
  // Read after the write: if evaluate starts rolling an hour after this read, its own
  // read of contributions will include ours (the two-phase rule in lib/store/store.ts).
  const state = await store.readState(account, region);
  const rolled = Math.max(state.rollingThroughHour ?? Number.NEGATIVE_INFINITY, state.rolledThroughHour ?? Number.NEGATIVE_INFINITY);
  const lateHours = [...new Set(minutes.map(hourOf))].filter((hour) => hour <= rolled).sort((a, b) => a - b);
  for (const hour of lateHours) await store.markDirty(account, region, { hour, objectId: file.objectId });
  return checkSpikes(deps, contribution, entry, state);
}

async function quarantine(deps: EngineDeps, file: LogFile, code: string, reason: string, now: Minute): Promise<IngestOutcome> {
  await deps.store.quarantine({ objectId: file.objectId, bucket: file.bucket, key: file.key, code, reason, minute: now });
  deps.log.warn('log file quarantined', { key: file.key, bucket: file.bucket, code, reason });
  return { status: 'quarantined', code, reason };
}
