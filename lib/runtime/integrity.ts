import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { INTEGRITY_ALERT_DETAIL_TYPE } from '../integrity/alert.js';
import { DynamoDbChainWatch } from '../integrity/chain-watch.js';
import { validateArrivedDigest, type IntegrityDeps } from '../integrity/digest-arrival.js';
import { findOverdueDigests } from '../integrity/overdue.js';
import { CloudTrailPublicKeys } from '../integrity/public-keys.js';
import { S3TrailObjects, type TrailObjects } from '../integrity/trail-objects.js';
import { createLogger } from '../log/logger.js';
import { EventBridgePublisher } from '../publish/eventbridge-publisher.js';
import { DynamoDbStore } from '../store/dynamodb-store.js';
import { parseJson, parseObjectEvent, UnrecognizedMessageError } from '../trigger/object-events.js';
import type { RuntimeConfig } from './environment.js';
import type { SqsBatchResponse } from './ingest-event.js';

/**
 * The integrity validator wired to AWS: S3 for the trail, CloudTrail for public keys,
 * the engine's table (counts, and the chains' last digests), EventBridge for alerts.
 * Built once per container.
 *
 * @example
 * ```ts
 * const deps = integrityRuntime(runtimeConfigFrom(process.env));
 * ```
 */
export function integrityRuntime(config: RuntimeConfig): IntegrityDeps {
  const s3 = new S3Client({ forcePathStyle: config.s3ForcePathStyle });
  const dynamodb = new DynamoDBClient({});
  const events = new EventBridgePublisher({ client: new EventBridgeClient({}), eventBusName: config.eventBusName, source: config.eventSource });
  const buckets = new Map<string, TrailObjects>();
  return {
    objectsIn: (bucket) => {
      let objects = buckets.get(bucket);
      if (!objects) buckets.set(bucket, (objects = new S3TrailObjects(s3, bucket, '', config.expectedBucketOwner)));
      return objects;
    },
    keys: new CloudTrailPublicKeys(),
    store: new DynamoDbStore({ client: dynamodb, tableName: config.tableName }),
    chains: new DynamoDbChainWatch(dynamodb, config.tableName),
    alerts: { publish: (alert) => events.publishEvents([{ id: alert.alertId, detailType: INTEGRITY_ALERT_DETAIL_TYPE, detail: alert, time: new Date() }]) },
    log: createLogger({ level: config.logLevel }),
    maxDecompressedBytes: config.maxDecompressedBytes,
    now: () => Date.now(),
  };
}

const isSchedule = (event: unknown): boolean =>
  typeof event === 'object' && event !== null && (event as Record<string, unknown>)['detail-type'] === 'Scheduled Event';

const isSqsBatch = (event: unknown): event is { Records: { messageId: string; body: string }[] } =>
  typeof event === 'object' &&
  event !== null &&
  Array.isArray((event as { Records?: unknown }).Records) &&
  (event as { Records: { eventSource?: unknown }[] }).Records.every((record) => record?.eventSource === 'aws:sqs');

/**
 * One invocation of the validator: the schedule looks for overdue digests; S3
 * notifications of new digests (from its queue, or direct) validate each. A failing
 * message is reported for retry alone (partial batch response); after the queue's
 * receive limit it dead-letters, and that pages.
 *
 * @example
 * ```ts
 * await handleIntegrityEvent(deps, { source: 'aws.events', 'detail-type': 'Scheduled Event' }); // { overdue: 0 }
 * ```
 */
export async function handleIntegrityEvent(deps: IntegrityDeps, event: unknown, signal?: AbortSignal): Promise<SqsBatchResponse | { overdue: number } | void> {
  if (isSchedule(event)) return { overdue: (await findOverdueDigests(deps)).length };
  if (!isSqsBatch(event)) {
    const content = parseObjectEvent(event);
    if (content.kind === 'objects') for (const ref of content.objects) await validateArrivedDigest(deps, ref.bucket, ref.key, signal);
    return;
  }
  const batchItemFailures: SqsBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const content = parseObjectEvent(parseJson(record.body), record.body);
      if (content.kind === 'objects') for (const ref of content.objects) await validateArrivedDigest(deps, ref.bucket, ref.key, signal);
    } catch (error) {
      const level = error instanceof UnrecognizedMessageError ? 'error' : 'warn';
      deps.log[level]('digest message failed; it will be retried', { messageId: record.messageId, error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
