import middy from '@middy/core';
import { runtimeConfigFrom } from '../../lib/runtime/environment.js';
import { handleIntegrityEvent, integrityRuntime } from '../../lib/runtime/integrity.js';

// Built once per container: configuration errors fail the cold start loudly.
const deps = integrityRuntime(runtimeConfigFrom(process.env));

/** Stop this long before the Lambda timeout, so unfinished messages are reported for retry. */
const STOP_BEFORE_TIMEOUT_MS = 10_000;

interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

async function validateDigest(event: unknown, context: LambdaContext, { signal }: { signal: AbortSignal }) {
  const deadline = AbortSignal.timeout(Math.max(1_000, context.getRemainingTimeInMillis() - STOP_BEFORE_TIMEOUT_MS));
  return handleIntegrityEvent(deps, event, AbortSignal.any([signal, deadline]));
}

/** New digest files (S3 notifications via SQS) → validated, alerts on EventBridge; the schedule → overdue digests. */
export const handler = middy(validateDigest, { timeoutEarlyInMillis: STOP_BEFORE_TIMEOUT_MS / 2 });
