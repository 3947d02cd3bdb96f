import { routeKey } from '../cloudtrail/log-key.js';
import type { EngineDeps } from '../engine/deps.js';
import { ingestLogFile } from '../engine/ingest.js';
import { minuteFromDate } from '../time/minute.js';
import { parseJson, parseObjectEvent, UnrecognizedMessageError, type ObjectRef } from '../trigger/object-events.js';
import { ObjectGoneError, type ObjectSource } from './object-source.js';

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
 * or EventBridge invocations throw, letting Lambda's own retries apply.
 */
export async function handleIngestEvent(
  deps: EngineDeps,
  objects: ObjectSource,
  event: unknown,
  signal?: AbortSignal,
): Promise<SqsBatchResponse | void> {
  if (!isSqsEvent(event)) {
    const content = parseObjectEvent(event);
    if (content.kind === 'objects') for (const ref of content.objects) await ingestObject(deps, objects, ref, signal);
    return;
  }
  const batchItemFailures: SqsBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const content = parseObjectEvent(parseJson(record.body), record.body);
      if (content.kind === 'test-event') deps.log.debug('skipped s3:TestEvent', { messageId: record.messageId });
      if (content.kind === 'ignored') deps.log.debug('skipped non-create S3 event', { messageId: record.messageId, reason: content.reason });
      if (content.kind === 'objects') for (const ref of content.objects) await ingestObject(deps, objects, ref, signal);
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

export async function ingestObject(deps: EngineDeps, objects: ObjectSource, ref: ObjectRef, signal?: AbortSignal): Promise<void> {
  const route = routeKey(ref.bucket, ref.key, ref.size);
  if (route.kind === 'skip') {
    deps.log.debug('skipped object', { bucket: ref.bucket, key: ref.key, reason: route.reason, detail: route.detail });
    return;
  }
  let body: AsyncIterable<Uint8Array>;
  try {
    body = await objects.open(ref.bucket, ref.key, signal);
  } catch (error) {
    if (!(error instanceof ObjectGoneError)) throw error;
    deps.log.warn('log file was deleted before it could be read', { bucket: ref.bucket, key: ref.key });
    return;
  }
  await ingestLogFile(deps, route.file, body, { now: minuteFromDate(new Date()), ...(signal && { signal }) });
}
