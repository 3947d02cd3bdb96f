import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { EngineCache } from '../engine/cache.js';
import type { EngineDeps } from '../engine/deps.js';
import { EventBridgePublisher } from '../publish/eventbridge-publisher.js';
import { FanOutPublisher } from '../publish/fan-out-publisher.js';
import { S3InsightWriter } from '../publish/s3-insight-writer.js';
import { DynamoDbStore } from '../store/dynamodb-store.js';
import type { RuntimeConfig } from './environment.js';
import { S3ObjectSource, type ObjectSource } from './object-source.js';
import { countWriteCalls, lambdaTelemetry, type Telemetry } from './telemetry.js';

export interface AwsRuntime {
  deps: EngineDeps;
  s3: S3Client;
  telemetry: Telemetry;
  /** DynamoDB write requests sent by this container so far. */
  writeCalls: () => number;
}

/**
 * The engine wired to AWS: one client per service, created once per container and
 * reused across invocations. Endpoints and credentials come from the SDK's standard
 * environment (`AWS_ENDPOINT_URL_*` included), so the same code runs against local servers.
 */
export function awsRuntime(config: RuntimeConfig): AwsRuntime {
  const s3 = new S3Client({ forcePathStyle: config.s3ForcePathStyle });
  const dynamodb = new DynamoDBClient({});
  const writeCalls = countWriteCalls(dynamodb);
  const telemetry = lambdaTelemetry({ serviceName: config.serviceName, logLevel: config.logLevel });
  const eventBridge = new EventBridgeClient({});
  const publisher = new FanOutPublisher([
    // The trail bucket first: if EventBridge then fails, the retry rewrites the same keys.
    new S3InsightWriter({
      client: s3,
      ...(config.insightsKmsKeyId && { kmsKeyId: config.insightsKmsKeyId }),
      ...(config.expectedBucketOwner && { expectedBucketOwner: config.expectedBucketOwner }),
    }),
    new EventBridgePublisher({ client: eventBridge, eventBusName: config.eventBusName, source: config.eventSource }),
  ]);
  return {
    deps: {
      store: new DynamoDbStore({ client: dynamodb, tableName: config.tableName }),
      publisher,
      config: config.detector,
      log: telemetry.log,
      maxDecompressedBytes: config.maxDecompressedBytes,
      // Module scope in the handlers: lives as long as the warm container.
      cache: new EngineCache(),
    },
    s3,
    telemetry,
    writeCalls,
  };
}

/** Runs `work` and records the DynamoDB write requests it sent, whether it succeeds or not. */
export async function recordingWriteCalls<T>(runtime: AwsRuntime, work: () => Promise<T>): Promise<T> {
  const before = runtime.writeCalls();
  try {
    return await work();
  } finally {
    runtime.telemetry.recorder.add('DynamoDbWriteCalls', runtime.writeCalls() - before);
  }
}

/** Where the ingest function reads log objects; evaluate never reads S3 (and its role cannot). */
export function s3Objects(runtime: AwsRuntime, config: RuntimeConfig): ObjectSource {
  return new S3ObjectSource(runtime.s3, config.expectedBucketOwner);
}
