import middy from '@middy/core';
import { awsRuntime, s3Objects } from '../../lib/runtime/aws.js';
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
  return handleIngestEvent(runtime.deps, objects, event, AbortSignal.any([signal, deadline]));
}

/** S3 notifications of new CloudTrail log files (via SQS, directly, or via EventBridge) → counts and Starts. */
export const handler = middy(ingest, { timeoutEarlyInMillis: STOP_BEFORE_TIMEOUT_MS / 2 });
