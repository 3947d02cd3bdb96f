import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { awsRuntime } from '../../lib/runtime/aws.js';
import { runtimeConfigFrom } from '../../lib/runtime/environment.js';
import { runEvaluation } from '../../lib/runtime/evaluate-run.js';
import { scheduleMinute } from '../../lib/trigger/schedule.js';

const runtime = awsRuntime(runtimeConfigFrom(process.env));

async function evaluate(event: unknown) {
  const outcome = await runEvaluation(runtime, scheduleMinute(event, new Date()));
  return { published: outcome.published.length };
}

/** The schedule (every 5 minutes): close minutes, roll baselines, end insights, find gaps. */
export const handler = middy(evaluate)
  .use(injectLambdaContext(runtime.telemetry.logger, { resetKeys: true }))
  .use(logMetrics(runtime.telemetry.metrics, { captureColdStartMetric: true }));
