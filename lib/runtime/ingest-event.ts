import { routeKey, type LogFile } from '../cloudtrail/log-key.js';
import type { EngineDeps } from '../engine/deps.js';
import { ingestLogFile, type IngestOutcome } from '../engine/ingest.js';
import type { InsightRecord } from '../insights/record.js';
import { noMetrics, type MetricsRecorder } from '../metrics/metrics.js';
import { minuteFromDate } from '../time/minute.js';
import { parseJson, parseObjectEvent, UnrecognizedMessageError, type ObjectRef } from '../trigger/object-events.js';
import { ObjectGoneError, type ObjectSource } from './object-source.js';
import { recordPublished } from './telemetry.js';

export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

interface SqsRecord {
  messageId: string;
  body: string;
  eventSource?: string;
}

const isSqsEvent = (event: unknown): event is { Records: SqsRecord[] } =>
  typeof event === 'object' &&
  event !== null &&
  Array.isArray((event as { Records?: unknown }).Records) &&
  (event as { Records: Array<{ eventSource?: unknown }> }).Records.every((record) => record?.eventSource === 'aws:sqs');

/**
 * The ingest function's work for one invocation. SQS batches answer with partial batch
 * failures, so one bad message is retried (and eventually dead-lettered) alone; direct S3
 * or EventBridge invocations throw, letting Lambda's own retries apply. What each object
 * came to is recorded through `metrics` (lib/metrics/metrics.ts), also when a later one fails.
 */
export async function handleIngestEvent(
  deps: EngineDeps,
  objects: ObjectSource,
  event: unknown,
  signal?: AbortSignal,
  metrics: MetricsRecorder = noMetrics,
): Promise<SqsBatchResponse | void> {
  const tally = new IngestTally();
  try {
    return await handleObjects(deps, objects, event, tally, signal);
  } finally {
    tally.record(metrics);
  }
}

async function handleObjects(
  deps: EngineDeps,
  objects: ObjectSource,
  event: unknown,
  tally: IngestTally,
  signal?: AbortSignal,
): Promise<SqsBatchResponse | void> {
  if (!isSqsEvent(event)) {
    const content = parseObjectEvent(event);
    if (content.kind === 'objects') for (const ref of content.objects) tally.add(await ingestObject(deps, objects, ref, signal));
    return;
  }
  const batchItemFailures: SqsBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const content = parseObjectEvent(parseJson(record.body), record.body);
      if (content.kind === 'test-event') deps.log.debug('skipped s3:TestEvent', { messageId: record.messageId });
      if (content.kind === 'ignored') deps.log.debug('skipped non-create S3 event', { messageId: record.messageId, reason: content.reason });
      if (content.kind === 'objects') for (const ref of content.objects) tally.add(await ingestObject(deps, objects, ref, signal));
    } catch (error) {
      // Retried by SQS; after maxReceiveCount it lands in the dead-letter queue, whose
      // depth alarm pages someone. Unrecognised messages go the same way, loudly.
      const level = error instanceof UnrecognizedMessageError ? 'error' : 'warn';
      deps.log[level]('message failed; it will be retried', { messageId: record.messageId, error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

/** What one announced object came to. */
export type ObjectResult =
  | { kind: 'not-a-log-file'; reason: string }
  | { kind: 'gone' }
  | { kind: 'read'; file: LogFile; outcome: IngestOutcome; at: Date };

export async function ingestObject(deps: EngineDeps, objects: ObjectSource, ref: ObjectRef, signal?: AbortSignal): Promise<ObjectResult> {
  const route = routeKey(ref.bucket, ref.key, ref.size);
  if (route.kind === 'skip') {
    deps.log.debug('skipped object', { bucket: ref.bucket, key: ref.key, reason: route.reason, detail: route.detail });
    return { kind: 'not-a-log-file', reason: route.reason };
  }
  const { file } = route;
  // Every line about this file carries its key and account-region.
  const log = deps.log.child({ key: file.key, account: file.account, region: file.region });
  let body: AsyncIterable<Uint8Array>;
  try {
    body = await objects.open(ref.bucket, ref.key, signal);
  } catch (error) {
    if (!(error instanceof ObjectGoneError)) throw error;
    log.warn('log file was deleted before it could be read', { bucket: ref.bucket });
    return { kind: 'gone' };
  }
  const outcome = await ingestLogFile({ ...deps, log }, file, body, { now: minuteFromDate(new Date()), ...(signal && { signal }) });
  return { kind: 'read', file, outcome, at: new Date() };
}

/** One invocation's figures: counts summed, one lag sample per file counted. */
class IngestTally {
  private ingested = 0;
  private skipped = 0;
  private quarantined = 0;
  private records = 0;
  private readonly lagSeconds: number[] = [];
  private readonly published: InsightRecord[] = [];

  add(result: ObjectResult): void {
    if (result.kind !== 'read') {
      this.skipped += 1;
      return;
    }
    const { outcome, file } = result;
    if (outcome.status === 'quarantined') this.quarantined += 1;
    else if (outcome.status === 'skipped' || !outcome.applied) this.skipped += 1;
    else {
      this.ingested += 1;
      this.records += outcome.stats.records;
      if (file.deliveryMinute !== undefined) this.lagSeconds.push(Math.max(0, (result.at.getTime() - file.deliveryMinute * 60_000) / 1000));
    }
    if (outcome.status === 'ingested') this.published.push(...outcome.published);
  }

  record(metrics: MetricsRecorder): void {
    metrics.add('FilesIngested', this.ingested);
    metrics.add('FilesSkipped', this.skipped);
    metrics.add('FilesQuarantined', this.quarantined);
    metrics.add('Records', this.records);
    for (const lag of this.lagSeconds) metrics.add('IngestLag', lag);
    recordPublished(metrics, this.published);
  }
}
