import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { awsRuntime, recordingWriteCalls, s3Objects } from '../../lib/runtime/aws.js';
import { runtimeConfigFrom } from '../../lib/runtime/environment.js';
import { handleIngestEvent } from '../../lib/runtime/ingest-event.js';

// Built once per container: configuration errors fail the cold start loudly.
const config = runtimeConfigFrom(process.env);
const runtime = awsRuntime(config);
const objects = s3Objects(runtime, config);

/** Stop reading this long before the Lambda timeout, so unfinished messages are reported for retry. */
const STOP_BEFORE_TIMEOUT_MS = 10_000;

/** The part of the Lambda context this handler uses. */
interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

async function ingest(event: unknown, context: LambdaContext, { signal }: { signal: AbortSignal }) {
  const deadline = AbortSignal.timeout(Math.max(1_000, context.getRemainingTimeInMillis() - STOP_BEFORE_TIMEOUT_MS));
  const stop = AbortSignal.any([signal, deadline]);
  return recordingWriteCalls(runtime, () => handleIngestEvent(runtime.deps, objects, event, stop, runtime.telemetry.recorder));
}

/** S3 notifications of new CloudTrail log files (via SQS, directly, or via EventBridge) → counts and Starts. */
export const handler = middy(ingest, { timeoutEarlyInMillis: STOP_BEFORE_TIMEOUT_MS / 2 })
  // Request id and cold start on every log line; one EMF document of metrics per invocation.
  .use(injectLambdaContext(runtime.telemetry.logger, { resetKeys: true }))
  .use(logMetrics(runtime.telemetry.metrics, { captureColdStartMetric: true }));
